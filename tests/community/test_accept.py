"""Accepting answers: by the asker or staff, moved or withdrawn by pressing again, with its
reputation and the accepted-answer events the Certification app's Expert badges consume."""

from datetime import UTC, datetime, timedelta
from http import HTTPStatus

from django.template.loader import render_to_string
from django.test import RequestFactory

import pytest

from certification.models import AcceptedAnswer, BadgeAward
from community.accept_services import (
    ACCEPTED,
    HIDDEN_ANSWER,
    MOVED,
    NOT_YOUR_QUESTION,
    UNACCEPTED,
    answer_accept,
    can_accept,
)
from community.models import Answer, MemberReputation, Question, ReputationEvent
from community.permissions import CommunityError
from community.reputation import reputation_recompute
from tests.concurrency import race
from tests.factories.community_votes import make_answer, make_question
from tests.factories.expert import make_expert_badge

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def thread(tenant_a, member_factory):
    """An asker's question tagged "cloud" with two answers by two other members."""
    asker, first, second = (member_factory(tenant_a) for _ in range(3))
    with tenant_a.activate():
        question = make_question(author=asker, tags=["cloud"])
        one = make_answer(question=question, author=first)
        two = make_answer(question=question, author=second)
    return {"asker": asker, "first": first, "second": second, "q": question, "one": one, "two": two}


def _reputation(tenant, member) -> int:
    with tenant.activate():
        row = MemberReputation.objects.filter(member=member).first()
        return row.total if row else 0


def _question(tenant, question) -> Question:
    with tenant.activate():
        return Question.objects.get(pk=question.pk)


def _evidence(tenant) -> list[tuple[int, int, list[str]]]:
    with tenant.activate():
        return list(
            AcceptedAnswer.objects.order_by("answer_id").values_list(
                "answer_id", "member_id", "tags"
            )
        )


def test_the_asker_accepts_an_answer(tenant_a, thread, clock):
    with tenant_a.activate():
        outcome = answer_accept(member=thread["asker"], answer=thread["one"])
    assert outcome.accepted and outcome.previous_answer_id is None and outcome.message == ACCEPTED
    question = _question(tenant_a, thread["q"])
    assert question.accepted_answer_id == thread["one"].pk and question.accepted_at == NOW
    assert _reputation(tenant_a, thread["first"]) == 15
    assert _reputation(tenant_a, thread["asker"]) == 2
    assert _evidence(tenant_a) == [(thread["one"].pk, thread["first"].pk, ["cloud"])]


def test_accepting_the_accepted_answer_again_withdraws_acceptance(tenant_a, thread, clock):
    with tenant_a.activate():
        answer_accept(member=thread["asker"], answer=thread["one"])
        outcome = answer_accept(member=thread["asker"], answer=thread["one"])
    assert not outcome.accepted and outcome.message == UNACCEPTED
    question = _question(tenant_a, thread["q"])
    assert question.accepted_answer_id is None and question.accepted_at is None
    assert (
        _reputation(tenant_a, thread["first"]) == 0 and _reputation(tenant_a, thread["asker"]) == 0
    )
    assert _evidence(tenant_a) == []


def test_accepting_another_answer_moves_acceptance_and_its_evidence(tenant_a, thread, clock):
    with tenant_a.activate():
        answer_accept(member=thread["asker"], answer=thread["one"])
        clock.shift(timedelta(minutes=5))
        outcome = answer_accept(member=thread["asker"], answer=thread["two"])
    assert outcome.accepted and outcome.previous_answer_id == thread["one"].pk
    assert outcome.message == MOVED
    question = _question(tenant_a, thread["q"])
    assert question.accepted_answer_id == thread["two"].pk
    assert question.accepted_at == NOW + timedelta(minutes=5)
    assert _reputation(tenant_a, thread["first"]) == 0
    assert _reputation(tenant_a, thread["second"]) == 15
    assert _reputation(tenant_a, thread["asker"]) == 2
    assert _evidence(tenant_a) == [(thread["two"].pk, thread["second"].pk, ["cloud"])]
    with tenant_a.activate():
        assert reputation_recompute() == []


