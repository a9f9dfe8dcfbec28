from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress

from portal.accounts.models import User
from tests.accounts.journeys import current_user, link_in, log_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-77"


def test_password_reset_email_names_the_portal_and_sets_a_new_password(
    client_a, tenant_a, member_factory, mailoutbox
):
    member = member_factory(tenant_a)

    response = client_a.post("/accounts/password/reset/", {"email": member.email})

    assert response.status_code == HTTPStatus.FOUND
    (message,) = mailoutbox
    assert message.subject.startswith("[Alpha Academy] ")
    assert "Alpha Academy" in message.body
    reset_path = link_in(message.body, "/accounts/password/reset/key/")
    response = client_a.get(reset_path)
    assert response.status_code == HTTPStatus.FOUND
    set_password_path = response["Location"]
    response = client_a.post(
        set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == HTTPStatus.FOUND

    assert log_in(client_a, member.email, password=NEW_PASSWORD).status_code == HTTPStatus.FOUND
    assert current_user(client_a).pk == member.pk


def test_password_reset_for_an_unknown_address_sends_no_reset_link(client_a, tenant_a, mailoutbox):
    client_a.post("/accounts/password/reset/", {"email": "stranger@example.com"})

    assert all("/accounts/password/reset/key/" not in m.body for m in mailoutbox)


def test_member_changes_email_after_verifying_the_new_address(
    client_a, tenant_a, member_factory, mailoutbox
):
    member = member_factory(tenant_a)
    log_in(client_a, member.email)

    response = client_a.post(
        "/accounts/email/", {"email": "new-address@example.com", "action_add": ""}
    )

    assert response.status_code == HTTPStatus.FOUND
    confirmation = next(m for m in mailoutbox if m.to == ["new-address@example.com"])
    assert "Alpha Academy" in confirmation.body
    with tenant_a.activate():
        assert User.objects.get(pk=member.pk).email == member.email

    confirm_path = link_in(confirmation.body, "/accounts/confirm-email/")
    assert client_a.post(confirm_path).status_code == HTTPStatus.FOUND

    with tenant_a.activate():
        assert User.objects.get(pk=member.pk).email == "new-address@example.com"
        address = EmailAddress.objects.get(user_id=member.pk, primary=True)
        assert (address.email, address.verified) == ("new-address@example.com", True)
