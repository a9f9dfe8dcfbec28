"""Recognition awards ("Member of the month"): given by staff with a citation through
``certification.recognition_services``, and verifiable like every credential: the verify page,
the Open Badges assertion and badge class, the baked PNG and the PDF certificate."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from http import HTTPStatus

from django.utils import timezone

import pytest
from openbadges_bakery import unbake
from pypdf import PdfReader

from certification import api as certification_api
from certification.models import BadgeAward
from certification.recognition_services import (
    ALREADY_GIVEN,
    BADGE_INACTIVE,
    BADGE_NOT_RECOGNITION,
    CITATION_TOO_LONG,
    CITATION_TOO_SHORT,
    MEMBER_IS_SELF,
    NOT_ALLOWED,
    RecognitionError,
    award_recognition,
    recognition_revoke,
)
from tests.certification.conftest import START
from tests.factories.badges import make_badge
from tests.factories.recognition import make_recognition_badge, make_staff

pytestmark = pytest.mark.django_db

CITATION = "For 40 helpful answers on deployment in May, 25 of them accepted."


@pytest.fixture
def people(tenant_a, member_factory, clock):
    member = member_factory(tenant_a, display_name="Amara Okafor", email="amara@a.localhost")
    staff = member_factory(tenant_a, staff=True, display_name="Sam Staff")
    return member, staff


@pytest.fixture
def badge(tenant_a):
    with tenant_a.activate():
        return make_recognition_badge(name="Member of the month", slug="member-of-the-month")


def _give(tenant, people, badge, **fields) -> BadgeAward:
    member, staff = people
    with tenant.activate():
        fields.setdefault("citation", CITATION)
        return award_recognition(staff=staff, member=member, badge=badge, **fields)


# --- Giving -------------------------------------------------------------------------------


def test_staff_give_a_recognition_award_that_is_a_valid_current_credential(
    tenant_a, people, badge, django_capture_on_commit_callbacks, mailoutbox
):
    member, staff = people
    with tenant_a.activate(), django_capture_on_commit_callbacks(execute=True):
        award = award_recognition(
            staff=staff, member=member, badge=badge, citation="  For 40 helpful\n answers.  "
        )
    assert award.current and award.status == "valid"
    assert award.expires_at is None  # validity 0: for ever
    assert award.awarded_by == staff
    assert award.citation == "For 40 helpful answers."
    assert award.recipient_identity.startswith("sha256$")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["amara@a.localhost"]
    assert "Recognised: Member of the month" in mail.subject
    assert "For 40 helpful answers." in mail.body
    assert f"/verify/{award.public_id}/" in mail.body


def test_the_badge_validity_sets_the_expiry(tenant_a, people):
    with tenant_a.activate():
        monthly = make_recognition_badge(name="Helper of the quarter", validity_months=3)
    award = _give(tenant_a, people, monthly)
    assert award.expires_at == START.replace(month=8)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("expert", BADGE_NOT_RECOGNITION),
        ("inactive", BADGE_INACTIVE.format(name="Member of the month")),
        ("self", MEMBER_IS_SELF),
        ("short", CITATION_TOO_SHORT),
        ("long", CITATION_TOO_LONG),
        ("member_staff", NOT_ALLOWED),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(tenant_a, people, badge, change, message):
    member, staff = people
    with tenant_a.activate():
        arguments = {"staff": staff, "member": member, "badge": badge, "citation": CITATION}
        if change == "expert":
            arguments["badge"] = make_badge(name="Cloud Expert")
        elif change == "inactive":
            badge.active = False
            badge.save()
        elif change == "self":
            arguments["member"] = staff
        elif change == "short":
            arguments["citation"] = "Great!"
        elif change == "long":
            arguments["citation"] = "x" * 201
        elif change == "member_staff":
            arguments["staff"] = member
        with pytest.raises(RecognitionError) as raised:
            award_recognition(**arguments)
        assert str(raised.value) == message
        assert not BadgeAward.objects.exists()


def test_staff_with_the_manage_badges_permission_may_give_it(tenant_a, people, badge):
    member, _ = people
    with tenant_a.activate():
        allowed = make_staff(email="badges@a.localhost", codenames=("manage_badges",))
        other = make_staff(email="editor@a.localhost")
        with pytest.raises(RecognitionError, match="permission"):
            award_recognition(staff=other, member=member, badge=badge, citation=CITATION)
        award_recognition(staff=allowed, member=member, badge=badge, citation=CITATION)


def test_the_same_recognition_again_within_a_day_is_refused(tenant_a, people, badge, clock):
    _give(tenant_a, people, badge)
    clock.shift(timedelta(hours=23))
    with pytest.raises(RecognitionError) as raised:
        _give(tenant_a, people, badge)
    assert str(raised.value) == ALREADY_GIVEN.format(
        name="Amara Okafor", badge="Member of the month"
    )


def test_given_again_later_makes_a_new_current_award_and_the_old_one_stays_valid(
    tenant_a, people, badge, clock
):
    may = _give(tenant_a, people, badge, citation="Member of the month, May 2030.")
    clock.shift(timedelta(days=31))
    june = _give(tenant_a, people, badge, citation="Member of the month, June 2030.")
    with tenant_a.activate():
        may.refresh_from_db()
        assert (may.current, june.current) == (False, True)
        assert may.status == "valid" and may.superseded_at is None  # true history, not renewed
        summary = certification_api.member_badges_summary(member_ids=[people[0].pk])
    assert [(c.kind, c.public_id) for c in summary[people[0].pk]] == [
        ("recognition", june.public_id)
    ]


def test_recognition_shows_beside_names_after_mvp_before_expert_badges(tenant_a, people, badge):
    member, _ = people
    with tenant_a.activate():
        BadgeAward.objects.create(member=member, badge=make_badge(name="Cloud Expert"))
        BadgeAward.objects.create(member=member, badge=make_badge(kind="mvp", name="MVP"))
    _give(tenant_a, people, badge)
    with tenant_a.activate():
        kinds = [
            c.kind
            for c in certification_api.member_badges_summary(member_ids=[member.pk])[member.pk]
        ]
    assert kinds == ["mvp", "recognition", "expert"]


def test_two_staff_giving_at_once_make_one_award(fresh_tenant, member_factory):
    from tests.concurrency import race

    tenant = fresh_tenant()
    member = member_factory(tenant, display_name="Amara")
    staff = [member_factory(tenant, staff=True) for _ in range(2)]
    with tenant.activate():
        badge = make_recognition_badge()
    errors = race(
        tenant,
        [
            lambda giver=giver: award_recognition(
                staff=giver, member=member, badge=badge, citation=CITATION
            )
            for giver in staff
        ],
    )
    assert len(errors) == 1 and isinstance(errors[0], RecognitionError), errors
    with tenant.activate():
        assert BadgeAward.objects.filter(member=member, badge=badge).count() == 1


def test_a_recognition_award_is_revoked_with_a_reason(
    tenant_a, people, badge, django_capture_on_commit_callbacks, mailoutbox
):
    award = _give(tenant_a, people, badge)
    member, staff = people
    with tenant_a.activate(), django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RecognitionError, match="reason"):
            recognition_revoke(staff=staff, award=award, reason=" ")
        revoked = recognition_revoke(staff=staff, award=award, reason="Given to the wrong Amara.")
        assert revoked.status == "revoked"
        with pytest.raises(RecognitionError, match="already revoked"):
            recognition_revoke(staff=staff, award=revoked, reason="Again.")
        assert not certification_api.recognition_awards().exists()
        mvp = BadgeAward.objects.create(member=member, badge=make_badge(kind="mvp", name="MVP"))
        with pytest.raises(RecognitionError, match="not a recognition award"):
            recognition_revoke(staff=staff, award=mvp, reason="Nope.")
    assert "Given to the wrong Amara." in mailoutbox[-1].body


# --- Verifiable like the others -----------------------------------------------------------


def test_the_verify_page_shows_the_recognition_and_its_citation(client_a, tenant_a, people, badge):
    award = _give(tenant_a, people, badge)
    response = client_a.get(f"/verify/{award.public_id}/")
    assert response.status_code == HTTPStatus.OK
    html = response.text
    assert "<h1>Member of the month</h1>" in html
    assert "Recognition award issued to <strong>Amara Okafor</strong>" in html
    assert "<dt>Citation</dt><dd>For 40 helpful answers on deployment in May" in html
    assert "It never expires." in html
    assert "Download certificate (PDF)" in html
    assert "amara@a.localhost" not in html


def test_the_open_badges_assertion_and_badge_class_of_a_recognition_award(
    client_a, tenant_a, people, badge
):
    award = _give(tenant_a, people, badge)
    response = client_a.get(f"/badges/assertions/{award.public_id}.json")
    assert response.status_code == HTTPStatus.OK
    assertion = json.loads(response.content)
    base = "http://a.localhost"
    assert assertion["type"] == "Assertion"
    assert assertion["badge"] == f"{base}/badges/classes/recognition/member-of-the-month.json"
    assert assertion["narrative"] == CITATION
    assert assertion["recipient"]["identity"] == award.recipient_identity
    assert "expires" not in assertion

    badge_class = json.loads(client_a.get(assertion["badge"].removeprefix(base)).content)
    assert badge_class["type"] == "BadgeClass"
    assert badge_class["name"] == "Member of the month"
    assert badge_class["image"] == f"{base}/badges/classes/recognition/member-of-the-month.png"
    assert badge_class["issuer"] == f"{base}/badges/issuer.json"
    image = client_a.get(badge_class["image"].removeprefix(base))
    assert image.status_code == HTTPStatus.OK and image["Content-Type"] == "image/png"
    wrong_kind = client_a.get("/badges/classes/expert/member-of-the-month.json")
    assert wrong_kind.status_code == HTTPStatus.NOT_FOUND


def test_the_baked_badge_and_the_certificate_of_a_recognition_award(
    client_a, tenant_a, people, badge
):
    award = _give(tenant_a, people, badge)
    png = client_a.get(f"/verify/{award.public_id}/badge.png")
    assert png.status_code == HTTPStatus.OK
    baked = json.loads(unbake(io.BytesIO(png.content)))
    assert baked["id"].endswith(f"/badges/assertions/{award.public_id}.json")
    assert baked["narrative"] == CITATION

    pdf = client_a.get(f"/verify/{award.public_id}/certificate.pdf")
    assert pdf.status_code == HTTPStatus.OK
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert "Amara Okafor" in text
    assert "was recognised with" in text
    assert "Member of the month" in text
    assert "For 40 helpful answers on deployment in May" in text


def test_a_recognition_award_is_not_found_on_another_portal(client_b, tenant_a, people, badge):
    award = _give(tenant_a, people, badge)
    assert client_b.get(f"/verify/{award.public_id}/").status_code == HTTPStatus.NOT_FOUND
    assert (
        client_b.get(f"/badges/assertions/{award.public_id}.json").status_code
        == HTTPStatus.NOT_FOUND
    )
    assert (
        client_b.get("/badges/classes/recognition/member-of-the-month.json").status_code
        == HTTPStatus.NOT_FOUND
    )


def test_my_certifications_labels_a_recognition_award(client_a, tenant_a, people, badge):
    award = _give(tenant_a, people, badge)
    with tenant_a.activate():
        client_a.force_login(people[0])
    html = client_a.get("/certification/mine/").text
    assert "Recognition award" in html
    assert f"/verify/{award.public_id}/" in html
    assert timezone.now()  # the page renders under the frozen clock
