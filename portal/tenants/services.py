"""Provisioning: create and delete portals.

A new portal is cloned from a migrated template schema (``settings.TENANT_TEMPLATE_SCHEMA``)
instead of running every migration into it: migrating takes 13-15 s with Wagtail and allauth,
cloning well under a second (see ``bench/provisioning.py``). The whole creation (schema, rows in
the public schema, the portal's site, home page and first staff account) runs in one database
transaction: PostgreSQL's DDL is transactional, so any failure leaves no schema and no domain.

The template is rebuilt automatically when the tenant apps' migrations change: its schema comment
records a fingerprint of every migration file, and ``template_ensure`` compares it.

Cloning alone takes 0.45-0.6 s (60 tables), so a small pool of ready clones is kept
(``POOL_SIZE`` schemas commented ``guildhall-pool <fingerprint>``). Creating a portal renames one
into place (a fraction of a millisecond) inside the creation transaction, so a failed creation
puts it back; ``pool_refill`` tops the pool up after the portal is made, off the operator's wait.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction

from django_tenants.clone import CloneSchema
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from portal.tenants.models import SLUG_PATTERN, Domain, Organization

logger = logging.getLogger(__name__)

RESERVED_SLUGS = frozenset(
    {"public", "admin", "www", "api", "static", "media", "template", "information-schema"}
)
HOSTNAME_PATTERN = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)

ERROR_SLUG_INVALID = (
    "The slug {slug!r} is not valid: use 3 to 40 lower-case letters, digits and hyphens, "
    "starting with a letter and not ending with a hyphen."
)
ERROR_SLUG_RESERVED = "The slug {slug!r} is reserved; choose another."
ERROR_SLUG_TAKEN = "A portal with the slug {slug!r} already exists."
ERROR_DOMAIN_INVALID = "{domain!r} is not a valid host name (for example learn.example.com)."
ERROR_DOMAIN_TAKEN = "The domain {domain!r} already belongs to a portal."
ERROR_NAME_MISSING = "The portal needs a name (at most 120 characters)."
ERROR_EMAIL_INVALID = "{email!r} is not a valid email address."
ERROR_NO_SUCH_PORTAL = "There is no portal with the slug {slug!r}."


class ProvisioningError(Exception):
    """Bad input for provisioning; the message is fit to show to the operator."""


@dataclass(frozen=True)
class ProvisionedPortal:
    organization: Organization
    domain: str
    admin_email: str
    set_password_url: str
    seconds: float


def schema_name_for(slug: str) -> str:
    """Slugs use hyphens, PostgreSQL identifiers underscores; slugs have no underscores."""
    return slug.replace("-", "_")


# --- The platform itself -------------------------------------------------------------------


def platform_ensure() -> Organization:
    """The public schema's own Organization and its domains (``settings.PLATFORM_DOMAINS``).

    django-tenants routes a host only through a Domain row: these are the operator's hosts,
    serving the landing page and the Django admin from the public schema.
    """
    connection.set_schema_to_public()
    platform, _ = Organization.objects.get_or_create(
        schema_name=get_public_schema_name(), defaults={"slug": "platform", "name": "Guildhall"}
    )
    for position, host in enumerate(settings.PLATFORM_DOMAINS):
        Domain.objects.get_or_create(
            domain=host, defaults={"tenant": platform, "is_primary": position == 0}
        )
    return platform


# --- The template schema --------------------------------------------------------------------


@cache
def migrations_fingerprint() -> str:
    """A hash of every migration file of the tenant apps: it changes when any migration does."""
    digest = hashlib.sha256()
    for label in sorted(_tenant_app_labels()):
        app_config = apps.get_app_config(label)
        folder = Path(app_config.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
            digest.update(f"{label}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _tenant_app_labels() -> set[str]:
    names = set(settings.TENANT_APPS)
    return {config.label for config in apps.get_app_configs() if config.name in names}


def _schema_comment(schema: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
            [schema],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def template_is_current() -> bool:
    schema = settings.TENANT_TEMPLATE_SCHEMA
    return _schema_comment(schema) == f"guildhall-template {migrations_fingerprint()}"


def template_ensure(*, verbosity: int = 0) -> bool:
    """Build the template schema if it is missing or its migrations changed; True if rebuilt.

    Runs every tenant migration once (13-15 s); a lock keeps two processes from both doing it.
    """
    schema = settings.TENANT_TEMPLATE_SCHEMA
    connection.set_schema_to_public()
    if template_is_current():
        return False
    with connection.cursor() as cursor:
        # Serialise builders across processes; the loser finds the template current afterwards.
        cursor.execute("SELECT pg_advisory_lock(hashtext('guildhall-template'))")
        try:
            if template_is_current():
                return False
            started = time.monotonic()
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            cursor.execute(f'CREATE SCHEMA "{schema}"')
            connection.forget_schema(schema)
            call_command(
                "migrate_schemas",
                tenant=True,
                schema_name=schema,
                interactive=False,
                verbosity=verbosity,
            )
            connection.set_schema_to_public()
            with connection.cursor() as c2:
                comment = f"guildhall-template {migrations_fingerprint()}"
                c2.execute(f"COMMENT ON SCHEMA \"{schema}\" IS '{comment}'")
            logger.info("Built template schema %s in %.1f s", schema, time.monotonic() - started)
            return True
        finally:
            connection.set_schema_to_public()
            with connection.cursor() as c3:
                c3.execute("SELECT pg_advisory_unlock(hashtext('guildhall-template'))")


# --- The pool of ready clones --------------------------------------------------------------

POOL_SIZE = 2
POOL_PREFIX = "portal_pool_"


def _pool_comment() -> str:
    return f"guildhall-pool {migrations_fingerprint()}"


def _pool_schemas(*, current: bool) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname, obj_description(oid, 'pg_namespace') FROM pg_namespace "
            "WHERE nspname LIKE %s ORDER BY nspname",
            [POOL_PREFIX + "%"],
        )
        rows = cursor.fetchall()
    wanted = _pool_comment()
    return [name for name, comment in rows if (comment == wanted) == current]


def pool_refill(*, size: int = POOL_SIZE) -> int:
    """Drop stale pool schemas, clone fresh ones until ``size`` are ready; return how many."""
    connection.set_schema_to_public()
    template_ensure()
    with connection.cursor() as cursor:
        for stale in _pool_schemas(current=False):
            cursor.execute(f'DROP SCHEMA IF EXISTS "{stale}" CASCADE')
    made = 0
    while len(_pool_schemas(current=True)) < size:
        name = f"{POOL_PREFIX}{secrets.token_hex(6)}"
        with transaction.atomic():
            CloneSchema().clone_schema(settings.TENANT_TEMPLATE_SCHEMA, name, "DATA")
            with connection.cursor() as cursor:
                cursor.execute(f"COMMENT ON SCHEMA \"{name}\" IS '{_pool_comment()}'")
        made += 1
    return made


def _take_from_pool(schema: str) -> bool:
    """In the caller's transaction, rename a ready clone to ``schema``; False if none is free."""
    for candidate in _pool_schemas(current=True):
        with connection.cursor() as cursor:
            # Another creation may be taking the same clone: the lock says who has it.
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [candidate])
            if not cursor.fetchone()[0]:
                continue
            cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [candidate])
            if cursor.fetchone() is None:
                continue  # taken and committed by another process since we listed it
            cursor.execute(f'ALTER SCHEMA "{candidate}" RENAME TO "{schema}"')
            cursor.execute(f'COMMENT ON SCHEMA "{schema}" IS NULL')
            return True
    return False


