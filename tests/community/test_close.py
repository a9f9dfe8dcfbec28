"""Closing questions, as duplicates or for other reasons, and reopening them: who may, what is
refused and why, the moderation log, the banner and form include, isolation and a race."""

from __future__ import annotations

from http import HTTPStatus

from django.template.loader import render_to_string
from django.test import RequestFactory

import pytest

from community.close_services import (
    ALREADY_CLOSED,
    CLOSED_NO_ANSWERS,
    DUPLICATE_ITSELF,
    DUPLICATE_NEEDED,
    NOT_CLOSED,
    closed_answer_refusal,
    question_close,
    question_reopen,
)
from community.models import ModerationAction, Question, Suspension
from community.permissions import CommunityError
from tests.concurrency import race
from tests.factories.community_lists import give_reputation, make_moderator, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def asker(tenant_a, member_factory):
    return member_factory(tenant_a, display_name="Ada Asker")


@pytest.fixture
def questions(tenant_a, asker):
    with tenant_a.activate():
        original = make_question(author=asker, title="How do I rotate the API key?")
        copy = make_question(author=asker, title="Rotate API key how")
    return original, copy


@pytest.fixture
def veteran(tenant_a, member_factory):
    """A member with the reputation to close (the default threshold is 1000)."""
    member = member_factory(tenant_a, display_name="Vera Veteran")
    with tenant_a.activate():
        give_reputation(member=member, total=1000)
    return member


def _login(client, tenant, user) -> None:
    with tenant.activate():
        client.force_login(user)


def _reload(tenant, question) -> Question:
    with tenant.activate():
        return Question.objects.get(pk=question.pk)


