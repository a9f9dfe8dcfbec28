"""Email members the day before their live sessions, in every portal; run it every few minutes."""

from django.core.management.base import BaseCommand

from django_tenants.utils import get_public_schema_name, schema_context

from courses.session_services import session_reminders_send
from portal.tenants.models import Organization


class Command(BaseCommand):
    help = "Send the reminder email to members registered for sessions starting within 24 hours."

    def handle(self, *args, **options):
        total = 0
        schemas = Organization.objects.exclude(schema_name=get_public_schema_name())
        for schema in schemas.values_list("schema_name", flat=True):
            with schema_context(schema):
                total += session_reminders_send()
        self.stdout.write(f"Sent {total} session reminder(s).")
