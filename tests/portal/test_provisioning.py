"""Provisioning a portal: success, bad input that leaves nothing, and deletion."""

from django.db import connection

from wagtail.models import Site

import pytest
from django_tenants.utils import schema_context, schema_exists

from portal.accounts.models import User
from portal.models import BrandSettings, HomePage
from portal.tenants import services
from portal.tenants.models import Domain, Organization
from portal.tenants.services import ProvisioningError, portal_create, portal_delete

pytestmark = pytest.mark.django_db


def test_new_portal_has_site_home_page_brand_and_one_staff_account():
    portal = portal_create(
        slug="acme", name="Acme Academy", domain="acme.localhost", admin_email="boss@acme.test"
    )
    assert portal.set_password_url.startswith("http://acme.localhost")
    assert "/accounts/password/reset/key/" in portal.set_password_url
    with schema_context("acme"):
        site = Site.objects.get()
        assert site.hostname == "acme.localhost"
        assert isinstance(site.root_page.specific, HomePage)
        assert BrandSettings.for_site(site).portal_name == "Acme Academy"
        staff = User.objects.get()
        assert staff.email == "boss@acme.test" and staff.is_staff
        assert not staff.has_usable_password()


@pytest.mark.parametrize(
    ("slug", "domain", "email", "message"),
    [
        ("Bad Slug", "x.localhost", "a@x.test", "is not valid"),
        ("a", "x.localhost", "a@x.test", "is not valid"),
        ("ends-", "x.localhost", "a@x.test", "is not valid"),
        ("public", "x.localhost", "a@x.test", "reserved"),
        ("portal-template", "x.localhost", "a@x.test", "reserved"),
        ("tenant-a", "x.localhost", "a@x.test", "already exists"),
        ("newco", "a.localhost", "a@x.test", "already belongs"),
        ("newco", "not a host!", "a@x.test", "not a valid host name"),
        ("newco", "x.localhost", "not-an-email", "not a valid email"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_leaves_nothing(
    tenant_a, slug, domain, email, message
):
    schemas_before = _schemas()
    orgs_before = Organization.objects.count()
    domains_before = Domain.objects.count()
    with pytest.raises(ProvisioningError, match=message):
        portal_create(slug=slug, name="New Co", domain=domain, admin_email=email)
    assert _schemas() == schemas_before
    assert Organization.objects.count() == orgs_before
    assert Domain.objects.count() == domains_before


def test_a_failure_midway_leaves_no_schema_and_no_domain(monkeypatch):
    import portal.seeding

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(portal.seeding, "seed_new_portal", explode)
    pool_before = services._pool_schemas(current=True)
    with pytest.raises(RuntimeError):
        portal_create(slug="halfway", name="Half", domain="half.localhost", admin_email="a@x.test")
    assert not schema_exists("halfway")
    assert not Domain.objects.filter(domain="half.localhost").exists()
    assert not Organization.objects.filter(slug="halfway").exists()
    # The ready clone it had taken went back to the pool with the rolled-back transaction.
    assert services._pool_schemas(current=True) == pool_before


@pytest.mark.parametrize("use_pool", [True, False])
def test_both_clone_paths_give_the_same_portal(use_pool):
    portal = portal_create(
        slug="paths",
        name="Paths",
        domain="paths.localhost",
        admin_email="a@paths.test",
        use_pool=use_pool,
    )
    with schema_context(portal.organization.schema_name):
        assert HomePage.objects.live().count() == 1
        assert User.objects.count() == 1


def test_delete_portal_removes_schema_rows_and_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    portal_create(slug="gone", name="Gone", domain="gone.localhost", admin_email="a@gone.test")
    (tmp_path / "gone").mkdir()
    (tmp_path / "gone" / "avatar.png").write_bytes(b"x")
    portal_delete(slug="gone")
    assert not schema_exists("gone")
    assert not Organization.objects.filter(slug="gone").exists()
    assert not Domain.objects.filter(domain="gone.localhost").exists()
    assert not (tmp_path / "gone").exists()


def test_delete_of_unknown_portal_is_refused():
    with pytest.raises(ProvisioningError, match="no portal"):
        portal_delete(slug="nope")


def test_template_is_rebuilt_when_migrations_change(monkeypatch):
    assert services.template_is_current()
    monkeypatch.setattr(services, "migrations_fingerprint", lambda: "changed")
    assert not services.template_is_current()


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_two_creations_racing_for_one_slug_make_one_portal():
    import threading

    from django.db import connections

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def create(domain: str) -> None:
        barrier.wait()
        try:
            portal_create(slug="race", name="Race", domain=domain, admin_email="a@race.test")
            outcomes.append("created")
        except ProvisioningError as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(f"race{i}.localhost",)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert sorted(outcomes) == ["A portal with the slug 'race' already exists.", "created"]
        assert Organization.objects.filter(slug="race").count() == 1
        assert Domain.objects.filter(domain__startswith="race").count() == 1
    finally:
        portal_delete(slug="race")
