"""Votes: one per member and post, changeable, withdrawn by pressing again, none on one's own
post or a hidden one, down votes by reputation; exact under 200 concurrent votes."""

from datetime import UTC, datetime
from http import HTTPStatus

from django.db import IntegrityError
from django.template.loader import render_to_string
from django.test import RequestFactory

import pytest

from community.models import (
    Answer,
    CommunitySettings,
    MemberReputation,
    Question,
    ReputationEvent,
    Suspension,
    Vote,
)
from community.permissions import OWN_POST_VOTE, REPUTATION_NEEDED, SIGN_IN, CommunityError
from community.reputation import reputation_recompute
from community.vote_services import (
    BAD_VALUE,
    HIDDEN_POST,
    VOTED,
    WITHDRAWN,
    vote_cast,
)
from tests.concurrency import race
from tests.factories.community_votes import make_answer, make_question

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def people(tenant_a, member_factory):
    """An asker, an answerer and a voter on portal A, and a question with one answer."""
    asker, answerer, voter = (member_factory(tenant_a) for _ in range(3))
    with tenant_a.activate():
        question = make_question(author=asker, title="How do I rotate the API keys?")
        answer = make_answer(question=question, author=answerer)
    return {"asker": asker, "answerer": answerer, "voter": voter, "q": question, "a": answer}


def _reputation(tenant, member) -> int:
    with tenant.activate():
        row = MemberReputation.objects.filter(member=member).first()
        return row.total if row else 0


def _score(tenant, post) -> int:
    with tenant.activate():
        return type(post).objects.get(pk=post.pk).score


def _allow_down_votes(tenant, reputation=0):
    with tenant.activate():
        settings = CommunitySettings.load()
        settings.downvote_reputation = reputation
        settings.save()


def test_an_up_vote_raises_the_score_and_gives_the_author_10(tenant_a, people):
    with tenant_a.activate():
        outcome = vote_cast(member=people["voter"], answer=people["a"], value=1)
        question_outcome = vote_cast(member=people["voter"], question=people["q"], value=1)
        (vote,) = Vote.objects.filter(answer=people["a"])
    assert outcome.value == 1 and outcome.score == 1
    assert outcome.message == VOTED.format(post="answer", direction="up")
    assert "again to withdraw" in outcome.message
    assert question_outcome.score == 1
    assert vote.member_id == people["voter"].pk and vote.value == 1
    assert _reputation(tenant_a, people["answerer"]) == 10
    assert _reputation(tenant_a, people["asker"]) == 10
    assert _reputation(tenant_a, people["voter"]) == 0


def test_pressing_the_same_direction_again_withdraws_the_vote(tenant_a, people):
    with tenant_a.activate():
        vote_cast(member=people["voter"], answer=people["a"], value=1)
        outcome = vote_cast(member=people["voter"], answer=people["a"], value=1)
        assert not Vote.objects.exists()
        kinds = list(ReputationEvent.objects.order_by("pk").values_list("kind", "points"))
    assert outcome.value is None and outcome.score == 0
    assert outcome.message == WITHDRAWN.format(post="answer")
    assert kinds == [("answer_upvoted", 10), ("reversal", -10)]
    assert _reputation(tenant_a, people["answerer"]) == 0


def test_turning_a_vote_round_moves_the_score_by_two_and_the_ledger_tells_it(tenant_a, people):
    _allow_down_votes(tenant_a)
    voter, answerer = people["voter"], people["answerer"]
    with tenant_a.activate():
        vote_cast(member=voter, answer=people["a"], value=1)
        down = vote_cast(member=voter, answer=people["a"], value=-1)
        assert down.score == -1 and down.value == -1
        assert Vote.objects.get().value == -1
        assert _reputation(tenant_a, answerer) == -2 and _reputation(tenant_a, voter) == -1
        up = vote_cast(member=voter, answer=people["a"], value=1)
        assert up.score == 1 and Vote.objects.get().value == 1
        events = list(ReputationEvent.objects.order_by("pk").values_list("kind", "points"))
    assert events == [
        ("answer_upvoted", 10),
        ("reversal", -10),
        ("answer_downvoted", -2),
        ("downvote_cast", -1),
        ("reversal", 2),
        ("reversal", 1),
        ("answer_upvoted", 10),
    ]
    assert _reputation(tenant_a, answerer) == 10 and _reputation(tenant_a, voter) == 0
    with tenant_a.activate():
        assert reputation_recompute() == []


def test_voting_a_question_down_costs_the_voter_nothing(tenant_a, people):
    _allow_down_votes(tenant_a)
    with tenant_a.activate():
        outcome = vote_cast(member=people["voter"], question=people["q"], value=-1)
    assert outcome.score == -1
    assert _reputation(tenant_a, people["asker"]) == -2
    assert _reputation(tenant_a, people["voter"]) == 0


