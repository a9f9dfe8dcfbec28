"""Staff revoke awards in the admin: permission, a required reason, an email, history kept."""

from html import unescape
from http import HTTPStatus

from django.contrib.auth.models import Group, Permission
from django.core import mail

import pytest

from certification.award_services import REASON_REQUIRED
from certification.models import Award
from tests.factories.certification import make_certification, take_exam

pytestmark = pytest.mark.django_db

AWARDS = "/admin/certification/awards/"


@pytest.fixture
def award(tenant_a, learner):
    with tenant_a.activate():
        certification = make_certification(name="Cloud Pro")
        take_exam(member=learner, exam=certification.exam)
        return Award.objects.get()


@pytest.fixture
def staff_client(client_a, tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True, mfa=True)
    with tenant_a.activate():
        client_a.force_login(staff)
    client_a.staff = staff
    return client_a


def test_staff_list_awards_by_certification_and_status(staff_client, award, learner):
    page = staff_client.get(f"{AWARDS}?certification={award.certification_id}&status=valid")
    assert page.status_code == HTTPStatus.OK
    assert learner.email in page.text and "Revoke" in page.text
    revoked = staff_client.get(f"{AWARDS}?certification={award.certification_id}&status=revoked")
    assert learner.email not in revoked.text
    assert staff_client.get(f"{AWARDS}?status=nonsense&certification=x").status_code == 200


def test_a_revocation_needs_a_reason(staff_client, tenant_a, award):
    url = f"{AWARDS}{award.pk}/revoke/"
    assert staff_client.get(url).status_code == HTTPStatus.OK
    response = staff_client.post(url, {"reason": "   "})
    assert response.status_code == HTTPStatus.OK
    assert "This field is required." in response.text or REASON_REQUIRED in unescape(response.text)
    with tenant_a.activate():
        assert Award.objects.get().revoked_at is None


def test_revoking_emails_the_member_and_keeps_the_award_in_history(
    staff_client, tenant_a, award, learner, django_capture_on_commit_callbacks
):
    url = f"{AWARDS}{award.pk}/revoke/"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"reason": "Answers <shared> online"})
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        award.refresh_from_db()
    assert award.status == Award.Status.REVOKED and not award.current
    assert award.revoked_by == staff_client.staff
    (message,) = mail.outbox
    assert message.to == [learner.email]
    assert message.subject == "[Alpha Academy] Certification revoked: Cloud Pro"
    assert "Reason: Answers <shared> online" in message.body
    staff_client.force_login(learner)
    mine = staff_client.get("/certification/mine/")
    assert "Revoked" in mine.text and "Answers &lt;shared&gt; online" in mine.text
    assert "Answers <shared>" not in mine.text


def test_a_revoked_award_cannot_be_revoked_again(staff_client, award):
    url = f"{AWARDS}{award.pk}/revoke/"
    staff_client.post(url, {"reason": "Once"})
    again = staff_client.post(url, {"reason": "Twice"})
    assert "already revoked" in again.text
    assert len(mail.outbox) <= 1


def test_learners_and_admins_without_the_permission_cannot_revoke(
    client_a, tenant_a, member_factory, award
):
    url = f"{AWARDS}{award.pk}/revoke/"
    learner = member_factory(tenant_a, mfa=True)
    with tenant_a.activate():
        client_a.force_login(learner)
    assert client_a.get(AWARDS).status_code == HTTPStatus.FOUND
    assert "/login/" in client_a.post(url, {"reason": "x"})["Location"]
    editor = member_factory(tenant_a, mfa=True)
    with tenant_a.activate():
        group = Group.objects.create(name="Admin access only")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        editor.groups.add(group)
        client_a.force_login(editor)
    for response in (client_a.get(AWARDS), client_a.post(url, {"reason": "x"})):
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
        if response.status_code == HTTPStatus.FOUND:
            assert response["Location"] == "/admin/"  # Wagtail's "permission denied"
    with tenant_a.activate():
        assert Award.objects.get().revoked_at is None
        group.permissions.add(Permission.objects.get(codename="revoke_award"))
    assert client_a.get(AWARDS).status_code == HTTPStatus.OK
    assert client_a.post(url, {"reason": "Allowed now"}).status_code == HTTPStatus.FOUND


def test_an_award_of_a_is_not_found_on_b(client_b, tenant_b, member_factory, award):
    staff_b = member_factory(tenant_b, staff=True, mfa=True)
    with tenant_b.activate():
        client_b.force_login(staff_b)
    url = f"{AWARDS}{award.pk}/revoke/"
    assert client_b.get(url).status_code == HTTPStatus.NOT_FOUND
    assert client_b.post(url, {"reason": "x"}).status_code == HTTPStatus.NOT_FOUND
    assert "Cloud Pro" not in client_b.get(AWARDS).text


def test_the_awards_listing_costs_the_same_for_1_or_6_awards(
    staff_client, tenant_a, member_factory, django_assert_max_num_queries
):
    with tenant_a.activate():
        certification = make_certification(name="Budget")
    counts = []
    for extra in (1, 5):
        for _ in range(extra):
            member = member_factory(tenant_a)
            with tenant_a.activate():
                take_exam(member=member, exam=certification.exam)
        url = f"{AWARDS}?certification={certification.pk}"
        staff_client.get(url)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as queries:
            assert staff_client.get(url).status_code == HTTPStatus.OK
        counts.append(len(queries))
    assert counts[0] == counts[1]
    print(f"awards listing: {counts[0]} queries")
