"""Asking, answering, commenting and editing through real requests on the portal's host:
revisions, rendered bodies, counters, who may post (certified answerers, suspended members,
new accounts, bots), the live preview, hidden posts, tenant isolation and races."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

from django.contrib.auth.models import Permission
from django.test import Client
from django.utils.html import escape

import pytest

from community.forms import HONEYPOT_TRIPPED
from community.models import (
    Answer,
    Comment,
    MemberReputation,
    ModerationAction,
    Question,
    Revision,
    Suspension,
)
from community.permissions import NOT_CERTIFIED_ANY, RATE_LIMITED, REPUTATION_NEEDED
from community.post_services import (
    COMMENT_LENGTH,
    NOTHING_CHANGED,
    QUESTION_CLOSED,
    TAGS_UNKNOWN,
    TITLE_LENGTH,
    answer_create,
    question_edit,
)
from community.post_views import PREVIEW_TOO_LONG
from tests.concurrency import race
from tests.factories.community import (
    BODY,
    certified_member,
    community_member,
    make_answer,
    make_comment,
    make_question,
    make_tag,
)
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db

TITLE = "How do I rotate the agent's API key without downtime?"
REMARK = {"body": "One more remark here.", "website": ""}
MARKDOWN = "I tried **this** and <script>alert(1)</script> and [docs](javascript:alert(1)) too."


def _ask(client, **data):
    payload = {"title": TITLE, "body": MARKDOWN, "tags": "Deployment", "page": "", "website": ""}
    payload.update(data)
    return client.post("/community/ask/", payload)


def _login(client, tenant, member):
    with tenant.activate():
        client.force_login(member)
    return client


def test_asking_stores_revision_one_a_sanitised_body_tags_and_a_search_vector(
    clock, tenant_a, asker_client, asker
):
    with tenant_a.activate():
        make_tag(name="Deployment")
        course = make_course(title="Agent basics", lessons=1)
    response = _ask(asker_client, page=str(course.pk))
    with tenant_a.activate():
        question = Question.objects.get()
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == f"/community/questions/{question.pk}/"
        assert question.author == asker and question.title == TITLE
        assert question.page_id == course.pk
        assert [t.name for t in question.tags.all()] == ["Deployment"]
        assert "<strong>this</strong>" in question.body_html
        assert "<script" not in question.body_html
        assert 'href="javascript' not in question.body_html
        (revision,) = Revision.objects.filter(question=question)
        assert (revision.number, revision.body_md, revision.tag_names) == (
            1,
            MARKDOWN,
            "Deployment",
        )
        assert Question.objects.filter(pk=question.pk, search_vector__isnull=False).exists()
    page = asker_client.get(response["Location"])
    assert page.status_code == HTTPStatus.OK
    assert "<strong>this</strong>" in page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tags": "Deployment, Kubernetes"}, TAGS_UNKNOWN.format(names="“Kubernetes”")),
        ({"tags": ""}, "This field is required."),
        ({"tags": "a, b, c, d, e, f"}, "Choose 1 to 5 tags."),
        ({"title": "Too short"}, "Ensure this value has at least 15 characters"),
        ({"title": "Why" + " " * 20 + "?"}, TITLE_LENGTH),
        ({"body": "short"}, "Ensure this value has at least 30 characters"),
        ({"page": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_questions_get_a_clear_message_and_change_nothing(
    tenant_a, asker_client, data, message
):
    with tenant_a.activate():
        make_tag(name="Deployment")
    response = _ask(asker_client, **data)
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    with tenant_a.activate():
        assert not Question.objects.exists() and not Revision.objects.exists()


def test_a_bot_filling_the_honeypot_gets_a_generic_error_and_nothing_is_created(
    tenant_a, asker_client
):
    with tenant_a.activate():
        make_tag(name="Deployment")
    response = _ask(asker_client, website="http://spam.example")
    assert response.status_code == HTTPStatus.OK
    assert HONEYPOT_TRIPPED in response.content.decode()
    with tenant_a.activate():
        assert not Question.objects.exists()


def test_the_ask_page_hides_its_honeypot_and_offers_live_courses(tenant_a, asker_client):
    with tenant_a.activate():
        make_course(title="Agent basics", lessons=2)
    body = asker_client.get("/community/ask/").content.decode()
    assert 'class="qa-hp"' in body and 'name="website"' in body and 'tabindex="-1"' in body
    assert "Agent basics" in body and "Agent basics › " in body
    assert 'aria-live="polite"' in body


def test_visitors_are_sent_to_sign_in_to_ask(client_a):
    response = client_a.get("/community/ask/")
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]


def test_a_suspended_member_cannot_ask_answer_or_comment(tenant_a, asker, asker_client, expert):
    with tenant_a.activate():
        make_tag(name="Deployment")
        question = make_question(author=expert)
        Suspension.objects.create(member=asker, reason="Repeated spam links.")
        expert_answer = make_answer(question=question, author=expert)
    response = _ask(asker_client)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Repeated spam links." in response.content.decode()
    page = asker_client.get(f"/community/questions/{question.pk}/").content.decode()
    assert "Your community access is suspended" in page
    assert "Add a comment" not in page
    comment = asker_client.post(
        f"/community/answers/{expert_answer.pk}/comment/", {"body": "A" * 20, "website": ""}
    )
    assert comment.status_code == HTTPStatus.BAD_REQUEST
    assert "Repeated spam links." in comment.content.decode()
    with tenant_a.activate():
        assert Question.objects.count() == 1 and not Comment.objects.exists()


def test_an_uncertified_members_answer_is_refused_with_a_clear_message(
    tenant_a, asker, asker_client, expert
):
    with tenant_a.activate():
        question = make_question(author=expert)
    page = asker_client.get(f"/community/questions/{question.pk}/").content.decode()
    assert NOT_CERTIFIED_ANY in page and 'href="/certification/"' in page
    assert f'action="/community/questions/{question.pk}/answer/"' not in page
    response = asker_client.post(
        f"/community/questions/{question.pk}/answer/", {"body": BODY, "website": ""}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert NOT_CERTIFIED_ANY in response.content.decode()
    with tenant_a.activate():
        assert not Answer.objects.exists()
        assert Question.objects.get().answer_count == 0


def test_visitors_are_told_to_sign_in_or_get_certified(tenant_a, client_a, expert):
    with tenant_a.activate():
        question = make_question(author=expert)
    page = client_a.get(f"/community/questions/{question.pk}/").content.decode()
    assert "/accounts/login/?next=/community/questions/" in page
    assert 'href="/certification/"' in page and "Sign in</a> to comment" in page


def test_a_certified_member_answers_and_the_counters_move(clock, tenant_a, asker, expert, client_a):
    with tenant_a.activate():
        question = make_question(author=asker)
    _login(client_a, tenant_a, expert)
    clock.shift(timedelta(hours=2))
    response = client_a.post(
        f"/community/questions/{question.pk}/answer/", {"body": BODY, "website": ""}
    )
    with tenant_a.activate():
        answer = Answer.objects.get()
        question.refresh_from_db()
        assert response["Location"] == f"/community/questions/{question.pk}/#answer-{answer.pk}"
        assert question.answer_count == 1
        assert question.first_answer_at == answer.created_at == question.last_activity_at
        assert Revision.objects.get(answer=answer).number == 1
        assert Answer.objects.filter(search_vector__isnull=False).count() == 1


def test_a_closed_question_takes_no_answers(tenant_a, asker, expert):
    with tenant_a.activate():
        question = make_question(author=asker)
        Question.objects.filter(pk=question.pk).update(closed_at=question.created_at)
        question.refresh_from_db()
        with pytest.raises(Exception, match=QUESTION_CLOSED):
            answer_create(question=question, author=expert, body_md=BODY)


def test_a_bot_answering_through_the_honeypot_is_refused(tenant_a, asker, expert, client_a):
    with tenant_a.activate():
        question = make_question(author=asker)
    _login(client_a, tenant_a, expert)
    response = client_a.post(
        f"/community/questions/{question.pk}/answer/", {"body": BODY, "website": "x"}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert HONEYPOT_TRIPPED in response.content.decode()
    with tenant_a.activate():
        assert not Answer.objects.exists()


def test_new_accounts_are_rate_limited(clock, tenant_a, client_a):
    newcomer = community_member(tenant_a, days_old=1)
    with tenant_a.activate():
        question = make_question(author=newcomer)
        for _ in range(4):
            make_comment(author=newcomer, question=question)
    _login(client_a, tenant_a, newcomer)
    response = client_a.post(
        f"/community/questions/{question.pk}/comment/",
        {"body": "One more remark here.", "website": ""},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert RATE_LIMITED.format(limit=5) in response.content.decode()
    clock.shift(timedelta(hours=1, minutes=1))
    response = client_a.post(
        f"/community/questions/{question.pk}/comment/",
        {"body": "One more remark here.", "website": ""},
    )
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        assert Comment.objects.count() == 5


def test_comments_on_questions_and_answers_count_and_render_inline(
    tenant_a, asker, expert, client_a
):
    with tenant_a.activate():
        question = make_question(author=asker)
        answer = make_answer(question=question, author=expert)
    _login(client_a, tenant_a, asker)
    client_a.post(
        f"/community/questions/{question.pk}/comment/",
        {"body": "Which **version** are you on?", "website": ""},
    )
    response = client_a.post(
        f"/community/answers/{answer.pk}/comment/",
        {"body": "Thanks, [see also](https://example.com)!", "website": ""},
    )
    with tenant_a.activate():
        first, second = Comment.objects.order_by("pk")
        question.refresh_from_db()
        answer.refresh_from_db()
        assert response["Location"].endswith(f"#comment-{second.pk}")
        assert (question.comment_count, answer.comment_count) == (1, 1)
        assert first.body_html == "Which <strong>version</strong> are you on?"
        assert 'rel="nofollow ugc"' in second.body_html and "<p>" not in second.body_html


def test_a_too_short_comment_is_explained_on_the_page(tenant_a, asker, expert, client_a):
    with tenant_a.activate():
        question = make_question(author=asker)
    _login(client_a, tenant_a, expert)
    response = client_a.post(
        f"/community/questions/{question.pk}/comment/", {"body": "+1", "website": ""}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.content.decode()
    assert "Ensure this value has at least 15 characters" in body
    assert '<details class="qa-comment-form" open>' in body
    with tenant_a.activate():
        assert not Comment.objects.exists()
    assert COMMENT_LENGTH  # the service's own message for direct calls


def test_authors_edit_their_question_and_the_history_keeps_every_version(
    clock, tenant_a, asker, asker_client
):
    with tenant_a.activate():
        make_tag(name="Networking")
        question = make_question(author=asker, title="How do I open the agent's port?")
    clock.shift(timedelta(minutes=5))
    response = asker_client.post(
        f"/community/questions/{question.pk}/edit/",
        {
            "title": "How do I open the agent's port on Windows?",
            "body": BODY + "\n\nAdded: Windows Server 2025.",
            "tags": "Deployment, Networking",
            "summary": "Named the platform",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        question.refresh_from_db()
        assert question.title.endswith("on Windows?") and question.edited_at is not None
        assert "Windows Server 2025" in question.body_html
        assert sorted(t.name for t in question.tags.all()) == ["Deployment", "Networking"]
        assert list(
            Revision.objects.filter(question=question).values_list("number", flat=True)
        ) == [
            1,
            2,
        ]
    history = asker_client.get(f"/community/questions/{question.pk}/revisions/")
    body = history.content.decode()
    assert history.status_code == HTTPStatus.OK
    assert "Version 2" in body and "Version 1 (first post)" in body and "Named the platform" in body
    assert "Added: </span>Added: Windows Server 2025." in body


def test_an_edit_that_changes_nothing_is_refused(tenant_a, asker):
    with tenant_a.activate():
        question = make_question(author=asker, title="How do I open the agent's port?")
        with pytest.raises(Exception, match=NOTHING_CHANGED):
            question_edit(
                question=question,
                editor=asker,
                title=question.title,
                body_md=question.body_md,
                tag_names=["Deployment"],
            )
        assert Revision.objects.count() == 1


def test_editing_others_posts_needs_the_reputation_and_moderators_are_logged(
    tenant_a, asker, expert, client_a
):
    with tenant_a.activate():
        question = make_question(author=asker)
        answer = make_answer(question=question, author=expert)
    _login(client_a, tenant_a, asker)
    page = client_a.get(f"/community/questions/{question.pk}/").content.decode()
    assert f"/community/answers/{answer.pk}/edit/" not in page
    refused = client_a.post(
        f"/community/answers/{answer.pk}/edit/", {"body": BODY + " Improved.", "summary": ""}
    )
    assert refused.status_code == HTTPStatus.FORBIDDEN
    needed = REPUTATION_NEEDED.format(needed=500, action="edit others' posts", have=0)
    assert escape(needed) in refused.content.decode()
    with tenant_a.activate():
        MemberReputation.objects.create(member=asker, total=500)
    assert client_a.get(f"/community/answers/{answer.pk}/edit/").status_code == HTTPStatus.OK
    allowed = client_a.post(
        f"/community/answers/{answer.pk}/edit/", {"body": BODY + " Improved.", "summary": "typo"}
    )
    assert allowed.status_code == HTTPStatus.FOUND
    moderator = community_member(tenant_a)
    with tenant_a.activate():
        moderator.user_permissions.add(Permission.objects.get(codename="moderate_community"))
    _login(client_a, tenant_a, moderator)
    client_a.post(
        f"/community/answers/{answer.pk}/edit/", {"body": BODY + " Moderated.", "summary": ""}
    )
    with tenant_a.activate():
        assert list(Revision.objects.filter(answer=answer).values_list("number", flat=True)) == [
            1,
            2,
            3,
        ]
        (action,) = ModerationAction.objects.all()
        assert (action.action, action.moderator, action.member, action.answer) == (
            "edit",
            moderator,
            expert,
            answer,
        )


def test_the_preview_renders_with_the_same_sanitiser(tenant_a, asker_client, client_a):
    response = asker_client.post("/community/preview/", {"body": MARKDOWN})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/html")
    assert "<strong>this</strong>" in response.content.decode()
    assert "<script" not in response.content.decode()
    inline = asker_client.post("/community/preview/", {"body": "**x**", "mode": "inline"})
    assert inline.content.decode() == "<strong>x</strong>"
    too_long = asker_client.post("/community/preview/", {"body": "x" * 20_001})
    assert too_long.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert too_long.content.decode() == PREVIEW_TOO_LONG
    assert asker_client.get("/community/preview/").status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_preview_needs_a_member_and_a_csrf_token(tenant_a, asker):
    visitor = Client(HTTP_HOST=tenant_a.domain)
    assert visitor.post("/community/preview/", {"body": "x"}).status_code == HTTPStatus.FORBIDDEN
    strict = Client(HTTP_HOST=tenant_a.domain, enforce_csrf_checks=True)
    _login(strict, tenant_a, asker)
    assert strict.post("/community/preview/", {"body": "x"}).status_code == HTTPStatus.FORBIDDEN


def test_hidden_posts_are_a_404_for_others_but_not_for_their_author(
    tenant_a, asker, asker_client, expert
):
    with tenant_a.activate():
        question = make_question(author=asker)
        Question.objects.filter(pk=question.pk).update(hidden_at=question.created_at)
    path = f"/community/questions/{question.pk}/"
    visitor = Client(HTTP_HOST=tenant_a.domain)
    other = _login(Client(HTTP_HOST=tenant_a.domain), tenant_a, expert)
    for client in (visitor, other):
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND
        assert client.get(path + "revisions/").status_code == HTTPStatus.NOT_FOUND
    page = asker_client.get(f"/community/questions/{question.pk}/")
    assert page.status_code == HTTPStatus.OK and "Hidden by a moderator." in page.content.decode()


def _post_urls(question, answer):
    q, a = question.pk, answer.pk
    return [
        ("get", f"/community/questions/{q}/"),
        ("get", f"/community/questions/{q}/edit/"),
        ("get", f"/community/questions/{q}/revisions/"),
        ("post", f"/community/questions/{q}/answer/"),
        ("post", f"/community/questions/{q}/comment/"),
        ("get", f"/community/answers/{a}/edit/"),
        ("get", f"/community/answers/{a}/revisions/"),
        ("post", f"/community/answers/{a}/comment/"),
    ]


def test_portal_a_posts_are_not_found_on_portal_b(tenant_a, tenant_b, asker, expert, client_b):
    with tenant_a.activate():
        question = make_question(author=asker)
        answer = make_answer(question=question, author=expert)
    member_b = certified_member(tenant_b)
    _login(client_b, tenant_b, member_b)
    for method, url in _post_urls(question, answer):
        data = {"body": BODY, "website": ""} if method == "post" else None
        response = getattr(client_b, method)(url, data)
        assert response.status_code == HTTPStatus.NOT_FOUND, url
    with tenant_b.activate():
        assert not Answer.objects.exists() and not Comment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_and_edits_keep_counts_and_revision_numbers_exact(fresh_tenant):
    tenant = fresh_tenant()
    asker = community_member(tenant)
    with tenant.activate():
        from tests.factories.certification import make_certification

        certification = make_certification(name="Race")
    answerers = [certified_member(tenant, certification=certification) for _ in range(6)]
    with tenant.activate():
        question = make_question(author=asker)
    errors = race(
        tenant,
        [lambda m=m: answer_create(question=question, author=m, body_md=BODY) for m in answerers],
    )
    assert errors == []
    edits = [
        lambda n=n: question_edit(
            question=question,
            editor=asker,
            title=f"How do I deploy the agent, edit number {n}?",
            body_md=BODY,
            tag_names=["Deployment"],
        )
        for n in range(4)
    ]
    assert race(tenant, edits) == []
    with tenant.activate():
        question.refresh_from_db()
        assert question.answer_count == Answer.objects.count() == 6
        numbers = list(Revision.objects.filter(question=question).values_list("number", flat=True))
        assert numbers == [1, 2, 3, 4, 5]


def test_staff_manage_tags_as_snippets_and_members_can_use_them(tenant_a, member_factory, client_a):
    staff = member_factory(tenant_a, staff=True, mfa=True)
    _login(client_a, tenant_a, staff)
    assert client_a.get("/admin/snippets/community/tag/").status_code == HTTPStatus.OK
    response = client_a.post(
        "/admin/snippets/community/tag/add/",
        {"name": "Kubernetes", "slug": "kubernetes", "description": "Clusters.", "course": ""},
    )
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        question = make_question(author=staff, tags=["kubernetes"])
        assert [tag.name for tag in question.tags.all()] == ["Kubernetes"]
