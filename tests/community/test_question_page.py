"""The question page: answers in order (accepted, score, oldest), comments, credentials beside
names and the marks of MVP and certified answers, the viewer's votes, hidden posts, no e-mail
shown, and a query budget that does not grow with 50 answers and their comments."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from certification.models import Badge
from community.models import Answer, Comment, Question, Vote
from community.post_selectors import question_page
from tests.factories.badges import give_badge, make_badge
from tests.factories.certification import make_certification
from tests.factories.community import (
    certified_member,
    community_member,
    make_answer,
    make_comment,
    make_question,
)

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12


def _login(client, tenant, member):
    with tenant.activate():
        client.force_login(member)
    return client


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


def _thread(tenant, *, answers: int, authors, asker, commenter):
    """A question with ``answers`` answers by ``authors`` in turn, two comments on each post,
    the last answer accepted and a few scores set."""
    with tenant.activate():
        question = make_question(author=asker)
        make_comment(author=commenter, question=question)
        make_comment(author=authors[0], question=question)
        made = []
        for number in range(answers):
            answer = make_answer(question=question, author=authors[number % len(authors)])
            make_comment(author=commenter, answer=answer)
            make_comment(author=asker, answer=answer)
            made.append(answer)
        Question.objects.filter(pk=question.pk).update(accepted_answer=made[-1])
        Answer.objects.filter(pk=made[0].pk).update(score=3)
        Vote.objects.create(member=commenter, question=question, value=1)
        Vote.objects.create(member=commenter, answer=made[0], value=-1)
    return question


def _measure(tenant, client, viewer: str) -> list[int]:
    with tenant.activate():
        certification = make_certification(name="Agent admin")
        mvp_badge = make_badge(name="MVP", kind=Badge.Kind.MVP)
    authors = [certified_member(tenant, certification=certification) for _ in range(3)]
    mvp = community_member(tenant)
    with tenant.activate():
        give_badge(member=mvp, badge=mvp_badge)
    authors.append(mvp)
    asker = community_member(tenant)
    commenter = community_member(tenant)
    if viewer == "member":
        _login(client, tenant, commenter)
    elif viewer == "certified":
        _login(client, tenant, authors[0])
    counts = []
    for answers in (1, 50):
        question = _thread(
            tenant, answers=answers, authors=authors, asker=asker, commenter=commenter
        )
        path = f"/community/questions/{question.pk}/"
        client.get(path)  # warm the per-portal caches (site root paths)
        counts.append(_queries(client, path))
    print(f"question page, {viewer}: {counts} queries for 1 and 50 answers with comments")
    return counts


@pytest.mark.parametrize("viewer", ["visitor", "member", "certified"])
def test_the_question_page_costs_the_same_for_1_or_50_answers_with_comments(
    tenant_a, client_a, viewer
):
    counts = _measure(tenant_a, client_a, viewer)
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "viewer",
    [
        "visitor",
        "member",
        "certified",
    ],
)
def test_the_question_page_with_50_answers_stays_within_the_budget(tenant_a, client_a, viewer):
    counts = _measure(tenant_a, client_a, viewer)
    assert max(counts) <= QUERY_BUDGET


def test_answers_come_accepted_first_then_by_score_then_oldest(tenant_a, client_a):
    certification_holder = certified_member(tenant_a)
    asker = community_member(tenant_a)
    with tenant_a.activate():
        question = make_question(author=asker)
        first, second, third, fourth = (
            make_answer(question=question, author=certification_holder, body=f"Answer {n} " * 5)
            for n in range(4)
        )
        Answer.objects.filter(pk=second.pk).update(score=5)
        Answer.objects.filter(pk=third.pk).update(score=5)
        Question.objects.filter(pk=question.pk).update(accepted_answer=fourth)
        page = question_page(question_id=question.pk, viewer=asker)
    assert [a.pk for a in page.answers] == [fourth.pk, second.pk, third.pk, first.pk]
    assert [a.is_accepted for a in page.answers] == [True, False, False, False]
    body = client_a.get(f"/community/questions/{question.pk}/").content.decode()
    assert body.index(f'id="answer-{fourth.pk}"') < body.index(f'id="answer-{second.pk}"')
    assert "Accepted answer" in body


def test_the_viewer_sees_their_own_votes_on_each_post(tenant_a):
    holder = certified_member(tenant_a)
    voter = community_member(tenant_a)
    with tenant_a.activate():
        question = make_question(author=holder)
        up, down, none = (make_answer(question=question, author=holder) for _ in range(3))
        Vote.objects.create(member=voter, question=question, value=1)
        Vote.objects.create(member=voter, answer=up, value=1)
        Vote.objects.create(member=voter, answer=down, value=-1)
        Vote.objects.create(member=holder, answer=none, value=1)  # someone else's vote
        page = question_page(question_id=question.pk, viewer=voter)
    votes = {answer.pk: answer.viewer_vote for answer in page.answers}
    assert page.question.viewer_vote == 1
    assert votes == {up.pk: 1, down.pk: -1, none.pk: 0}


def test_credentials_show_beside_names_and_mark_mvp_and_certified_answers(tenant_a, client_a):
    with tenant_a.activate():
        certification = make_certification(name="Agent admin")
        mvp_badge = make_badge(name="MVP", kind=Badge.Kind.MVP)
        expert_badge = make_badge(name="Networking Expert")
    holder = certified_member(
        tenant_a, certification=certification, display_name="Grace Holder", email="grace@a.test"
    )
    mvp = community_member(tenant_a, display_name="Mo Valuable", email="mo.secret@a.test")
    plain = community_member(tenant_a, display_name="Pat Plain")
    with tenant_a.activate():
        give_badge(member=mvp, badge=mvp_badge)
        give_badge(member=holder, badge=expert_badge)
        question = make_question(author=plain)
        make_answer(question=question, author=holder)
        make_answer(question=question, author=mvp)
    body = client_a.get(f"/community/questions/{question.pk}/").content.decode()
    assert "Certified: Agent admin" in body and "Expert: Networking Expert" in body
    assert ">MVP</a>" in body
    assert "Answer by an MVP" in body and "Answer by a certified member" in body
    assert "Grace Holder" in body and "Mo Valuable" in body and "Pat Plain" in body
    assert "@a.test" not in body and "mo.secret" not in body


def test_hidden_answers_and_comments_show_only_to_their_authors_and_moderators(tenant_a, client_a):
    holder = certified_member(tenant_a)
    asker = community_member(tenant_a)
    moderator = community_member(tenant_a)
    with tenant_a.activate():
        moderator.user_permissions.add(Permission.objects.get(codename="moderate_community"))
        question = make_question(author=asker)
        answer = make_answer(question=question, author=holder, body="The hidden answer text. " * 3)
        comment = make_comment(author=asker, question=question, body="A hidden remark here.")
        Answer.objects.filter(pk=answer.pk).update(hidden_at=answer.created_at)
        Comment.objects.filter(pk=comment.pk).update(hidden_at=comment.created_at)
    path = f"/community/questions/{question.pk}/"
    anonymous = client_a.get(path).content.decode()
    assert "The hidden answer text." not in anonymous and "A hidden remark" not in anonymous
    author_view = _login(client_a, tenant_a, holder).get(path).content.decode()
    assert "The hidden answer text." in author_view and "Hidden by a moderator" in author_view
    assert "A hidden remark" not in author_view
    moderator_view = _login(client_a, tenant_a, moderator).get(path).content.decode()
    assert "The hidden answer text." in moderator_view and "A hidden remark" in moderator_view


def test_titles_and_bodies_cannot_inject_markup(tenant_a, client_a):
    asker = community_member(tenant_a, display_name="<b>Mallory</b>")
    with tenant_a.activate():
        question = make_question(
            author=asker,
            title="<script>alert('title')</script> in the title?",
            body="<img src=x onerror=alert(1)> and [x](javascript:alert(1)) in the body.",
        )
    body = client_a.get(f"/community/questions/{question.pk}/").content.decode()
    assert "<script>alert('title')" not in body and "&lt;script&gt;" in body
    assert "<img src=x" not in body and 'href="javascript' not in body
    assert "<b>Mallory</b>" not in body and "&lt;b&gt;Mallory&lt;/b&gt;" in body


def test_an_unknown_question_is_a_404(client_a):
    assert client_a.get("/community/questions/999999/").status_code == HTTPStatus.NOT_FOUND


def _edit_many(question, author, times: int) -> None:
    from community.post_services import question_edit

    for number in range(times):
        question_edit(
            question=question,
            editor=author,
            title=f"How do I deploy the agent, version {number}?",
            body_md=f"{question.body_md}\n\nEdit {number}.",
            tag_names=["Deployment"],
        )


def test_the_ask_edit_and_history_pages_cost_the_same_for_few_or_many_items(tenant_a, client_a):
    from tests.factories.courses import make_course

    author = community_member(tenant_a)
    _login(client_a, tenant_a, author)
    counts: dict[str, list[int]] = {"ask": [], "edit": [], "history": [], "answer history": []}
    holder = certified_member(tenant_a)
    for size in (1, 20):
        with tenant_a.activate():
            make_course(title=f"Course {size}", lessons=size // 4 + 1)
            question = make_question(author=author)
            _edit_many(question, author, size)
            answer = make_answer(question=question, author=holder)
        client_a.get("/community/ask/")  # warm the per-portal caches
        counts["ask"].append(_queries(client_a, "/community/ask/"))
        counts["edit"].append(_queries(client_a, f"/community/questions/{question.pk}/edit/"))
        counts["history"].append(
            _queries(client_a, f"/community/questions/{question.pk}/revisions/")
        )
        counts["answer history"].append(
            _queries(client_a, f"/community/answers/{answer.pk}/revisions/")
        )
    print(counts)
    for page, (few, many) in counts.items():
        assert few == many, page
        assert many <= QUERY_BUDGET, page
