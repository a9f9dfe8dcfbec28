"""Email members whose certification expires in 30 and in 7 days, in every portal; run daily."""

from django.core.management.base import BaseCommand

from django_tenants.utils import get_public_schema_name, schema_context

from certification.award_services import reminders_send
from portal.tenants.models import Organization


class Command(BaseCommand):
    help = "Send the 30-day and 7-day expiry reminders of certification awards, once each."

    def handle(self, *args, **options):
        total = 0
        schemas = Organization.objects.exclude(schema_name=get_public_schema_name())
        for schema in schemas.values_list("schema_name", flat=True):
            with schema_context(schema):
                total += reminders_send()
        self.stdout.write(f"Sent {total} certification reminder(s).")