def test_one_vote_per_member_and_post_is_a_database_constraint(tenant_a, people):
    with tenant_a.activate():
        Vote.objects.create(member=people["voter"], answer=people["a"], value=1)
        with pytest.raises(IntegrityError):
            Vote.objects.create(member=people["voter"], answer=people["a"], value=-1)


def test_a_vote_on_ones_own_post_is_refused_and_changes_nothing(tenant_a, people):
    with tenant_a.activate():
        with pytest.raises(CommunityError, match=OWN_POST_VOTE):
            vote_cast(member=people["answerer"], answer=people["a"], value=1)
        with pytest.raises(CommunityError, match=OWN_POST_VOTE):
            vote_cast(member=people["asker"], question=people["q"], value=1)
        assert not Vote.objects.exists() and not ReputationEvent.objects.exists()
    assert _score(tenant_a, people["a"]) == 0


def test_a_down_vote_needs_the_portals_reputation(tenant_a, people):
    with tenant_a.activate():
        with pytest.raises(CommunityError) as refused:
            vote_cast(member=people["voter"], answer=people["a"], value=-1)
        assert str(refused.value) == REPUTATION_NEEDED.format(needed=50, action="vote down", have=0)
        assert not Vote.objects.exists()
    _allow_down_votes(tenant_a, reputation=10)
    with tenant_a.activate():
        # 10 reputation from an up vote on the voter's own question
        other = make_question(author=people["voter"])
        vote_cast(member=people["asker"], question=other, value=1)
        assert vote_cast(member=people["voter"], answer=people["a"], value=-1).score == -1


def test_withdrawing_a_down_vote_needs_no_reputation(tenant_a, people):
    _allow_down_votes(tenant_a)
    with tenant_a.activate():
        vote_cast(member=people["voter"], answer=people["a"], value=-1)
    _allow_down_votes(tenant_a, reputation=1000)
    with tenant_a.activate():
        assert vote_cast(member=people["voter"], answer=people["a"], value=-1).value is None


def test_staff_vote_down_without_reputation(tenant_a, people, member_factory):
    staff = member_factory(tenant_a, staff=True)
    with tenant_a.activate():
        assert vote_cast(member=staff, answer=people["a"], value=-1).score == -1


@pytest.mark.parametrize("hidden", ["answer", "question"])
def test_hidden_posts_cannot_be_voted_on(tenant_a, people, hidden, clock):
    with tenant_a.activate():
        model = Answer if hidden == "answer" else Question
        model.objects.filter(pk=people[hidden[0]].pk).update(hidden_at=NOW)
        answer = Answer.objects.select_related("question").get(pk=people["a"].pk)
        with pytest.raises(CommunityError, match=HIDDEN_POST):
            vote_cast(member=people["voter"], answer=answer, value=1)
        assert not Vote.objects.exists()


def test_closed_questions_can_still_be_voted_on(tenant_a, people, clock):
    with tenant_a.activate():
        Question.objects.filter(pk=people["q"].pk).update(closed_at=NOW, close_reason="Duplicate")
        question = Question.objects.get(pk=people["q"].pk)
        assert vote_cast(member=people["voter"], question=question, value=1).score == 1


def test_suspended_members_cannot_vote(tenant_a, people, clock):
    with tenant_a.activate():
        Suspension.objects.create(member=people["voter"], reason="Spam")
        with pytest.raises(CommunityError, match="suspended"):
            vote_cast(member=people["voter"], answer=people["a"], value=1)


def test_a_wrong_value_is_refused(tenant_a, people):
    with tenant_a.activate(), pytest.raises(CommunityError, match=BAD_VALUE):
        vote_cast(member=people["voter"], answer=people["a"], value=2)


# Over HTTP ---------------------------------------------------------------------------------


def _signed_in(client, tenant, member):
    with tenant.activate():
        client.force_login(member)
    return client


