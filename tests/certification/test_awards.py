"""Passing an exam awards its certification: once, with an expiry; renewal; history kept."""

from datetime import timedelta

from django.db import IntegrityError

import pytest

from certification.award_services import award_for_pass
from certification.models import Attempt, Award
from certification.selectors import (
    ALREADY_PASSED,
    HOLDS_CERTIFICATION,
    NO_ATTEMPTS_LEFT,
    RENEW_WITH_RENEWAL_EXAM,
    RENEWAL_FOR_HOLDERS,
    RENEWAL_NOT_OPEN,
    exam_standing,
)
from certification.services import ExamError, attempt_start, attempt_submit
from tests.concurrency import race
from tests.factories.certification import make_certification, make_exam, take_exam

pytestmark = pytest.mark.django_db

YEAR = timedelta(days=365)


def test_a_pass_awards_the_certification_for_its_validity(tenant_a, learner, clock):
    with tenant_a.activate():
        certification = make_certification(name="Cloud", validity_months=12)
        attempt = take_exam(member=learner, exam=certification.exam)
        (award,) = Award.objects.filter(member=learner)
    assert award.attempt_id == attempt.pk and award.certification_id == certification.pk
    assert award.issued_at == attempt.submitted_at
    assert (award.expires_at.year, award.expires_at.month) == (2031, 5)
    assert award.status == Award.Status.VALID and award.current


def test_a_failed_attempt_or_an_exam_without_certification_awards_nothing(tenant_a, learner, clock):
    with tenant_a.activate():
        certification = make_certification(name="Cloud")
        take_exam(member=learner, exam=certification.exam, passing=False)
        plain = make_exam(title="Practice")
        take_exam(member=learner, exam=plain)
        assert not Award.objects.exists()
        assert exam_standing(exam=plain, member=learner).refusal == ALREADY_PASSED


def test_submitting_twice_awards_once(tenant_a, learner):
    with tenant_a.activate():
        certification = make_certification(name="Cloud")
        attempt = attempt_start(member=learner, exam=certification.exam)
        from certification.services import answers_save

        answers_save(attempt=attempt, answers={q["id"]: q["correct"] for q in attempt.questions})
        _, first = attempt_submit(attempt=attempt)
        _, second = attempt_submit(attempt=attempt)
        assert (first, second) == (True, False)
        assert award_for_pass(attempt=Attempt.objects.get(pk=attempt.pk)) is None  # holds it
        assert Award.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_race_awards_exactly_once(fresh_tenant):
    from certification.services import answers_save
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        member = make_member(email="racer@example.com")
        certification = make_certification(name="Race")
        attempt = attempt_start(member=member, exam=certification.exam)
        answers_save(attempt=attempt, answers={q["id"]: q["correct"] for q in attempt.questions})
    errors = race(tenant, [lambda: attempt_submit(attempt=attempt) for _ in range(4)])
    assert errors == []
    with tenant.activate():
        assert Award.objects.filter(member=member).count() == 1


def test_the_database_allows_one_current_award_per_member_and_certification(tenant_a, learner):
    with tenant_a.activate():
        certification = make_certification(name="Cloud")
        attempt = take_exam(member=learner, exam=certification.exam)
        award = Award.objects.get(attempt=attempt)
        with pytest.raises(IntegrityError):
            Award.objects.create(
                member=learner, certification=certification, attempt=attempt, current=True
            )
        with pytest.raises(PermissionError):
            award.delete()


def test_an_award_expires_and_its_exam_can_be_taken_again(tenant_a, learner, clock):
    with tenant_a.activate():
        certification = make_certification(name="Cloud", validity_months=12)
        exam = certification.exam
        take_exam(member=learner, exam=exam)
        standing = exam_standing(exam=exam, member=learner)
        assert standing.refusal == RENEWAL_NOT_OPEN.format(date="5 February 2031")
        clock.shift(YEAR + timedelta(days=1))
        old = Award.objects.get()
        assert old.status == Award.Status.EXPIRED
        assert exam_standing(exam=exam, member=learner).can_start
        take_exam(member=learner, exam=exam)
        old.refresh_from_db()
        new = Award.objects.get(current=True)
        assert old.status == Award.Status.EXPIRED and not old.current
        assert new.renewed_from is None and new.status == Award.Status.VALID
        assert new.expires_at.year == 2032


