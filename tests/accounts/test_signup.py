from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress

from portal.accounts.models import User
from tests.accounts.journeys import current_user, link_in, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP_URL = "/accounts/signup/"


def _sign_up(client, **overrides):
    data = {
        "display_name": "Ada L.",
        "email": "ada@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return client.post(SIGNUP_URL, data)


def test_signup_page_asks_for_a_display_name(client_a, tenant_a):
    response = client_a.get(SIGNUP_URL)

    assert response.status_code == HTTPStatus.OK
    assert 'name="display_name"' in response.content.decode()


def test_signup_sends_a_verification_email_naming_the_portal_and_confirming_signs_in(
    client_a, tenant_a, mailoutbox
):
    response = _sign_up(client_a)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/confirm-email/"
    with tenant_a.activate():
        user = User.objects.get(email="ada@example.com")
        assert user.display_name == "Ada L."
        assert not EmailAddress.objects.get(user=user).verified
    assert not current_user(client_a).is_authenticated

    (message,) = mailoutbox
    assert message.to == ["ada@example.com"]
    assert message.subject.startswith("[Alpha Academy] ")
    assert "Alpha Academy" in message.body
    assert "example.com/" not in message.body
    assert "Alpha Academy" in message.from_email

    confirm_path = link_in(message.body, "/accounts/confirm-email/")
    assert client_a.get(confirm_path).status_code == HTTPStatus.OK
    response = client_a.post(confirm_path)

    assert response.status_code == HTTPStatus.FOUND
    assert current_user(client_a).email == "ada@example.com"
    with tenant_a.activate():
        assert EmailAddress.objects.get(email="ada@example.com").verified


def test_signup_without_a_display_name_is_refused(client_a, tenant_a, mailoutbox):
    response = _sign_up(client_a, display_name="   ")

    assert response.status_code == HTTPStatus.OK
    assert 'id="id_display_name_error"' in response.content.decode()
    with tenant_a.activate():
        assert not User.objects.filter(email="ada@example.com").exists()
    assert mailoutbox == []


def test_signup_on_one_portal_does_not_create_a_member_on_another(client_a, tenant_a, tenant_b):
    _sign_up(client_a)

    with tenant_b.activate():
        assert not User.objects.filter(email="ada@example.com").exists()


def test_unverified_member_is_stopped_at_the_verification_step(
    client_a, tenant_a, member_factory, mailoutbox
):
    member = member_factory(tenant_a, verified=False)

    response = log_in(client_a, member.email)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/confirm-email/"
    assert not current_user(client_a).is_authenticated
    assert [m.to for m in mailoutbox] == [[member.email]]
