"""The platform's own records, in the public schema: one Organization per portal and its domains."""

from django.core.validators import RegexValidator
from django.db import models

from django_tenants.models import DomainMixin, TenantMixin

SLUG_PATTERN = r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$"


class Organization(TenantMixin):
    """A vendor running its own portal. Its data lives in the PostgreSQL schema ``schema_name``.

    Created only through ``portal.tenants.services.portal_create``, which clones the template
    schema; saving an Organization never creates a schema by itself.
    """

    slug = models.SlugField(
        unique=True,
        max_length=40,
        validators=[RegexValidator(SLUG_PATTERN)],
        help_text="Lower-case letters, digits and hyphens; used in the schema name.",
    )
    name = models.CharField(max_length=120, help_text="Shown in the portal's header and emails.")
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Domain(DomainMixin):
    """A host name that routes to a portal; exactly one per portal is primary."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(is_primary=True),
                name="one_primary_domain_per_portal",
            )
        ]

    def __str__(self) -> str:
        return self.domain