def test_attempts_count_again_after_expiry(tenant_a, learner, clock):
    with tenant_a.activate():
        exam = make_exam(title="Strict", max_attempts=2, cooldown_hours=0)
        make_certification(name="Strict", exam=exam, validity_months=12)
        take_exam(member=learner, exam=exam, passing=False)
        take_exam(member=learner, exam=exam)
        clock.shift(YEAR + timedelta(days=1))
        take_exam(member=learner, exam=exam, passing=False)
        assert exam_standing(exam=exam, member=learner).left == 1
        take_exam(member=learner, exam=exam, passing=False)
        assert exam_standing(exam=exam, member=learner).refusal == NO_ATTEMPTS_LEFT


def test_a_certification_without_validity_never_expires(tenant_a, learner, clock):
    with tenant_a.activate():
        certification = make_certification(name="Forever", validity_months=0)
        take_exam(member=learner, exam=certification.exam)
        clock.shift(YEAR * 20)
        award = Award.objects.get()
        assert award.expires_at is None and award.status == Award.Status.VALID
        standing = exam_standing(exam=certification.exam, member=learner)
        assert standing.refusal == HOLDS_CERTIFICATION


def _with_renewal(**fields):
    renewal = make_exam(title="Cloud renewal", questions_per_attempt=3, cooldown_hours=0)
    return make_certification(name="Cloud", renewal_exam=renewal, **fields)


def test_the_renewal_exam_is_only_for_holders_in_the_window(tenant_a, learner, clock):
    with tenant_a.activate():
        certification = _with_renewal(validity_months=12, renewal_window_days=90)
        renewal = certification.renewal_exam
        refused = exam_standing(exam=renewal, member=learner).refusal
        assert refused == RENEWAL_FOR_HOLDERS.format(name="Cloud")
        with pytest.raises(ExamError, match="renewal exam is for holders"):
            attempt_start(member=learner, exam=renewal)
        take_exam(member=learner, exam=certification.exam)
        standing = exam_standing(exam=renewal, member=learner)
        assert standing.refusal == RENEWAL_NOT_OPEN.format(date="5 February 2031")
        main = exam_standing(exam=certification.exam, member=learner).refusal
        assert main == RENEW_WITH_RENEWAL_EXAM.format(exam="Cloud renewal")
        clock.shift(YEAR - timedelta(days=89))
        standing = exam_standing(exam=renewal, member=learner)
        assert standing.can_start and standing.renewing


def test_renewing_chains_the_awards_and_keeps_the_remaining_time(tenant_a, learner, clock):
    with tenant_a.activate():
        certification = _with_renewal(validity_months=12, renewal_window_days=90)
        take_exam(member=learner, exam=certification.exam)
        first = Award.objects.get()
        clock.shift(YEAR - timedelta(days=30))
        take_exam(member=learner, exam=certification.renewal_exam)
        first.refresh_from_db()
        renewed = Award.objects.get(current=True)
        assert renewed.renewed_from == first
        assert renewed.expires_at.date() == first.expires_at.date().replace(year=2032)
        assert first.status == Award.Status.RENEWED and first.superseded_at is not None
        refusal = exam_standing(exam=certification.renewal_exam, member=learner).refusal
        assert refusal.startswith("You hold this certification; renewal opens on")
        assert Award.objects.count() == 2


def test_without_a_renewal_exam_holders_renew_with_the_exam_itself(tenant_a, learner, clock):
    with tenant_a.activate():
        certification = make_certification(name="Cloud", validity_months=12)
        take_exam(member=learner, exam=certification.exam)
        clock.shift(YEAR - timedelta(days=10))
        take_exam(member=learner, exam=certification.exam)
        renewed = Award.objects.get(current=True)
        assert renewed.renewed_from is not None
        assert renewed.expires_at.year == 2032
