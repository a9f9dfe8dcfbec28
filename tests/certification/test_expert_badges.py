"""Expert badges by rule: earned when accepted answers and certifications complete the rule,
once (even in a race), per portal, with an email after commit; un-accepting keeps the badge."""

import io
from datetime import timedelta

from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

import pytest

from certification.api import answer_accepted, answer_unaccepted
from certification.award_services import award_revoke
from certification.models import AcceptedAnswer, Award, Badge, BadgeAward
from certification.services import answers_save, attempt_start, attempt_submit
from tests.concurrency import race
from tests.conftest import TenantInfo
from tests.factories.certification import make_certification, take_exam
from tests.factories.expert import accept_answers, make_expert_badge, next_answer_id

pytestmark = pytest.mark.django_db

YEAR = timedelta(days=365)


@pytest.fixture
def cloud(tenant_a):
    """A certification "Cloud" valid 12 months, and the Expert badge needing it plus 3 answers
    tagged "cloud"."""
    with tenant_a.activate():
        certification = make_certification(name="Cloud", validity_months=12)
        badge = make_expert_badge(name="Cloud Expert", certification=certification, answers=3)
    return badge


def _awards(tenant: TenantInfo, member) -> list[BadgeAward]:
    with tenant.activate():
        return list(BadgeAward.objects.filter(member=member).order_by("issued_at", "pk"))


def test_answers_then_the_certification_pass_complete_the_rule(
    tenant_a, learner, cloud, clock, django_capture_on_commit_callbacks
):
    with tenant_a.activate():
        assert accept_answers(member=learner, count=3) == []
        with django_capture_on_commit_callbacks(execute=True):
            attempt = take_exam(member=learner, exam=cloud.required_certification.exam)
    assert attempt.passed
    (award,) = _awards(tenant_a, learner)
    assert award.badge_id == cloud.pk and award.current and award.status == BadgeAward.Status.VALID
    assert award.issued_at == attempt.submitted_at and award.expires_at is None
    assert award.awarded_by is None and award.recipient_identity.startswith("sha256$")
    (message,) = mail.outbox
    assert message.subject == "[Alpha Academy] Expert badge earned: Cloud Expert"


def test_the_certification_then_answers_complete_the_rule_at_the_last_answer(
    tenant_a, learner, cloud, clock
):
    with tenant_a.activate():
        take_exam(member=learner, exam=cloud.required_certification.exam)
        assert accept_answers(member=learner, count=2) == []
        (award,) = accept_answers(member=learner, count=1)
        assert accept_answers(member=learner, count=1) == []  # holds it: nothing new
    assert _awards(tenant_a, learner) == [award]


def test_a_double_submit_of_the_exam_awards_the_badge_once(tenant_a, learner, cloud):
    with tenant_a.activate():
        accept_answers(member=learner, count=3)
        attempt = attempt_start(member=learner, exam=cloud.required_certification.exam)
        answers_save(attempt=attempt, answers={q["id"]: q["correct"] for q in attempt.questions})
        assert [attempt_submit(attempt=attempt)[1] for _ in range(2)] == [True, False]
        assert Award.objects.count() == 1
    assert len(_awards(tenant_a, learner)) == 1


def test_only_answers_with_the_badge_tag_count_and_an_empty_tag_counts_all(
    tenant_a, learner, clock
):
    with tenant_a.activate():
        networking = make_expert_badge(name="Networking Expert", tag="networking", answers=2)
        helper = make_expert_badge(name="Helper", answers=3)
        assert accept_answers(member=learner, count=2, tags=["cloud"]) == []
        earned = accept_answers(member=learner, count=1, tags=["Networking", "cloud"])
        assert [award.badge for award in earned] == [helper]
        earned = accept_answers(member=learner, count=1, tags=["NETWORKING"])
        assert [award.badge for award in earned] == [networking]


def test_an_expired_or_revoked_certification_does_not_count(
    tenant_a, learner, member_factory, cloud, clock
):
    other = member_factory(tenant_a)
    with tenant_a.activate():
        take_exam(member=learner, exam=cloud.required_certification.exam)
        take_exam(member=other, exam=cloud.required_certification.exam)
        award_revoke(award=Award.objects.get(member=other), reason="Shared", revoked_by=None)
        assert accept_answers(member=other, count=3) == []
        clock.shift(YEAR + timedelta(days=1))
        assert Award.objects.get(member=learner).status == Award.Status.EXPIRED
        assert accept_answers(member=learner, count=3) == []
    assert _awards(tenant_a, learner) == _awards(tenant_a, other) == []


def test_the_same_event_again_changes_nothing(tenant_a, learner, clock):
    with tenant_a.activate():
        badge = make_expert_badge(name="Helper", answers=1)
        (award,) = answer_accepted(answer_id=7, member=learner, tags=["cloud"])
        clock.shift(timedelta(hours=1))
        assert answer_accepted(answer_id=7, member=learner, tags=["Cloud", "cloud"]) == []
        (row,) = AcceptedAnswer.objects.all()
        assert row.tags == ["cloud"] and row.accepted_at == award.issued_at
        assert list(BadgeAward.objects.filter(badge=badge)) == [award]


