"""``manage.py create_portal SLUG --name NAME --domain HOST --admin-email EMAIL``."""

from django.core.management.base import BaseCommand, CommandError

from portal.tenants.services import ProvisioningError, pool_refill, portal_create


class Command(BaseCommand):
    help = "Create a portal (cloned from the template) with its site, home page and staff account."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Lower-case letters, digits and hyphens, e.g. acme")
        parser.add_argument("--name", required=True, help="The portal's name, e.g. 'Acme Academy'")
        parser.add_argument("--domain", required=True, help="Its host name, e.g. acme.localhost")
        parser.add_argument("--admin-email", required=True, help="The first staff member's email")

    def handle(self, *args, slug, name, domain, admin_email, **options):
        try:
            portal = portal_create(slug=slug, name=name, domain=domain, admin_email=admin_email)
        except ProvisioningError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Created portal {portal.organization.name!r} at {portal.domain} "
                f"in {portal.seconds * 1000:.0f} ms."
            )
        )
        self.stdout.write(f"Staff account: {portal.admin_email}")
        self.stdout.write(f"Set its password here (the link works once): {portal.set_password_url}")
        pool_refill()
