import json
from http import HTTPStatus

from django.core.exceptions import ImproperlyConfigured

import pytest

from portal.accounts import export
from portal.accounts.api import register_exporter

pytestmark = pytest.mark.django_db

EXPORT_URL = "/accounts/export/"


def _sign_in(client, tenant, member) -> None:
    with tenant.activate():
        client.force_login(member)


def test_export_downloads_the_member_s_data_as_json(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a, bio="Hello", languages=["fr"], country="FR")
    _sign_in(client_a, tenant_a, member)

    response = client_a.post(EXPORT_URL)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="tenant-a-member-{member.pk}.json"'
    )
    data = json.loads(response.content)
    assert data["portal"] == "Alpha Academy"
    account = data["account"]
    assert account["email"] == member.email
    assert account["display_name"] == member.display_name
    assert (account["bio"], account["languages"], account["country"]) == ("Hello", ["fr"], "FR")
    assert account["email_addresses"] == [
        {"email": member.email, "primary": True, "verified": True}
    ]
    assert account["mfa"] == []


def test_export_names_mfa_types_but_never_secrets(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a, mfa=True)
    _sign_in(client_a, tenant_a, member)

    response = client_a.get(EXPORT_URL)

    body = response.content.decode()
    assert [entry["type"] for entry in json.loads(body)["account"]["mfa"]] == ["totp"]
    assert member.totp_secret not in body
    assert "password" not in body


def test_other_apps_add_sections_to_the_export(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a)
    _sign_in(client_a, tenant_a, member)

    def enrollments(user):
        return [{"course": "Intro", "member": user.pk}]

    register_exporter("test_enrollments", enrollments)
    try:
        data = json.loads(client_a.get(EXPORT_URL).content)
    finally:
        export._exporters.pop("test_enrollments")

    assert data["test_enrollments"] == [{"course": "Intro", "member": member.pk}]


def test_an_exporter_name_can_be_registered_only_once():
    with pytest.raises(ImproperlyConfigured):
        register_exporter("account", lambda user: {})


def test_export_needs_a_signed_in_member(client_a, tenant_a):
    response = client_a.get(EXPORT_URL)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_export_on_another_portal_does_not_reveal_this_member(
    client_a, client_b, tenant_a, tenant_b, member_factory
):
    member = member_factory(tenant_a)
    _sign_in(client_a, tenant_a, member)
    client_b.cookies = client_a.cookies

    response = client_b.get(EXPORT_URL)

    assert response.status_code == HTTPStatus.FOUND
    assert member.email not in response.content.decode()
