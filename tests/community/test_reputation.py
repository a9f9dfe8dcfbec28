"""The reputation ledger: the points table, idempotent events, reversals, totals kept with the
events, the recompute (and its command) finding and fixing drift, leaders."""

from datetime import UTC, datetime, timedelta
from io import StringIO

from django.core.management import call_command

import pytest

from community.models import MemberReputation, ReputationEvent
from community.reputation import (
    POINTS,
    Change,
    Drift,
    Kind,
    reputation_leaders,
    reputation_recompute,
    reputation_record,
    reversals,
)
from community.vote_services import vote_cast
from tests.factories.community_votes import make_answer, make_question

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)


def _total(member) -> int:
    row = MemberReputation.objects.filter(member=member).first()
    return row.total if row else 0


def test_points_follow_stack_overflow():
    assert POINTS == {
        Kind.QUESTION_UPVOTED: 10,
        Kind.QUESTION_DOWNVOTED: -2,
        Kind.ANSWER_UPVOTED: 10,
        Kind.ANSWER_DOWNVOTED: -2,
        Kind.DOWNVOTE_CAST: -1,
        Kind.ANSWER_ACCEPTED: 15,
        Kind.ACCEPTED_AN_ANSWER: 2,
    }


def test_recording_the_same_cause_twice_counts_once(tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        change = Change(member.pk, Kind.ANSWER_UPVOTED, "vote:test:1")
        assert reputation_record([change]) == {member.pk: 10}
        assert reputation_record([change]) == {}
        assert ReputationEvent.objects.filter(member=member).count() == 1
        assert _total(member) == 10


def test_reversals_undo_each_event_once_and_skip_unknown_keys(tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        reputation_record([Change(member.pk, Kind.ANSWER_ACCEPTED, "accept:test:1")])
        undo = reversals(["accept:test:1", "accept:test:1:accepter"])
        assert [(c.kind, c.value, c.key) for c in undo] == [
            (Kind.REVERSAL, -15, "accept:test:1:undo")
        ]
        reputation_record(undo)
        assert reversals(["accept:test:1"]) == []
        assert _total(member) == 0


def test_the_recompute_finds_no_drift_after_real_votes(tenant_a, member_factory):
    asker, answerer, voter = (member_factory(tenant_a) for _ in range(3))
    with tenant_a.activate():
        question = make_question(author=asker)
        answer = make_answer(question=question, author=answerer)
        vote_cast(member=voter, question=question, value=1)
        vote_cast(member=voter, answer=answer, value=1)
        vote_cast(member=asker, answer=answer, value=1)
        vote_cast(member=asker, answer=answer, value=1)  # withdrawn
        assert reputation_recompute() == []
        assert (_total(asker), _total(answerer)) == (10, 10)


def test_the_recompute_reports_drift_and_fixes_it(tenant_a, member_factory):
    asker, voter, ghost = (member_factory(tenant_a) for _ in range(3))
    with tenant_a.activate():
        question = make_question(author=asker)
        vote_cast(member=voter, question=question, value=1)
        MemberReputation.objects.filter(member=asker).update(total=999)
        MemberReputation.objects.create(member=ghost, total=5)
        expected = sorted([Drift(asker.pk, 999, 10), Drift(ghost.pk, 5, 0)])
        assert reputation_recompute() == expected
        assert _total(asker) == 999  # reporting changes nothing
        assert reputation_recompute(fix=True) == expected
        assert reputation_recompute() == []
        assert (_total(asker), _total(ghost)) == (10, 0)


def test_the_command_reports_and_fixes_drift_per_portal(tenant_a, member_factory):
    asker, voter = member_factory(tenant_a), member_factory(tenant_a)
    with tenant_a.activate():
        vote_cast(member=voter, question=make_question(author=asker), value=1)
        MemberReputation.objects.filter(member=asker).update(total=3)
    out = StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("recompute_reputation", schema=tenant_a.schema, stdout=out)
    assert exit_status.value.code == 1
    assert f"member {asker.pk} stored 3, ledger 10" in out.getvalue()
    out = StringIO()
    call_command("recompute_reputation", schema=tenant_a.schema, fix=True, stdout=out)
    assert "Reputation drift: 1 member(s) fixed." in out.getvalue()
    out = StringIO()
    call_command("recompute_reputation", schema=tenant_a.schema, stdout=out)
    assert "Reputation drift: 0 member(s) found." in out.getvalue()


def test_the_privilege_threshold_is_the_portals_setting(tenant_a, member_factory):
    from community.models import CommunitySettings
    from community.permissions import downvote_refusal

    member = member_factory(tenant_a)
    with tenant_a.activate():
        reputation_record([Change(member.pk, Kind.ANSWER_UPVOTED, "vote:test:threshold")])
        settings = CommunitySettings.load()
        settings.downvote_reputation = 10
        settings.save()
        assert downvote_refusal(member=member) is None
        settings.downvote_reputation = 11
        settings.save()
        assert (
            downvote_refusal(member=member) == "You need 11 reputation to vote down (you have 10)."
        )


def test_leaders_all_time_and_for_a_period(tenant_a, member_factory, time_machine):
    time_machine.move_to(NOW, tick=False)
    first, second = member_factory(tenant_a), member_factory(tenant_a)
    with tenant_a.activate():
        reputation_record([Change(first.pk, Kind.ANSWER_ACCEPTED, "accept:lead:1")])
        time_machine.move_to(NOW + timedelta(days=10), tick=False)
        reputation_record([Change(second.pk, Kind.ANSWER_UPVOTED, "vote:lead:1")])
        assert [(r.member, r.total) for r in reputation_leaders()] == [(first, 15), (second, 10)]
        week = reputation_leaders(since=NOW + timedelta(days=3))
        assert list(week) == [{"member_id": second.pk, "gained": 10}]