def test_accepting_again_after_a_withdrawal_earns_the_points_again(tenant_a, thread):
    with tenant_a.activate():
        for _ in range(3):
            answer_accept(member=thread["asker"], answer=thread["one"])
        keys = sorted(
            ReputationEvent.objects.filter(member=thread["first"]).values_list("key", flat=True)
        )
    assert keys == [
        f"accept:{thread['one'].pk}:1",
        f"accept:{thread['one'].pk}:1:undo",
        f"accept:{thread['one'].pk}:2",
    ]
    assert _reputation(tenant_a, thread["first"]) == 15


def test_staff_accept_for_the_asker_without_points_for_themselves(tenant_a, thread, member_factory):
    staff = member_factory(tenant_a, staff=True)
    with tenant_a.activate():
        assert answer_accept(member=staff, answer=thread["one"]).accepted
    assert _reputation(tenant_a, thread["first"]) == 15
    assert _reputation(tenant_a, staff) == 0 and _reputation(tenant_a, thread["asker"]) == 0


def test_accepting_ones_own_answer_earns_no_reputation(tenant_a, thread):
    with tenant_a.activate():
        own = make_answer(question=thread["q"], author=thread["asker"])
        assert answer_accept(member=thread["asker"], answer=own).accepted
        assert not ReputationEvent.objects.exists()
    assert _evidence(tenant_a) == [(own.pk, thread["asker"].pk, ["cloud"])]


def test_only_the_asker_or_staff_may_accept(tenant_a, thread):
    with tenant_a.activate():
        assert can_accept(member=thread["asker"], question=thread["q"])
        assert not can_accept(member=thread["first"], question=thread["q"])
        with pytest.raises(CommunityError, match=NOT_YOUR_QUESTION):
            answer_accept(member=thread["first"], answer=thread["one"])
    assert _question(tenant_a, thread["q"]).accepted_answer_id is None
    assert _evidence(tenant_a) == []


def test_a_hidden_answer_cannot_be_accepted_but_can_be_unaccepted(tenant_a, thread, clock):
    with tenant_a.activate():
        Answer.objects.filter(pk=thread["two"].pk).update(hidden_at=NOW)
        hidden = Answer.objects.get(pk=thread["two"].pk)
        with pytest.raises(CommunityError, match=HIDDEN_ANSWER):
            answer_accept(member=thread["asker"], answer=hidden)
        answer_accept(member=thread["asker"], answer=thread["one"])
        Answer.objects.filter(pk=thread["one"].pk).update(hidden_at=NOW)
        hidden_one = Answer.objects.get(pk=thread["one"].pk)
        assert not answer_accept(member=thread["asker"], answer=hidden_one).accepted


def test_an_accepted_answer_earns_the_expert_badge_its_rule_asks_for(tenant_a, thread, clock):
    with tenant_a.activate():
        badge = make_expert_badge(name="Cloud Helper", tag="cloud", answers=1)
        outcome = answer_accept(member=thread["asker"], answer=thread["one"])
        (award,) = BadgeAward.objects.filter(badge=badge)
    assert outcome.badges == ["Cloud Helper"]
    assert award.member_id == thread["first"].pk


def test_a_question_with_more_tags_than_evidence_holds_still_accepts(tenant_a, thread):
    """``certification.api`` refuses more than MAX_TAGS tags (10); the community passes the
    first 10 by name rather than failing the acceptance."""
    with tenant_a.activate():
        question = make_question(author=thread["asker"], tags=[f"t{n}" for n in range(12)])
        answer = make_answer(question=question, author=thread["first"])
        assert answer_accept(member=thread["asker"], answer=answer).accepted
        (row,) = AcceptedAnswer.objects.filter(answer_id=answer.pk)
    assert len(row.tags) == 10


# Over HTTP ---------------------------------------------------------------------------------


def _signed_in(client, tenant, member):
    with tenant.activate():
        client.force_login(member)
    return client


def test_without_javascript_accepting_returns_to_the_answer_with_a_message(
    client_a, tenant_a, thread
):
    client = _signed_in(client_a, tenant_a, thread["asker"])
    response = client.post(f"/community/answers/{thread['one'].pk}/accept/")
    assert response.status_code == HTTPStatus.FOUND
    assert (
        response["Location"] == f"/community/questions/{thread['q'].pk}/#answer-{thread['one'].pk}"
    )
    assert [str(m) for m in response.wsgi_request._messages] == [ACCEPTED]
    assert _question(tenant_a, thread["q"]).accepted_answer_id == thread["one"].pk


