"""E-mail each member the community notifications they chose to get daily, in every portal."""

from django.core.management.base import BaseCommand

from django_tenants.utils import get_public_schema_name, schema_context

from community.notification_services import digest_send
from portal.tenants.models import Organization


class Command(BaseCommand):
    help = "Send the daily community digest: one e-mail per member, each notification once."

    def handle(self, *args, **options):
        total = 0
        schemas = Organization.objects.exclude(schema_name=get_public_schema_name())
        for schema in schemas.values_list("schema_name", flat=True):
            with schema_context(schema):
                total += digest_send()
        self.stdout.write(f"Sent {total} community digest(s).")