def test_unaccepting_keeps_the_badge_but_lowers_the_count(tenant_a, learner, clock):
    with tenant_a.activate():
        make_expert_badge(name="Helper", answers=2)
        first, second = next_answer_id(), next_answer_id()
        assert answer_accepted(answer_id=first, member=learner, tags=[]) == []
        answer_unaccepted(answer_id=first)
        answer_unaccepted(answer_id=first)  # repeated: harmless
        assert answer_accepted(answer_id=second, member=learner, tags=[]) == []
        (award,) = answer_accepted(answer_id=first, member=learner, tags=[])  # re-accepted
        answer_unaccepted(answer_id=first)
        answer_unaccepted(answer_id=second)
        assert not AcceptedAnswer.objects.filter(member=learner).exists()
        award.refresh_from_db()
        assert award.current and award.status == BadgeAward.Status.VALID
        assert answer_accepted(answer_id=first, member=learner, tags=[]) == []  # holds it


def test_an_accepted_answer_moved_to_another_member_counts_for_them(
    tenant_a, learner, member_factory
):
    other = member_factory(tenant_a)
    with tenant_a.activate():
        make_expert_badge(name="Helper", answers=2)
        moved = next_answer_id()
        answer_accepted(answer_id=moved, member=learner, tags=["cloud"])
        accept_answers(member=other, count=1)
        (award,) = answer_accepted(answer_id=moved, member=other, tags=["cloud"])
        assert award.member == other
        assert AcceptedAnswer.objects.get(answer_id=moved).member == other
        assert not AcceptedAnswer.objects.filter(member=learner).exists()


def test_an_expired_badge_is_earned_again_and_the_old_one_kept(tenant_a, learner, clock):
    with tenant_a.activate():
        make_expert_badge(name="Helper", answers=1, validity_months=12)
        (old,) = accept_answers(member=learner, count=1)
        assert (old.expires_at.year, old.expires_at.month) == (2031, 5)
        clock.shift(YEAR + timedelta(days=1))
        (new,) = accept_answers(member=learner, count=1)
        old.refresh_from_db()
    assert old.status == BadgeAward.Status.EXPIRED and not old.current
    assert new.current and new.status == BadgeAward.Status.VALID and new.renewed_from is None
    assert _awards(tenant_a, learner) == [old, new]


def test_a_revoked_badge_is_not_earned_again_by_rule(tenant_a, learner, clock):
    with tenant_a.activate():
        make_expert_badge(name="Helper", answers=1)
        (award,) = accept_answers(member=learner, count=1)
        BadgeAward.objects.filter(pk=award.pk).update(
            revoked_at=award.issued_at, revocation_reason="Answers copied", current=False
        )
        assert accept_answers(member=learner, count=2) == []
    assert _awards(tenant_a, learner) == [award]


def test_inactive_badges_mvp_titles_and_badges_without_a_rule_are_never_earned(tenant_a, learner):
    with tenant_a.activate():
        make_expert_badge(name="Retired", answers=1, active=False)
        make_expert_badge(name="Anything", answers=0)  # no part set: guarded
        Badge.objects.create(kind=Badge.Kind.MVP, name="MVP", slug="mvp", description="MVP")
        assert accept_answers(member=learner, count=2) == []
    assert _awards(tenant_a, learner) == []


def test_a_badge_of_a_certification_alone_is_earned_by_passing(tenant_a, learner):
    with tenant_a.activate():
        certification = make_certification(name="Cloud")
        badge = make_expert_badge(name="Cloud Pro", certification=certification, answers=0)
        take_exam(member=learner, exam=certification.exam)
    assert [award.badge_id for award in _awards(tenant_a, learner)] == [badge.pk]


def test_the_email_is_sent_once_after_commit_with_the_verify_link(
    tenant_a, learner, cloud, django_capture_on_commit_callbacks
):
    with tenant_a.activate():
        take_exam(member=learner, exam=cloud.required_certification.exam)
        accept_answers(member=learner, count=2)
        answer_id = next_answer_id()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            (award,) = answer_accepted(answer_id=answer_id, member=learner, tags=["cloud"])
            assert mail.outbox == []  # not before the commit
        with django_capture_on_commit_callbacks(execute=True):
            answer_accepted(answer_id=answer_id, member=learner, tags=["cloud"])
            accept_answers(member=learner, count=1)
    assert len(callbacks) == 1
    (message,) = mail.outbox
    assert message.to == [learner.email]
    assert "You have earned the Expert badge “Cloud Expert”" in message.body
    assert "hold a valid “Cloud” certification and have 3 accepted" in message.body
    assert f"http://a.localhost/verify/{award.public_id}/" in message.body