# --- Validation -----------------------------------------------------------------------------


def _validate(*, slug: str, name: str, domain: str, admin_email: str) -> None:
    if not re.fullmatch(SLUG_PATTERN, slug or ""):
        raise ProvisioningError(ERROR_SLUG_INVALID.format(slug=slug))
    if slug in RESERVED_SLUGS or slug.startswith(("pg-", "portal-template", "portal-pool")):
        raise ProvisioningError(ERROR_SLUG_RESERVED.format(slug=slug))
    if not name or not name.strip() or len(name) > 120:
        raise ProvisioningError(ERROR_NAME_MISSING)
    if not HOSTNAME_PATTERN.match(domain or ""):
        raise ProvisioningError(ERROR_DOMAIN_INVALID.format(domain=domain))
    try:
        validate_email(admin_email)
    except ValidationError:
        raise ProvisioningError(ERROR_EMAIL_INVALID.format(email=admin_email)) from None
    if Organization.objects.filter(slug=slug).exists() or schema_exists(schema_name_for(slug)):
        raise ProvisioningError(ERROR_SLUG_TAKEN.format(slug=slug))
    if Domain.objects.filter(domain=domain).exists():
        raise ProvisioningError(ERROR_DOMAIN_TAKEN.format(domain=domain))


# --- Create and delete ----------------------------------------------------------------------


