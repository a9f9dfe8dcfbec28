"""``manage.py prepare_provisioning``: build the template schema if migrations changed, fill the pool."""

import time

from django.core.management.base import BaseCommand

from portal.tenants.services import pool_refill, template_ensure


class Command(BaseCommand):
    help = "Rebuild the portal template schema when migrations changed and fill the pool of clones."

    def handle(self, *args, **options):
        started = time.monotonic()
        rebuilt = template_ensure(verbosity=0)
        made = pool_refill()
        self.stdout.write(
            f"Template {'rebuilt' if rebuilt else 'up to date'}; {made} ready clone(s) made "
            f"({time.monotonic() - started:.1f} s)."
        )
