"""certification.api, as the community app will call it: who is certified, credentials beside
names, and accepted-answer events refused with a clear message when malformed."""

from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from certification import api
from certification.award_services import award_revoke
from certification.expert import (
    BAD_ANSWER_ID,
    BAD_TAGS,
    TAG_TOO_LONG,
    TOO_MANY_TAGS,
    UNKNOWN_MEMBER,
)
from certification.models import AcceptedAnswer, Award, Badge, BadgeAward
from tests.factories.certification import make_certification, take_exam
from tests.factories.expert import accept_answers, make_expert_badge, next_answer_id

pytestmark = pytest.mark.django_db

YEAR = timedelta(days=365)


def test_is_certified_only_with_a_valid_certification(tenant_a, learner, member_factory, clock):
    revoked, never = member_factory(tenant_a), member_factory(tenant_a)
    with tenant_a.activate():
        cloud = make_certification(name="Cloud", validity_months=12)
        other = make_certification(name="Other")
        take_exam(member=learner, exam=cloud.exam)
        take_exam(member=revoked, exam=other.exam)
        award_revoke(award=Award.objects.get(member=revoked), reason="Shared", revoked_by=None)
        assert api.is_certified(member=learner)
        assert api.is_certified(member=learner, certification_ids=[cloud.pk])
        assert not api.is_certified(member=learner, certification_ids=[other.pk])
        assert not api.is_certified(member=learner, certification_ids=[])
        assert not api.is_certified(member=revoked) and not api.is_certified(member=never)
        assert not api.is_certified(member=AnonymousUser()) and not api.is_certified(member=None)
        assert api.valid_certification_ids(member=learner) == {cloud.pk}
        assert api.valid_certification_ids(member=AnonymousUser()) == set()
        clock.shift(YEAR + timedelta(days=1))
        assert not api.is_certified(member=learner)
        assert api.valid_certification_ids(member=learner) == set()


def test_is_certified_is_one_query(tenant_a, learner, django_assert_num_queries):
    with tenant_a.activate():
        take_exam(member=learner, exam=make_certification(name="Cloud").exam)
        with django_assert_num_queries(1):
            assert api.is_certified(member=learner)
        with django_assert_num_queries(0):
            assert not api.is_certified(member=AnonymousUser())


def test_certification_in_one_portal_is_not_certification_in_another(
    tenant_a, tenant_b, learner, member_factory
):
    member_b = member_factory(tenant_b)
    with tenant_a.activate():
        take_exam(member=learner, exam=make_certification(name="Cloud").exam)
    with tenant_b.activate():
        assert not api.is_certified(member=member_b)
        assert api.member_badges_summary(member_ids=[learner.pk, member_b.pk]) == {}


def test_the_summary_lists_valid_credentials_per_member_in_one_query(
    tenant_a, learner, member_factory, clock
):
    other, lapsed = member_factory(tenant_a), member_factory(tenant_a)
    with tenant_a.activate():
        cloud = make_certification(name="Cloud", validity_months=0)
        short = make_certification(name="Short", validity_months=12)
        take_exam(member=learner, exam=cloud.exam)
        take_exam(member=lapsed, exam=short.exam)
        make_expert_badge(name="Helper", answers=1)
        (expert,) = accept_answers(member=learner, count=1)
        mvp = Badge.objects.create(kind=Badge.Kind.MVP, name="MVP", slug="mvp", description="MVP")
        BadgeAward.objects.create(member=learner, badge=mvp)
        clock.shift(YEAR + timedelta(days=1))
        ids = [learner.pk, other.pk, lapsed.pk]
        with CaptureQueriesContext(connection) as queries:
            summary = api.member_badges_summary(member_ids=iter(ids))
        assert len(queries) == 1
        assert api.member_badges_summary(member_ids=[]) == {}
    assert list(summary) == [learner.pk]
    kinds = [(c.kind, c.name) for c in summary[learner.pk]]
    assert kinds == [("mvp", "MVP"), ("expert", "Helper"), ("certification", "Cloud")]
    assert summary[learner.pk][1].public_id == expert.public_id
    assert summary[learner.pk][1].verify_url == f"/verify/{expert.public_id}/"


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["Cloud Networking", "cloud-networking", "cloud_networking"], ["cloud-networking"]),
        (("AWS", "", "  ", "aws", "Kubernetes"), ["aws", "kubernetes"]),
        ([], []),
        (["x" * 60], ["x" * 60]),
        ([f"t{n}" for n in range(10)] + ["T0"], [f"t{n}" for n in range(10)]),
    ],
)
def test_tags_are_normalised_to_slugs(tags, expected):
    assert api.tags_normalise(tags) == expected


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"answer_id": 0}, BAD_ANSWER_ID),
        ({"answer_id": -3}, BAD_ANSWER_ID),
        ({"answer_id": "12"}, BAD_ANSWER_ID),
        ({"answer_id": True}, BAD_ANSWER_ID),
        ({"tags": "cloud"}, BAD_TAGS),
        ({"tags": ["cloud", 3]}, BAD_TAGS),
        ({"tags": [f"t{n}" for n in range(11)]}, TOO_MANY_TAGS),
        ({"tags": ["x" * 61]}, TAG_TOO_LONG),
        ({"member": AnonymousUser()}, UNKNOWN_MEMBER),
        ({"member": None}, UNKNOWN_MEMBER),
    ],
)
def test_a_malformed_event_is_refused_with_a_message_and_records_nothing(
    tenant_a, learner, event, message
):
    with tenant_a.activate():
        make_expert_badge(name="Helper", answers=1)
        call = {"answer_id": next_answer_id(), "member": learner, "tags": ["cloud"], **event}
        with pytest.raises(api.EvidenceError) as refused:
            api.answer_accepted(**call)
        assert str(refused.value) == message
        assert not AcceptedAnswer.objects.exists() and not BadgeAward.objects.exists()


def test_a_member_whose_row_is_not_in_this_portal_is_refused(tenant_a, tenant_b, member_factory):
    member_b = member_factory(tenant_b)
    stranger = type(member_b)(pk=member_b.pk + 10_000, email="nobody@example.com")
    with tenant_a.activate():
        with pytest.raises(api.EvidenceError, match="does not belong"):
            api.answer_accepted(answer_id=next_answer_id(), member=stranger, tags=[])
        assert not AcceptedAnswer.objects.exists()


def test_unaccepting_an_unknown_answer_is_harmless_and_a_bad_id_is_refused(tenant_a):
    with tenant_a.activate():
        assert api.answer_unaccepted(answer_id=next_answer_id()) is None
        with pytest.raises(api.EvidenceError, match="positive whole number"):
            api.answer_unaccepted(answer_id="1")


def test_an_event_records_its_time_and_normalised_tags(tenant_a, learner):
    accepted_at = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
    with tenant_a.activate():
        answer_id = next_answer_id()
        earned = api.answer_accepted(
            answer_id=answer_id, member=learner, tags=["Cloud", "IAM"], accepted_at=accepted_at
        )
        row = AcceptedAnswer.objects.get(answer_id=answer_id)
    assert earned == []
    assert (row.member_id, row.tags, row.accepted_at) == (learner.pk, ["cloud", "iam"], accepted_at)
