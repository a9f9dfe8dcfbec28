"""Check every member's reputation total against the ledger, in every portal (or one).

``manage.py recompute_reputation`` reports members whose stored total differs from the sum of
their reputation events; ``--fix`` also repairs them (safe while members vote). Exits with
status 1 when drift was found and not fixed, so a monitoring job can alert on it.
"""

from django.core.management.base import BaseCommand, CommandError

from django_tenants.utils import get_public_schema_name, schema_context

from community.reputation import reputation_recompute
from portal.tenants.models import Organization


class Command(BaseCommand):
    help = "Recompute reputation totals from the ledger of events; report (and --fix) drift."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Repair the drifted totals.")
        parser.add_argument("--schema", help="Only this portal's schema (default: every portal).")

    def handle(self, *args, fix: bool = False, schema: str | None = None, **options):
        schemas = Organization.objects.exclude(schema_name=get_public_schema_name())
        if schema:
            schemas = schemas.filter(schema_name=schema)
            if not schemas.exists():
                raise CommandError(f"No portal with the schema {schema!r}.")
        total = 0
        for name in schemas.order_by("schema_name").values_list("schema_name", flat=True):
            with schema_context(name):
                drifts = reputation_recompute(fix=fix)
            total += len(drifts)
            for drift in drifts:
                self.stdout.write(
                    f"{name}: member {drift.member_id} stored {drift.stored}, "
                    f"ledger {drift.computed}{' (fixed)' if fix else ''}"
                )
        verb = "fixed" if fix else "found"
        self.stdout.write(f"Reputation drift: {total} member(s) {verb}.")
        if total and not fix:
            raise SystemExit(1)