def test_nothing_is_awarded_or_sent_when_the_transaction_rolls_back(
    tenant_a, learner, django_capture_on_commit_callbacks
):
    with tenant_a.activate():
        make_expert_badge(name="Helper", answers=1)
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            assert len(accept_answers(member=learner, count=1)) == 1
            raise RuntimeError("the community's write failed")
        assert not AcceptedAnswer.objects.exists() and not BadgeAward.objects.exists()
    assert callbacks == [] and mail.outbox == []


def test_concurrent_events_for_one_member_award_one_badge_and_send_one_email(fresh_tenant):
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        member = make_member(email="racer@example.com")
        make_expert_badge(name="Helper", answers=1)
    ids = [next_answer_id() for _ in range(3)]
    events = [*ids, ids[0]]  # three answers, the first reported twice
    errors = race(
        tenant,
        [
            lambda answer_id=answer_id: answer_accepted(
                answer_id=answer_id, member=member, tags=["cloud"]
            )
            for answer_id in events
        ],
    )
    assert errors == []
    with tenant.activate():
        assert AcceptedAnswer.objects.filter(member=member).count() == 3
        assert BadgeAward.objects.filter(member=member).count() == 1
    assert len(mail.outbox) == 1


def test_events_in_one_portal_never_award_in_another(tenant_a, tenant_b, learner, member_factory):
    member_b = member_factory(tenant_b)
    with tenant_b.activate():
        badge_b = make_expert_badge(name="Cloud Expert", tag="networking", answers=1)
    with tenant_a.activate():
        badge_a = make_expert_badge(name="Cloud Expert", tag="cloud", answers=1)
        (award,) = accept_answers(member=learner, count=1, tags=["cloud", "networking"])
        assert award.badge == badge_a
    with tenant_b.activate():
        assert not BadgeAward.objects.exists() and not AcceptedAnswer.objects.exists()
        assert accept_answers(member=member_b, count=1, tags=["cloud"]) == []  # B's own rule
        (award_b,) = accept_answers(member=member_b, count=1, tags=["networking"])
        assert award_b.badge == badge_b
    with tenant_a.activate():
        assert list(BadgeAward.objects.all()) == [award]
        assert AcceptedAnswer.objects.count() == 1


def _answer_accepted_queries(tenant, member) -> tuple[int, int]:
    """Queries of one event by ``member``, and how many badges it earned them."""
    with tenant.activate(), CaptureQueriesContext(connection) as queries:
        earned = answer_accepted(answer_id=next_answer_id(), member=member, tags=["cloud", "x"])
    return len(queries), len(earned)


def test_an_event_costs_the_same_for_one_or_five_expert_badges(tenant_a, member_factory, cloud):
    certification = cloud.required_certification

    def certified():
        member = member_factory(tenant_a)
        with tenant_a.activate():
            take_exam(member=member, exam=certification.exam)
        return member

    with tenant_a.activate():
        cloud.answer_tag, cloud.min_accepted_answers = "x", 1
        cloud.save()
    holder = certified()
    _answer_accepted_queries(tenant_a, holder)  # earns it; warms the site root paths cache
    counts = {}
    for badges in (1, 5):
        with tenant_a.activate():
            for number in range(Badge.objects.count(), badges):
                other = make_certification(name=f"Other {number}")
                make_expert_badge(name=f"Other {number}", certification=other, tag=f"t{number}")
            assert Badge.objects.count() == badges
        counts[badges] = (
            _answer_accepted_queries(tenant_a, holder),
            _answer_accepted_queries(tenant_a, certified()),
        )
    (quiet, none), (earning, one) = counts[1]
    print(f"answer_accepted: {quiet} queries earning nothing, {earning} earning one badge")
    assert (none, one) == (0, 1)
    assert counts[1] == counts[5]


def test_evaluate_expert_badges_awards_a_new_rule_to_members_who_already_meet_it(
    tenant_a, tenant_b, learner, clock
):
    from django.core.management import call_command

    with tenant_a.activate():
        certification = make_certification(name="Data", validity_months=12)
        take_exam(member=learner, exam=certification.exam)
        accept_answers(member=learner, count=2, tags=("data",))
        # Staff add the rule after the evidence: nothing happens until the next event...
        badge = make_expert_badge(name="Data Expert", certification=certification, answers=2)
        assert not BadgeAward.objects.filter(member=learner).exists()
    first, again = io.StringIO(), io.StringIO()
    call_command("evaluate_expert_badges", schema=tenant_a.schema, stdout=first)
    call_command("evaluate_expert_badges", stdout=again)
    assert first.getvalue() == "Awarded 1 Expert badge(s).\n"
    assert again.getvalue() == "Awarded 0 Expert badge(s).\n"  # idempotent
    with tenant_a.activate():
        (award,) = BadgeAward.objects.filter(member=learner)
    assert award.badge_id == badge.pk and award.status == BadgeAward.Status.VALID
    with tenant_b.activate():
        assert not BadgeAward.objects.exists()