def portal_create(
    *,
    slug: str,
    name: str,
    domain: str,
    admin_email: str,
    migrate: bool = False,
    use_pool: bool = True,
) -> ProvisionedPortal:
    """Create a portal: its schema, Organization, primary Domain, site, home page and staff.

    By default a ready clone is taken from the pool, else the template is cloned now;
    ``use_pool=False`` always clones and ``migrate=True`` runs every migration instead (both for
    the benchmark). Call ``pool_refill()`` afterwards to keep the next creation fast.
    Raises ProvisioningError for bad input; nothing is left behind on any failure.
    """
    from portal.seeding import seed_new_portal

    slug, domain, admin_email = slug.strip().lower(), domain.strip().lower(), admin_email.strip()
    name = (name or "").strip()
    connection.set_schema_to_public()
    _validate(slug=slug, name=name, domain=domain, admin_email=admin_email)
    if not migrate:
        template_ensure()
    schema = schema_name_for(slug)
    started = time.monotonic()
    try:
        with transaction.atomic():
            organization = Organization.objects.create(schema_name=schema, slug=slug, name=name)
            Domain.objects.create(domain=domain, tenant=organization, is_primary=True)
            if migrate:
                with connection.cursor() as cursor:
                    # Data migrations leave deferred FK checks that block later ALTER TABLEs.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute(f'CREATE SCHEMA "{schema}"')
                call_command(
                    "migrate_schemas",
                    tenant=True,
                    schema_name=schema,
                    interactive=False,
                    verbosity=0,
                )
            elif not (use_pool and _take_from_pool(schema)):
                CloneSchema().clone_schema(settings.TENANT_TEMPLATE_SCHEMA, schema, "DATA")
                with connection.cursor() as cursor:
                    cursor.execute(f'COMMENT ON SCHEMA "{schema}" IS NULL')
            with schema_context(schema):
                set_password_url = seed_new_portal(
                    organization=organization, domain=domain, admin_email=admin_email
                )
    except IntegrityError as exc:
        # A concurrent creation took the slug or the domain between validation and insert.
        connection.set_schema_to_public()
        if Domain.objects.filter(domain=domain).exists():
            raise ProvisioningError(ERROR_DOMAIN_TAKEN.format(domain=domain)) from exc
        raise ProvisioningError(ERROR_SLUG_TAKEN.format(slug=slug)) from exc
    except ValidationError as exc:  # clone_schema's "New schema name already exists"
        connection.set_schema_to_public()
        raise ProvisioningError(ERROR_SLUG_TAKEN.format(slug=slug)) from exc
    finally:
        connection.set_schema_to_public()
    return ProvisionedPortal(
        organization=organization,
        domain=domain,
        admin_email=admin_email,
        set_password_url=set_password_url,
        seconds=time.monotonic() - started,
    )


def portal_delete(*, slug: str) -> None:
    """Remove a portal entirely: its schema, domains, Organization row, media and cache keys."""
    connection.set_schema_to_public()
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise ProvisioningError(ERROR_NO_SUCH_PORTAL.format(slug=slug))
    schema = organization.schema_name
    if schema in (get_public_schema_name(), settings.TENANT_TEMPLATE_SCHEMA):
        raise ProvisioningError(ERROR_SLUG_RESERVED.format(slug=slug))
    with transaction.atomic():
        Domain.objects.filter(tenant=organization).delete()
        Organization.objects.filter(pk=organization.pk).delete()
        with connection.cursor() as cursor:
            # Deferred foreign-key checks pending on the schema's tables would block the DROP.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    connection.forget_schema(schema)
    media = Path(settings.MEDIA_ROOT) / schema
    if media.is_dir():
        shutil.rmtree(media)
    _cache_forget(schema)


def _cache_forget(schema: str) -> None:
    """Drop the portal's cache keys (``<schema>:…``, django_tenants.cache.make_key) from Redis."""
    from django.core.cache import caches

    for alias in settings.CACHES:
        backend = caches[alias]
        client_factory = getattr(backend, "_cache", None)
        get_client = getattr(client_factory, "get_client", None)
        if get_client is None:
            continue  # local memory: per process, gone with it
        client = get_client(write=True)
        for key in client.scan_iter(match=f"{schema}:*", count=500):
            client.delete(key)