def test_without_javascript_a_vote_returns_to_the_question_with_a_message(
    client_a, tenant_a, people
):
    client = _signed_in(client_a, tenant_a, people["voter"])
    response = client.post(f"/community/answers/{people['a'].pk}/vote/", {"value": "up"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/community/questions/{people['q'].pk}/#answer-{people['a'].pk}"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [VOTED.format(post="answer", direction="up")]
    assert _score(tenant_a, people["a"]) == 1
    response = client.post(f"/community/questions/{people['q'].pk}/vote/", {"value": "up"})
    assert (
        response["Location"] == f"/community/questions/{people['q'].pk}/#question-{people['q'].pk}"
    )
    assert _score(tenant_a, people["q"]) == 1


def test_with_javascript_a_vote_answers_json_with_the_new_score(client_a, tenant_a, people):
    client = _signed_in(client_a, tenant_a, people["voter"])
    url = f"/community/answers/{people['a'].pk}/vote/"
    response = client.post(url, {"value": "up"}, headers={"Accept": "application/json"})
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "score": 1,
        "value": 1,
        "message": VOTED.format(post="answer", direction="up"),
    }
    again = client.post(url, {"value": "up"}, headers={"Accept": "application/json"})
    assert again.json()["value"] is None and again.json()["score"] == 0


def test_refusals_over_http_are_messages_or_json_errors_never_500(client_a, tenant_a, people):
    client = _signed_in(client_a, tenant_a, people["answerer"])
    url = f"/community/answers/{people['a'].pk}/vote/"
    own = client.post(url, {"value": "up"}, headers={"Accept": "application/json"})
    assert own.status_code == HTTPStatus.FORBIDDEN and own.json() == {"error": OWN_POST_VOTE}
    bad = client.post(url, {"value": "sideways"}, headers={"Accept": "application/json"})
    assert bad.status_code == HTTPStatus.BAD_REQUEST and bad.json() == {"error": BAD_VALUE}
    page = client.post(url, {"value": "up"})
    assert [str(m) for m in page.wsgi_request._messages] == [OWN_POST_VOTE]
    assert client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert _score(tenant_a, people["a"]) == 0


def test_visitors_are_sent_to_sign_in(client_a, people):
    url = f"/community/answers/{people['a'].pk}/vote/"
    response = client_a.post(url, {"value": "up"})
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]
    fetch = client_a.post(url, {"value": "up"}, headers={"Accept": "application/json"})
    assert fetch.status_code == HTTPStatus.FORBIDDEN and fetch.json()["error"] == SIGN_IN


def test_portal_a_posts_are_not_found_on_portal_b(
    client_b, tenant_a, tenant_b, people, member_factory
):
    member = member_factory(tenant_b)
    client = _signed_in(client_b, tenant_b, member)
    with tenant_b.activate():
        assert not Answer.objects.filter(pk=people["a"].pk).exists()
        assert not Question.objects.filter(pk=people["q"].pk).exists()
    for url in (
        f"/community/answers/{people['a'].pk}/vote/",
        f"/community/questions/{people['q'].pk}/vote/",
    ):
        assert client.post(url, {"value": "up"}).status_code == HTTPStatus.NOT_FOUND
    assert _score(tenant_a, people["a"]) == 0


# The template ------------------------------------------------------------------------------


def test_the_vote_buttons_have_names_and_show_the_viewers_vote(tenant_a, people):
    with tenant_a.activate():
        vote_cast(member=people["voter"], answer=people["a"], value=1)
        answer = Answer.objects.get(pk=people["a"].pk)
        answer.viewer_vote = 1  # as the question page's selector sets it
        request = RequestFactory().get("/")
        request.user = people["voter"]
        html = render_to_string(
            "community/includes/vote.html", {"post": answer, "kind": "answer"}, request=request
        )
    assert "Vote up (this answer is useful)" in html
    assert "Vote down (this answer is not useful)" in html
    assert html.count('aria-pressed="true"') == 1 and html.count('aria-pressed="false"') == 1
    assert "press “Vote up” again to withdraw your vote" in html
    assert f'action="/community/answers/{answer.pk}/vote/"' in html
    assert 'name="csrfmiddlewaretoken" value="' in html and 'value=""' not in html
    assert 'aria-live="polite"' in html


# Races -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_votes_on_one_answer_count_exactly(fresh_tenant):
    """200 members vote up one answer at once: 50 threads (50 connections: the machine's
    PostgreSQL allows 100 for every test run at once), each casting 4 votes in a row, all
    released together by a barrier. The score is exactly 200, the author's reputation exactly
    200 x 10, and the recompute finds no drift."""
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        asker = make_member(email="asker@example.com")
        answerer = make_member(email="answerer@example.com")
        voters = [make_member(email=f"voter{n}@example.com") for n in range(200)]
        question = make_question(author=asker)
        answer = make_answer(question=question, author=answerer)
        answer = Answer.objects.select_related("question").get(pk=answer.pk)

    def votes(members):
        for member in members:
            vote_cast(member=member, answer=answer, value=1)

    errors = race(tenant, [lambda chunk=voters[n::50]: votes(chunk) for n in range(50)])
    assert errors == []
    with tenant.activate():
        assert Answer.objects.get(pk=answer.pk).score == 200
        assert Vote.objects.filter(answer=answer).count() == 200
        assert MemberReputation.objects.get(member=answerer).total == 200 * 10
        assert ReputationEvent.objects.filter(member=answerer).count() == 200
        assert reputation_recompute() == []
