from http import HTTPStatus
from pathlib import Path

from django.utils.html import escape

import pytest
from allauth.account.models import EmailAddress

from portal.accounts import services
from portal.accounts.models import User
from portal.accounts.views import MESSAGE_MEMBER_DELETED
from tests.accounts.journeys import PROFILE_URL, current_user, log_in
from tests.accounts.test_profile import png, profile_data
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DELETE_URL = "/accounts/delete/"


def test_delete_page_asks_for_the_password(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a)
    log_in(client_a, member.email)

    response = client_a.get(DELETE_URL)

    assert response.status_code == HTTPStatus.OK
    assert 'type="password"' in response.content.decode()


def test_wrong_password_deletes_nothing(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a)
    log_in(client_a, member.email)

    response = client_a.post(DELETE_URL, {"password": "not-my-password"})

    assert response.status_code == HTTPStatus.OK
    assert escape(services.ERROR_WRONG_PASSWORD) in response.content.decode()
    with tenant_a.activate():
        assert User.objects.filter(pk=member.pk).exists()
    assert current_user(client_a).pk == member.pk


def test_right_password_deletes_the_member_their_avatar_and_signs_them_out(
    client_a, tenant_a, member_factory, django_capture_on_commit_callbacks
):
    member = member_factory(tenant_a)
    log_in(client_a, member.email)
    client_a.post(PROFILE_URL, profile_data(avatar=png()))
    with tenant_a.activate():
        avatar_path = Path(User.objects.get(pk=member.pk).avatar.path)
    assert avatar_path.is_file()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(DELETE_URL, {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[0] == ("/", HTTPStatus.FOUND)
    assert MESSAGE_MEMBER_DELETED in [str(m) for m in response.context["messages"]]
    with tenant_a.activate():
        assert not User.objects.filter(pk=member.pk).exists()
        assert not EmailAddress.objects.filter(email=member.email).exists()
    assert not avatar_path.exists()
    assert not current_user(client_a).is_authenticated


def test_the_portal_s_last_staff_member_cannot_delete_themselves(
    client_a, tenant_a, member_factory
):
    staff = member_factory(tenant_a, staff=True, mfa=True)
    with tenant_a.activate():
        User.objects.exclude(pk=staff.pk).update(is_staff=False)
        client_a.force_login(staff)

    response = client_a.post(DELETE_URL, {"password": PASSWORD})

    assert response.status_code == HTTPStatus.OK
    assert escape(services.ERROR_LAST_STAFF) in response.content.decode()
    with tenant_a.activate():
        assert User.objects.filter(pk=staff.pk).exists()


def test_staff_member_may_leave_while_other_staff_remain(tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True)

    with tenant_a.activate():
        assert User.objects.filter(is_staff=True).exclude(pk=staff.pk).exists()
        services.member_delete(user=staff, password=PASSWORD)
        assert not User.objects.filter(pk=staff.pk).exists()