def test_a_member_with_enough_reputation_closes_a_question_as_a_duplicate_by_url(
    client_a, tenant_a, questions, veteran
):
    original, copy = questions
    _login(client_a, tenant_a, veteran)
    response = client_a.post(
        f"/community/questions/{copy.pk}/close/",
        {
            "reason": "duplicate",
            "duplicate": f"https://a.localhost/community/questions/{original.pk}/",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/community/questions/{copy.pk}/"
    closed = _reload(tenant_a, copy)
    assert closed.closed_at is not None and closed.closed_by_id == veteran.pk
    assert closed.duplicate_of_id == original.pk
    assert closed.close_reason == "A duplicate of another question"
    with tenant_a.activate():
        assert not ModerationAction.objects.exists()  # a member, not a moderator


def test_too_little_reputation_is_refused_with_the_reason(
    client_a, tenant_a, questions, member_factory
):
    _, copy = questions
    member = member_factory(tenant_a)
    with tenant_a.activate():
        give_reputation(member=member, total=999)
    _login(client_a, tenant_a, member)
    page = client_a.get(f"/community/questions/{copy.pk}/close/").content.decode()
    assert "You need 1000 reputation to close questions (you have 999)." in page
    assert 'name="reason"' not in page
    response = client_a.post(f"/community/questions/{copy.pk}/close/", {"reason": "unclear"})
    assert response.status_code == HTTPStatus.OK
    assert _reload(tenant_a, copy).closed_at is None


def test_a_moderator_may_close_without_reputation_and_it_is_logged(
    client_a, tenant_a, questions, member_factory, asker
):
    _, copy = questions
    with tenant_a.activate():
        moderator = make_moderator(member=member_factory(tenant_a))
    _login(client_a, tenant_a, moderator)
    response = client_a.post(f"/community/questions/{copy.pk}/close/", {"reason": "off_topic"})
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        action = ModerationAction.objects.get()
        assert action.action == ModerationAction.Action.CLOSE
        assert action.moderator_id == moderator.pk and action.member_id == asker.pk
        assert action.question_id == copy.pk and "Off-topic" in action.reason
    response = client_a.post(f"/community/questions/{copy.pk}/reopen/")
    assert response.status_code == HTTPStatus.FOUND
    assert _reload(tenant_a, copy).closed_at is None
    with tenant_a.activate():
        assert ModerationAction.objects.filter(action=ModerationAction.Action.REOPEN).count() == 1


def test_a_question_cannot_be_a_duplicate_of_itself(client_a, tenant_a, questions, veteran):
    _, copy = questions
    _login(client_a, tenant_a, veteran)
    response = client_a.post(
        f"/community/questions/{copy.pk}/close/", {"reason": "duplicate", "duplicate": str(copy.pk)}
    )
    assert response.status_code == HTTPStatus.OK
    assert DUPLICATE_ITSELF in response.content.decode()
    assert _reload(tenant_a, copy).closed_at is None


def test_a_duplicate_chain_leading_back_is_refused(tenant_a, asker, veteran):
    with tenant_a.activate():
        first = make_question(author=asker, title="First")
        second = make_question(author=asker, title="Second")
        third = make_question(author=asker, title="Third")
        question_close(member=veteran, question=second, reason="duplicate", duplicate_of=first)
        question_close(member=veteran, question=third, reason="duplicate", duplicate_of=second)
        with pytest.raises(CommunityError, match="leading back to this question"):
            question_close(member=veteran, question=first, reason="duplicate", duplicate_of=third)
        assert Question.objects.get(pk=first.pk).closed_at is None


@pytest.mark.parametrize(
    ("duplicate", "message"),
    [
        ("", DUPLICATE_NEEDED),
        ("999999", "There is no question 999999"),
        ("not a question", "There is no question not a question"),
        ("https://evil.example/elsewhere", "There is no question"),
        ("99999999999999", "There is no question"),
    ],
)
def test_a_missing_duplicate_is_a_clear_form_error(
    client_a, tenant_a, questions, veteran, duplicate, message
):
    _, copy = questions
    _login(client_a, tenant_a, veteran)
    response = client_a.post(
        f"/community/questions/{copy.pk}/close/", {"reason": "duplicate", "duplicate": duplicate}
    )
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert _reload(tenant_a, copy).closed_at is None


def test_a_hidden_question_cannot_be_the_original(client_a, tenant_a, questions, veteran):
    original, copy = questions
    with tenant_a.activate():
        Question.objects.filter(pk=original.pk).update(hidden_at=original.created_at)
    _login(client_a, tenant_a, veteran)
    response = client_a.post(
        f"/community/questions/{copy.pk}/close/",
        {"reason": "duplicate", "duplicate": f"#{original.pk}"},
    )
    assert "There is no question" in response.content.decode()


def test_unknown_reasons_and_double_closing_are_refused(tenant_a, questions, veteran):
    original, copy = questions
    with tenant_a.activate():
        with pytest.raises(CommunityError):
            question_close(member=veteran, question=copy, reason="because")
        question_close(member=veteran, question=copy, reason="unclear")
        with pytest.raises(CommunityError, match=ALREADY_CLOSED):
            question_close(member=veteran, question=copy, reason="unclear")
        with pytest.raises(CommunityError, match=NOT_CLOSED):
            question_reopen(member=veteran, question=original)


def test_a_suspended_member_may_not_close(tenant_a, questions, veteran):
    _, copy = questions
    with tenant_a.activate():
        Suspension.objects.create(member=veteran, reason="Rude answers.")
        with pytest.raises(CommunityError, match="suspended"):
            question_close(member=veteran, question=copy, reason="unclear")


def test_closed_questions_refuse_answers_with_the_shared_message(tenant_a, questions, veteran):
    original, copy = questions
    with tenant_a.activate():
        assert closed_answer_refusal(question=copy) is None
        closed = question_close(
            member=veteran, question=copy, reason="duplicate", duplicate_of=original
        )
        assert closed_answer_refusal(question=closed) == CLOSED_NO_ANSWERS


def test_signed_out_visitors_are_sent_to_sign_in_and_reopen_needs_post(client_a, questions):
    _, copy = questions
    response = client_a.post(f"/community/questions/{copy.pk}/close/", {"reason": "unclear"})
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]


def test_reopen_is_post_only_and_refusals_become_messages(client_a, tenant_a, questions, veteran):
    _, copy = questions
    _login(client_a, tenant_a, veteran)
    assert client_a.get(f"/community/questions/{copy.pk}/reopen/").status_code == 405
    response = client_a.post(f"/community/questions/{copy.pk}/reopen/", follow=False)
    assert response.status_code == HTTPStatus.FOUND  # the message says it is open already


def _render_include(tenant, question, viewer) -> str:
    request = RequestFactory().get("/")
    request.user = viewer
    with tenant.activate():
        question = Question.objects.select_related("duplicate_of", "closed_by").get(pk=question.pk)
        return render_to_string(
            "community/includes/close.html", {"question": question, "viewer": viewer}, request
        )


def test_the_include_shows_the_banner_to_everyone_and_the_form_to_those_allowed(
    tenant_a, questions, veteran, member_factory
):
    from django.contrib.auth.models import AnonymousUser

    original, copy = questions
    newcomer = member_factory(tenant_a)
    open_for_veteran = _render_include(tenant_a, copy, veteran)
    assert "<details" in open_for_veteran and "Close this question" in open_for_veteran
    assert "Close this question" not in _render_include(tenant_a, copy, newcomer)
    with tenant_a.activate():
        question_close(member=veteran, question=copy, reason="duplicate", duplicate_of=original)
    for viewer in (AnonymousUser(), newcomer, veteran):
        html = _render_include(tenant_a, copy, viewer)
        assert "Closed as a duplicate of" in html
        assert (
            f'<a href="/community/questions/{original.pk}/">How do I rotate the API key?</a>'
            in html
        )
        assert ("Reopen the question" in html) == (viewer is veteran)


def test_another_portals_question_cannot_be_closed(client_b, tenant_b, questions, member_factory):
    _, copy = questions
    member = member_factory(tenant_b)
    with tenant_b.activate():
        give_reputation(member=member, total=5000)
    _login(client_b, tenant_b, member)
    assert (
        client_b.get(f"/community/questions/{copy.pk}/close/").status_code == HTTPStatus.NOT_FOUND
    )
    response = client_b.post(f"/community/questions/{copy.pk}/close/", {"reason": "unclear"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert (
        client_b.post(f"/community/questions/{copy.pk}/reopen/").status_code == HTTPStatus.NOT_FOUND
    )


def test_closing_two_questions_as_duplicates_of_each_other_at_once_makes_no_loop(fresh_tenant):
    tenant = fresh_tenant()
    from tests.factories.accounts import make_member

    with tenant.activate():
        closer = make_member(email="closer@fresh.localhost")
        give_reputation(member=closer, total=1000)
        first = make_question(author=closer, title="First copy")
        second = make_question(author=closer, title="Second copy")
    errors = race(
        tenant,
        [
            lambda: question_close(
                member=closer, question=first, reason="duplicate", duplicate_of=second
            ),
            lambda: question_close(
                member=closer, question=second, reason="duplicate", duplicate_of=first
            ),
        ],
    )
    assert len(errors) == 1 and isinstance(errors[0], CommunityError)
    with tenant.activate():
        assert Question.objects.filter(closed_at__isnull=False).count() == 1
