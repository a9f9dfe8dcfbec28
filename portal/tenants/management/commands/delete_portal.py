"""``manage.py delete_portal SLUG``: removes a portal and everything in it, after confirmation."""

from django.core.management.base import BaseCommand, CommandError

from portal.tenants.models import Organization
from portal.tenants.services import ProvisioningError, portal_delete


class Command(BaseCommand):
    help = "Delete a portal: its schema (all its members and content), domains, media and cache."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, slug, interactive, **options):
        organization = Organization.objects.filter(slug=slug).prefetch_related("domains").first()
        if organization is None:
            raise CommandError(f"There is no portal with the slug {slug!r}.")
        if interactive:
            domains = ", ".join(d.domain for d in organization.domains.all())
            self.stdout.write(
                f"This deletes the portal {organization.name!r} ({domains}) with all its members, "
                f"pages, courses, awards and posts. It cannot be undone."
            )
            answer = input(f"Type the slug ({slug}) to confirm: ")
            if answer.strip() != slug:
                raise CommandError("Not confirmed; nothing was deleted.")
        try:
            portal_delete(slug=slug)
        except ProvisioningError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Deleted portal {slug}."))
