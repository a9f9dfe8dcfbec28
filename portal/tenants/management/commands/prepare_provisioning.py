"""``manage.py prepare_provisioning``: rebuild the template if migrations changed, fill the pool."""

import time

from django.core.management.base import BaseCommand

from portal.tenants.services import platform_ensure, pool_refill, template_ensure


class Command(BaseCommand):
    help = (
        "Register the operator's hosts, rebuild the portal template when migrations changed, "
        "fill the pool of ready clones."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        platform_ensure()
        rebuilt = template_ensure(verbosity=0)
        made = pool_refill()
        self.stdout.write(
            f"Template {'rebuilt' if rebuilt else 'up to date'}; {made} ready clone(s) made "
            f"({time.monotonic() - started:.1f} s)."
        )
