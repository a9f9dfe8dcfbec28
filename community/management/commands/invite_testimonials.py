"""Invite members to write a testimonial, in every portal (or one); run daily.

``manage.py invite_testimonials`` invites every member who recommended a course 9 or 10 or
thanked the whole team and was never invited for that course (or for thanking), and tells them
(``community.testimonial_services.testimonial_invite_eligible``). Running it twice invites no
one twice.
"""

from django.core.management.base import BaseCommand, CommandError

from django_tenants.utils import get_public_schema_name, schema_context

from community.testimonial_services import testimonial_invite_eligible
from portal.tenants.models import Organization


class Command(BaseCommand):
    help = "Invite members who rated a course 9 or 10 or thanked the team to write a testimonial."

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="Only this portal's schema (default: every portal).")

    def handle(self, *args, schema: str | None = None, **options):
        schemas = Organization.objects.exclude(schema_name=get_public_schema_name())
        if schema:
            schemas = schemas.filter(schema_name=schema)
            if not schemas.exists():
                raise CommandError(f"No portal with the schema {schema!r}.")
        total = 0
        for name in schemas.order_by("schema_name").values_list("schema_name", flat=True):
            with schema_context(name):
                invited = testimonial_invite_eligible()
            total += invited
            if invited:
                self.stdout.write(f"{name}: {invited} member(s) invited.")
        self.stdout.write(f"Testimonials: {total} member(s) invited.")
