"""Submit exam attempts whose time is up, in every portal; run it every few minutes.

Attempts are also submitted on the next visit after their deadline; this catches the ones
nobody comes back to, so results and (later) certifications do not wait for the member.
"""

from django.core.management.base import BaseCommand

from django_tenants.utils import get_public_schema_name, schema_context

from certification.services import attempts_close_expired
from portal.tenants.models import Organization


class Command(BaseCommand):
    help = "Submit and score the exam attempts whose time limit has passed."

    def handle(self, *args, **options):
        total = 0
        schemas = Organization.objects.exclude(schema_name=get_public_schema_name())
        for schema in schemas.values_list("schema_name", flat=True):
            with schema_context(schema):
                total += attempts_close_expired()
        self.stdout.write(f"Submitted {total} expired attempt(s).")
