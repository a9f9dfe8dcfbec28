"""Test fixtures: a template schema built once per session, two portals cloned from it.

Every test gets ``tenant_a`` and ``tenant_b`` (two portals on ``a.localhost`` and ``b.localhost``),
``client_a``/``client_b`` (Django test clients whose requests carry that portal's host and so pass
through the real tenant middleware), and ``member_factory`` to make members inside a portal.

Tests run inside a transaction (pytest-django's ``db``) that also covers the tenant schemas, so
rows made in a portal vanish after each test. Tests that need real commits (a live server, races)
use ``fresh_tenant``: a portal provisioned for that test and dropped after it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.test import Client

import pytest
from django_tenants.utils import schema_context

from portal.tenants.models import Domain, Organization
from portal.tenants.services import (
    platform_ensure,
    pool_refill,
    portal_create,
    portal_delete,
    template_ensure,
)

PASSWORD = "correct-horse-battery-staple-42"


@dataclass(frozen=True)
class TenantInfo:
    """A portal made for tests: its Organization, host name and schema."""

    organization: Organization
    domain: str

    @property
    def schema(self) -> str:
        return self.organization.schema_name

    def url(self, path: str = "/") -> str:
        return f"http://{self.domain}{path}"

    def activate(self):
        """``with tenant.activate():`` runs ORM calls in this portal's schema."""
        return schema_context(self.schema)


_SESSION_TENANTS: dict[str, dict] = {
    "a": {"slug": "tenant-a", "name": "Alpha Academy", "domain": "a.localhost"},
    "b": {"slug": "tenant-b", "name": "Beta Learning", "domain": "b.localhost"},
}


def _provision(slug: str, name: str, domain: str) -> TenantInfo:
    existing = Organization.objects.filter(slug=slug).first()
    if existing is not None:
        return TenantInfo(organization=existing, domain=domain)
    portal = portal_create(slug=slug, name=name, domain=domain, admin_email=f"staff@{domain}")
    return TenantInfo(organization=portal.organization, domain=domain)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After pytest-django made the test database: the template, a pool, and portals A and B."""
    with django_db_blocker.unblock():
        platform_ensure()
        template_ensure()
        pool_refill()
        for spec in _SESSION_TENANTS.values():
            _provision(**spec)
    yield


_FLUSHED = {"pending": False}


def _restore_session_portals() -> None:
    from django.db import connections

    connections["default"].set_schema_to_public()
    platform_ensure()
    for spec in _SESSION_TENANTS.values():
        schema = spec["slug"].replace("-", "_")
        if not Organization.objects.filter(schema_name=schema).exists():
            organization = Organization.objects.create(
                schema_name=schema, slug=spec["slug"], name=spec["name"]
            )
            Domain.objects.create(domain=spec["domain"], tenant=organization, is_primary=True)


@pytest.fixture(autouse=True)
def _public_schema_between_tests(request) -> Iterator[None]:
    """Start and end every test on the public schema; restore A and B after a flush.

    Transactional tests end with a flush of the public tables, which would drop the rows of the
    session's portals (their schemas survive); this puts the rows back, after the test and again
    before the next one (pytest-django's live-server helper may flush after this fixture's
    teardown).
    """
    connection.set_schema_to_public()
    cache.clear()  # per-portal caches (tag choices, top members) of rolled-back rows
    if _FLUSHED["pending"]:
        with django_db_blocker_unblocked(request):
            _restore_session_portals()
        # Rows restored inside a test's transaction roll back with it: check again next time.
        _FLUSHED["pending"] = connection.in_atomic_block
    yield
    connection.set_schema_to_public()
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        _restore_session_portals()
        _FLUSHED["pending"] = True


def django_db_blocker_unblocked(request):
    """The database unblocked for the session fixtures' rows, whatever the test's own marks."""
    return request.getfixturevalue("django_db_blocker").unblock()


def _session_tenant(key: str) -> TenantInfo:
    spec = _SESSION_TENANTS[key]
    organization = Organization.objects.get(slug=spec["slug"])
    return TenantInfo(organization=organization, domain=spec["domain"])


@pytest.fixture
def tenant_a(db) -> TenantInfo:
    return _session_tenant("a")


@pytest.fixture
def tenant_b(db) -> TenantInfo:
    return _session_tenant("b")


@pytest.fixture
def client_a(tenant_a) -> Client:
    return Client(HTTP_HOST=tenant_a.domain)


@pytest.fixture
def client_b(tenant_b) -> Client:
    return Client(HTTP_HOST=tenant_b.domain)


_counter = itertools.count(1)


@pytest.fixture
def member_factory() -> Callable[..., object]:
    """``member_factory(tenant, staff=False, verified=True, mfa=False, **fields)`` -> User.

    The member has the password ``PASSWORD`` and, unless ``verified=False``, a verified email.
    Staff get a TOTP authenticator when ``mfa=True`` (staff without MFA are sent to set it up).
    """
    from tests.factories.accounts import make_member

    def factory(tenant: TenantInfo, **kwargs):
        kwargs.setdefault("email", f"member{next(_counter)}@{tenant.domain}")
        with tenant.activate():
            return make_member(**kwargs)

    return factory


@pytest.fixture
def fresh_tenant(transactional_db) -> Iterator[Callable[..., TenantInfo]]:
    """Provision portals that live for one test (for live servers and real concurrency)."""
    made: list[str] = []

    def make(slug: str | None = None, name: str = "Fresh Portal") -> TenantInfo:
        slug = slug or f"fresh-{next(_counter)}"
        domain = f"{slug}.localhost"
        portal = portal_create(slug=slug, name=name, domain=domain, admin_email=f"staff@{domain}")
        made.append(slug)
        return TenantInfo(organization=portal.organization, domain=domain)

    yield make
    connection.set_schema_to_public()
    for slug in made:
        if Organization.objects.filter(slug=slug).exists():
            portal_delete(slug=slug)