def test_with_javascript_accepting_answers_json(client_a, tenant_a, thread):
    client = _signed_in(client_a, tenant_a, thread["asker"])
    json = {"headers": {"Accept": "application/json"}}
    client.post(f"/community/answers/{thread['one'].pk}/accept/", **json)
    moved = client.post(f"/community/answers/{thread['two'].pk}/accept/", **json)
    assert moved.status_code == HTTPStatus.OK
    assert moved.json() == {
        "answer": thread["two"].pk,
        "accepted": True,
        "previous": thread["one"].pk,
        "message": MOVED,
    }


def test_others_are_refused_with_a_message(client_a, tenant_a, thread):
    client = _signed_in(client_a, tenant_a, thread["first"])
    url = f"/community/answers/{thread['one'].pk}/accept/"
    refused = client.post(url, headers={"Accept": "application/json"})
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert refused.json() == {"error": NOT_YOUR_QUESTION}
    page = client.post(url)
    assert [str(m) for m in page.wsgi_request._messages] == [NOT_YOUR_QUESTION]
    assert client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_portal_a_answers_cannot_be_accepted_on_portal_b(
    client_b, tenant_b, thread, member_factory
):
    member = member_factory(tenant_b)
    client = _signed_in(client_b, tenant_b, member)
    with tenant_b.activate():
        assert not Answer.objects.filter(pk=thread["one"].pk).exists()
    response = client.post(f"/community/answers/{thread['one'].pk}/accept/")
    assert response.status_code == HTTPStatus.NOT_FOUND


def _render_accept(tenant, *, answer, question, viewer) -> str:
    with tenant.activate():
        request = RequestFactory().get("/")
        request.user = viewer
        return render_to_string(
            "community/includes/accept.html",
            {"answer": answer, "question": question, "viewer": viewer},
            request=request,
        )


def test_everyone_sees_the_accepted_mark_and_only_the_asker_the_button(
    tenant_a, thread, member_factory
):
    from django.contrib.auth.models import AnonymousUser

    with tenant_a.activate():
        answer_accept(member=thread["asker"], answer=thread["one"])
    question = _question(tenant_a, thread["q"])
    visitor = _render_accept(
        tenant_a, answer=thread["one"], question=question, viewer=AnonymousUser()
    )
    assert "Accepted" in visitor and "data-accept-mark hidden" not in visitor
    assert "<button" not in visitor
    other = _render_accept(
        tenant_a, answer=thread["two"], question=question, viewer=thread["first"]
    )
    assert "data-accept-mark hidden" in other and "<button" not in other
    asker = _render_accept(
        tenant_a, answer=thread["one"], question=question, viewer=thread["asker"]
    )
    assert "Unaccept this answer" in asker
    asker_other = _render_accept(
        tenant_a, answer=thread["two"], question=question, viewer=thread["asker"]
    )
    assert "Accept this answer" in asker_other
    assert f'action="/community/answers/{thread["two"].pk}/accept/"' in asker_other


# Races -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_answers_accepted_at_once_leave_one_accepted_and_exact_reputation(fresh_tenant):
    """The asker presses "Accept" on two answers at the same moment (two tabs): the question's
    row lock runs them in turn; one answer ends accepted, with one set of points and one
    accepted-answer record."""
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        asker = make_member(email="asker@example.com")
        authors = [make_member(email=f"answerer{n}@example.com") for n in range(2)]
        question = make_question(author=asker, tags=["cloud"])
        answers = [make_answer(question=question, author=author) for author in authors]
    errors = race(tenant, [lambda a=a: answer_accept(member=asker, answer=a) for a in answers])
    assert errors == []
    with tenant.activate():
        question = Question.objects.get(pk=question.pk)
        winner = next(a for a in answers if a.pk == question.accepted_answer_id)
        assert MemberReputation.objects.get(member=winner.author).total == 15
        assert MemberReputation.objects.get(member=asker).total == 2
        assert sum(MemberReputation.objects.values_list("total", flat=True)) == 17
        assert list(AcceptedAnswer.objects.values_list("answer_id", flat=True)) == [winner.pk]
        assert reputation_recompute() == []
