"""Award Expert badges to members who already meet a rule, in every portal (or one).

Rules are evaluated when their events happen (an answer accepted, a certification awarded).
Run this after staff create, switch on or relax an Expert badge, so members who already
qualify get it without waiting for their next event. Idempotent: members holding the badge
(or whose award of it was revoked) get nothing new.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from django_tenants.utils import get_public_schema_name, schema_context

from certification.expert import expert_badges_evaluate
from certification.models import AcceptedAnswer, Award
from portal.tenants.models import Organization


class Command(BaseCommand):
    help = "Award Expert badges to every member who already meets a rule (after a rule changes)."

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="Only this portal's schema.")

    def handle(self, *args, **options):
        schemas = Organization.objects.exclude(schema_name=get_public_schema_name())
        if options["schema"]:
            schemas = schemas.filter(schema_name=options["schema"])
        total = 0
        for schema in schemas.values_list("schema_name", flat=True):
            with schema_context(schema):
                members = set(AcceptedAnswer.objects.values_list("member_id", flat=True))
                members |= set(Award.objects.values_list("member_id", flat=True))
                for member_id in sorted(members):
                    with transaction.atomic():
                        member = get_user_model()(pk=member_id)  # locked and re-read inside
                        total += len(expert_badges_evaluate(member=member))
        self.stdout.write(f"Awarded {total} Expert badge(s).")
