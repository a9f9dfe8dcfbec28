"""Members nominate another member for MVP with a reason, from /certification/mvp/nominate/."""

from datetime import timedelta
from html import unescape
from http import HTTPStatus

from django.core import mail

import pytest

from certification.models import Nomination
from certification.mvp_services import (
    ALREADY_NOMINATED,
    EXPERTISE_TOO_LONG,
    NOMINEE_IS_SELF,
    NOMINEE_UNKNOWN,
    REASON_REQUIRED,
    REASON_TOO_LONG,
    REASON_TOO_SHORT,
)
from tests.factories.mvp import REASON, make_mvp

pytestmark = pytest.mark.django_db

NOMINATE = "/certification/mvp/nominate/"


@pytest.fixture
def nominee(tenant_a, member_factory):
    return member_factory(tenant_a, display_name="Grace Helper", country="NZ")


def _count(tenant) -> int:
    with tenant.activate():
        return Nomination.objects.count()


def test_a_member_nominates_another_by_their_public_profile_id(
    signed_in, tenant_a, learner, nominee, django_capture_on_commit_callbacks
):
    form = signed_in.get(f"{NOMINATE}?member={nominee.pk}")
    assert form.status_code == HTTPStatus.OK
    assert "You are nominating Grace Helper" in form.text
    assert nominee.email not in form.text  # members never see each other's e-mail
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            NOMINATE,
            {"member": nominee.pk, "reason": f"  {REASON}  ", "expertise": "Go,  go , Rust,,"},
            follow=True,
        )
    assert response.redirect_chain == [("/certification/mvp/", HTTPStatus.FOUND)]
    assert "your nomination of Grace Helper is with staff" in unescape(response.text)
    with tenant_a.activate():
        nomination = Nomination.objects.get()
    assert nomination.nominee == nominee and nomination.nominated_by == learner
    assert nomination.reason == REASON and nomination.expertise == "Go, Rust"
    assert nomination.status == Nomination.Status.PENDING
    assert mail.outbox == []  # the nominee is told only on approval


def test_without_a_member_the_form_asks_for_their_number(signed_in, nominee):
    page = signed_in.get(NOMINATE)
    assert page.status_code == HTTPStatus.OK
    assert 'name="member"' in page.text and "Member number" in page.text
    assert "find a member by name or e-mail" not in page.text  # staff only
    assert "You are nominating" in signed_in.get(f"{NOMINATE}?member={nominee.pk}").text


@pytest.mark.parametrize("member", ["abc", "999999", "-3", "1e9", "99999999999999999999"])
def test_an_unknown_member_gets_a_clear_message(signed_in, tenant_a, member):
    for response in (
        signed_in.get(f"{NOMINATE}?member={member}"),
        signed_in.post(NOMINATE, {"member": member, "reason": REASON}),
    ):
        assert response.status_code == HTTPStatus.OK
        assert NOMINEE_UNKNOWN in unescape(response.text)
    assert _count(tenant_a) == 0


def test_an_inactive_member_cannot_be_nominated(signed_in, tenant_a, nominee):
    with tenant_a.activate():
        nominee.is_active = False
        nominee.save(update_fields=["is_active"])
    response = signed_in.post(NOMINATE, {"member": nominee.pk, "reason": REASON})
    assert NOMINEE_UNKNOWN in unescape(response.text)
    assert _count(tenant_a) == 0


def test_members_cannot_nominate_themselves(signed_in, tenant_a, learner):
    assert NOMINEE_IS_SELF in signed_in.get(f"{NOMINATE}?member={learner.pk}").text
    response = signed_in.post(NOMINATE, {"member": learner.pk, "reason": REASON})
    assert response.status_code == HTTPStatus.OK
    assert NOMINEE_IS_SELF in response.text
    assert _count(tenant_a) == 0


def test_a_second_pending_nomination_by_the_same_member_changes_nothing(
    signed_in, tenant_a, nominee, member_factory
):
    signed_in.post(NOMINATE, {"member": nominee.pk, "reason": REASON})
    again = signed_in.post(NOMINATE, {"member": nominee.pk, "reason": REASON + " Again."})
    assert again.status_code == HTTPStatus.OK
    assert ALREADY_NOMINATED in unescape(again.text)
    with tenant_a.activate():
        assert list(Nomination.objects.values_list("reason", flat=True)) == [REASON]
    other = member_factory(tenant_a)
    with tenant_a.activate():
        signed_in.force_login(other)
    signed_in.post(NOMINATE, {"member": nominee.pk, "reason": REASON})
    assert _count(tenant_a) == 2  # another nominator may nominate the same member


@pytest.mark.parametrize(
    ("reason", "expertise", "message"),
    [
        ("", "", REASON_REQUIRED),
        ("   \n  ", "", REASON_REQUIRED),
        ("Too short.", "", REASON_TOO_SHORT),
        ("x" * 2001, "", REASON_TOO_LONG),
        (REASON, ", ".join(f"Area {n}" for n in range(40)), EXPERTISE_TOO_LONG),
    ],
    ids=["empty", "blank", "short", "long", "expertise-long"],
)
def test_bad_input_is_refused_with_a_message(
    signed_in, tenant_a, nominee, reason, expertise, message
):
    response = signed_in.post(
        NOMINATE, {"member": nominee.pk, "reason": reason, "expertise": expertise}
    )
    assert response.status_code == HTTPStatus.OK
    assert message in unescape(response.text)
    assert "You are nominating Grace Helper" in response.text  # the form is shown again
    assert _count(tenant_a) == 0


def test_visitors_are_sent_to_sign_in(client_a, tenant_a, nominee):
    for response in (
        client_a.get(f"{NOMINATE}?member={nominee.pk}"),
        client_a.post(NOMINATE, {"member": nominee.pk, "reason": REASON}),
    ):
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith("/accounts/login/")
    assert _count(tenant_a) == 0


def test_a_current_mvp_can_be_nominated_again_only_in_the_last_90_days(
    clock, signed_in, tenant_a, learner, nominee, member_factory
):
    staff = member_factory(tenant_a, staff=True)
    with tenant_a.activate():
        award = make_mvp(member=nominee, nominated_by=staff)
    early = signed_in.post(NOMINATE, {"member": nominee.pk, "reason": REASON})
    assert "Grace Helper already holds the MVP title" in unescape(early.text)
    assert _count(tenant_a) == 1  # only the approved one
    clock.shift(award.expires_at - award.issued_at - timedelta(days=89))
    with tenant_a.activate():
        signed_in.force_login(learner)  # the session of nine months ago has expired
    renewal = signed_in.post(NOMINATE, {"member": nominee.pk, "reason": REASON})
    assert renewal.status_code == HTTPStatus.FOUND
    assert _count(tenant_a) == 2


def test_a_member_of_a_is_not_found_on_b(client_b, tenant_a, tenant_b, member_factory):
    secret = member_factory(tenant_a, display_name="Alpha Only Person")
    nominator = member_factory(tenant_b)
    with tenant_b.activate():
        client_b.force_login(nominator)
    page = client_b.get(f"{NOMINATE}?member={secret.pk}")
    assert "Alpha Only Person" not in page.text
    client_b.post(NOMINATE, {"member": secret.pk, "reason": REASON})
    assert _count(tenant_a) == 0


def test_staff_are_offered_the_search_by_name_or_email(client_a, tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True, mfa=True)
    with tenant_a.activate():
        client_a.force_login(staff)
    page = client_a.get(NOMINATE)
    assert "find a member by name or e-mail" in page.text
    assert "/admin/certification/mvp/members/" in page.text
