from http import HTTPStatus

import pytest

from tests.accounts.journeys import LOGIN_URL, current_user, log_in

pytestmark = pytest.mark.django_db

TOO_MANY_FAILURES = "Too many failed login attempts"


def test_member_signs_in_with_their_email(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a)

    response = log_in(client_a, member.email.upper())

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/"
    assert current_user(client_a).pk == member.pk


def test_wrong_password_is_refused_with_a_form_error(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a)

    response = log_in(client_a, member.email, password="not-the-password")

    assert response.status_code == HTTPStatus.OK
    assert 'role="alert"' in response.content.decode()
    assert not current_user(client_a).is_authenticated


def test_repeated_wrong_passwords_lock_the_email_even_for_the_right_password(
    client_a, tenant_a, member_factory
):
    member = member_factory(tenant_a)
    for _ in range(5):
        assert log_in(client_a, member.email, password="guess").status_code == HTTPStatus.OK

    response = log_in(client_a, member.email)

    assert TOO_MANY_FAILURES in response.content.decode()
    assert not current_user(client_a).is_authenticated


def test_too_many_sign_in_attempts_from_one_address_get_429(client_a, tenant_a):
    statuses = [
        log_in(client_a, f"nobody{i}@example.com", password="guess").status_code for i in range(31)
    ]

    assert statuses[:30] == [HTTPStatus.OK] * 30
    assert statuses[30] == HTTPStatus.TOO_MANY_REQUESTS


def test_member_of_one_portal_cannot_sign_in_on_another(
    client_b, tenant_a, tenant_b, member_factory
):
    member = member_factory(tenant_a)

    response = log_in(client_b, member.email)

    assert response.status_code == HTTPStatus.OK
    assert not current_user(client_b).is_authenticated


def test_session_cookie_from_one_portal_is_anonymous_on_another(
    client_a, client_b, tenant_a, tenant_b, member_factory
):
    member = member_factory(tenant_a)
    log_in(client_a, member.email)
    assert current_user(client_a).pk == member.pk

    client_b.cookies = client_a.cookies

    assert not current_user(client_b).is_authenticated


def test_logout_signs_the_member_out(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a)
    log_in(client_a, member.email)

    response = client_a.post("/accounts/logout/")

    assert response.status_code == HTTPStatus.FOUND
    assert not current_user(client_a).is_authenticated


def test_sign_in_page_renders_in_the_portal_shell(client_a, tenant_a):
    response = client_a.get(LOGIN_URL)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Alpha Academy" in html
    assert 'class="btn btn-primary"' in html
    assert 'id="passkey_login"' in html
