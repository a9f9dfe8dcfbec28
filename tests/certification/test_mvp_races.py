"""MVP writes raced for real (threads, own connections, committed rows): two reviewers approving
at once give one award, a nomination sent twice at once is stored once, and the MVP badge made
on first use twice at once exists once."""

import pytest

from certification.models import Badge, BadgeAward, Nomination
from certification.mvp_services import (
    ALREADY_NOMINATED,
    ALREADY_REVIEWED,
    mvp_badge_get_or_create,
    nomination_approve,
    nomination_create,
)
from tests.concurrency import race
from tests.factories.mvp import REASON, make_nomination

pytestmark = pytest.mark.django_db(transaction=True)


def _people(count: int, *, staff: int = 0):
    from tests.factories.accounts import make_member

    return [make_member(email=f"racer{n}@example.com", staff=n < staff) for n in range(count)]


def test_two_reviewers_approving_the_same_nomination_at_once_give_one_award(fresh_tenant):
    tenant = fresh_tenant()
    with tenant.activate():
        reviewer_1, reviewer_2, nominee, nominator = _people(4, staff=2)
        nomination = make_nomination(nominee=nominee, nominated_by=nominator)
    errors = race(
        tenant,
        [
            lambda r=reviewer: nomination_approve(nomination=nomination, reviewed_by=r)
            for reviewer in (reviewer_1, reviewer_2)
        ],
    )
    assert [str(error) for error in errors] == [ALREADY_REVIEWED]
    with tenant.activate():
        (award,) = BadgeAward.objects.all()
        nomination.refresh_from_db()
        assert nomination.status == Nomination.Status.APPROVED and nomination.award == award
        assert nomination.reviewed_by_id == award.awarded_by_id
        assert Badge.objects.filter(kind=Badge.Kind.MVP).count() == 1


def test_approving_two_nominations_of_one_nominee_at_once_gives_one_award(fresh_tenant):
    tenant = fresh_tenant()
    with tenant.activate():
        reviewer_1, reviewer_2, nominee, first, second = _people(5, staff=2)
        nominations = [
            make_nomination(nominee=nominee, nominated_by=nominator)
            for nominator in (first, second)
        ]
        mvp_badge_get_or_create()
    errors = race(
        tenant,
        [
            lambda r=reviewer, n=nomination: nomination_approve(nomination=n, reviewed_by=r)
            for reviewer, nomination in zip((reviewer_1, reviewer_2), nominations, strict=True)
        ],
    )
    assert [str(error) for error in errors] == [ALREADY_REVIEWED]
    with tenant.activate():
        (award,) = BadgeAward.objects.all()
        assert award.current and award.renewed_from is None
        assert {n.award_id for n in Nomination.objects.all()} == {award.pk}


def test_a_nomination_sent_twice_at_once_is_stored_once(fresh_tenant):
    tenant = fresh_tenant()
    with tenant.activate():
        nominee, nominator = _people(2)
    errors = race(
        tenant,
        [
            lambda: nomination_create(nominator=nominator, nominee_id=nominee.pk, reason=REASON)
            for _ in range(2)
        ],
    )
    assert [str(error) for error in errors] == [ALREADY_NOMINATED]
    with tenant.activate():
        assert Nomination.objects.count() == 1


def test_the_mvp_badge_made_on_first_use_twice_at_once_exists_once(fresh_tenant):
    tenant = fresh_tenant()
    found: list[int] = []
    errors = race(tenant, [lambda: found.append(mvp_badge_get_or_create().pk) for _ in range(3)])
    assert errors == []
    with tenant.activate():
        (badge,) = Badge.objects.all()
    assert found == [badge.pk] * 3
    assert badge.slug == "mvp" and badge.kind == Badge.Kind.MVP and badge.validity_months == 12
