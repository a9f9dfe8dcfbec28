from http import HTTPStatus
from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator

from portal.accounts.mfa import ERROR_STAFF_KEEP_MFA, SESSION_KEY
from tests.accounts.journeys import (
    current_user,
    log_in,
    log_in_with_totp,
    reauthenticate,
    totp_code,
)

pytestmark = pytest.mark.django_db

ACTIVATE_TOTP_URL = "/accounts/2fa/totp/activate/"
DEACTIVATE_TOTP_URL = "/accounts/2fa/totp/deactivate/"


def _add_security_key(tenant, user) -> Authenticator:
    with tenant.activate():
        return Authenticator.objects.create(
            user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Test key"}
        )


@pytest.mark.parametrize("path", ["/", "/admin/", "/accounts/profile/"])
def test_staff_without_mfa_are_sent_to_set_up_totp(client_a, tenant_a, member_factory, path):
    staff = member_factory(tenant_a, staff=True)
    log_in(client_a, staff.email)

    response = client_a.get(path)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{ACTIVATE_TOTP_URL}?next={quote(path, safe='')}"


def test_totp_setup_page_renders_and_names_the_portal(client_a, tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True)
    log_in(client_a, staff.email)
    reauthenticate(client_a)

    response = client_a.get(ACTIVATE_TOTP_URL)

    assert response.status_code == HTTPStatus.OK
    assert "issuer=Alpha%20Academy" in response.context["totp_url"]


def test_staff_who_activate_totp_reach_the_admin(client_a, tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True)
    log_in(client_a, staff.email)
    assert client_a.get(ACTIVATE_TOTP_URL)["Location"].startswith("/accounts/reauthenticate/")
    reauthenticate(client_a)
    response = client_a.get(ACTIVATE_TOTP_URL)
    secret = response.context["form"].secret

    response = client_a.post(ACTIVATE_TOTP_URL, {"code": totp_code(secret)})

    assert response.status_code == HTTPStatus.FOUND
    assert client_a.get("/admin/").status_code == HTTPStatus.OK


def test_staff_with_totp_sign_in_with_a_code_and_reach_the_admin(
    client_a, tenant_a, member_factory
):
    staff = member_factory(tenant_a, staff=True, mfa=True)

    response = log_in(client_a, staff.email)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not current_user(client_a).is_authenticated

    response = client_a.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == HTTPStatus.OK
    assert not current_user(client_a).is_authenticated

    client_a.post("/accounts/2fa/authenticate/", {"code": totp_code(staff.totp_secret)})
    assert current_user(client_a).pk == staff.pk
    assert client_a.get("/admin/").status_code == HTTPStatus.OK


def test_mfa_pages_render_for_staff(client_a, tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True, mfa=True)
    log_in_with_totp(client_a, staff)
    reauthenticate(client_a)

    for path in [
        "/accounts/2fa/",
        "/accounts/2fa/webauthn/",
        "/accounts/2fa/webauthn/add/",
        "/accounts/2fa/recovery-codes/generate/",
    ]:
        assert client_a.get(path).status_code == HTTPStatus.OK, path


def test_staff_cannot_deactivate_their_only_authenticator(client_a, tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True, mfa=True)
    log_in_with_totp(client_a, staff)
    reauthenticate(client_a)

    response = client_a.post(DEACTIVATE_TOTP_URL)

    assert response.status_code == HTTPStatus.OK
    assert ERROR_STAFF_KEEP_MFA in response.content.decode()
    with tenant_a.activate():
        assert Authenticator.objects.filter(user=staff, type="totp").exists()


def test_staff_cannot_remove_their_only_security_key(client_a, tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True)
    key = _add_security_key(tenant_a, staff)
    with tenant_a.activate():
        client_a.force_login(staff)

    response = client_a.post(f"/accounts/2fa/webauthn/keys/{key.pk}/remove/")

    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        assert Authenticator.objects.filter(pk=key.pk).exists()


def test_members_may_turn_mfa_off(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a, mfa=True)
    log_in_with_totp(client_a, member)
    reauthenticate(client_a)

    response = client_a.post(DEACTIVATE_TOTP_URL)

    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        assert not Authenticator.objects.filter(user=member).exists()


def test_removing_an_authenticator_makes_the_middleware_check_again(
    client_a, tenant_a, member_factory
):
    staff = member_factory(tenant_a, staff=True, mfa=True)
    _add_security_key(tenant_a, staff)
    log_in_with_totp(client_a, staff)
    client_a.get("/")
    assert client_a.session.get(SESSION_KEY) == staff.pk
    reauthenticate(client_a)

    response = client_a.post(DEACTIVATE_TOTP_URL)

    assert response.status_code == HTTPStatus.FOUND
    assert SESSION_KEY not in client_a.session
