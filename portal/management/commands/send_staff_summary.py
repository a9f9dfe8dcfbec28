"""E-mail staff the weekly service summary (last week against the week before), in every
portal or in one (``--schema``); run weekly, e.g. Monday morning. A second run in the same week
sends nothing (``--force`` sends again)."""

from django.core.management.base import BaseCommand, CommandError

from django_tenants.utils import get_public_schema_name, tenant_context

from portal.dashboard.services import staff_summary_send
from portal.tenants.models import Organization


class Command(BaseCommand):
    help = "Send staff the weekly service summary: once per member, week and portal."

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="Only this portal (its schema name).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Send even to staff who already got this week's summary.",
        )

    def handle(self, *args, schema=None, force=False, **options):
        portals = Organization.objects.exclude(schema_name=get_public_schema_name())
        if schema:
            portals = portals.filter(schema_name=schema)
            if not portals.exists():
                raise CommandError(f"There is no portal with the schema “{schema}”.")
        totals = {"sent": 0, "skipped": 0, "failed": 0}
        for portal in portals.order_by("schema_name"):
            # The tenant itself (not just its schema): e-mails fall back on its name.
            with tenant_context(portal):
                result = staff_summary_send(force=force)
            for key in totals:
                totals[key] += getattr(result, key)
            if options.get("verbosity", 1) > 1:
                self.stdout.write(
                    f"{portal.schema_name}: {result.sent} sent, {result.skipped} already sent, "
                    f"{result.failed} failed"
                )
        self.stdout.write(
            f"Sent {totals['sent']} staff summary e-mail(s); {totals['skipped']} already sent "
            f"this week; {totals['failed']} failed."
        )
        if totals["failed"]:
            raise CommandError(f"{totals['failed']} staff summary e-mail(s) could not be sent.")
