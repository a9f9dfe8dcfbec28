"""The moderation screens in the Wagtail admin: the queue and its actions, members' records,
warnings and suspensions, the log; who may open them, tenant isolation and query budgets."""

from http import HTTPStatus

from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from community.models import Flag, ModerationAction, Question, Suspension, Warning
from community.moderation_services import (
    ALREADY_HANDLED,
    HIDE_DONE,
    member_suspend,
    member_warn,
    post_hide,
)
from community.permissions import participation_refusal
from tests.factories.community_moderation import (
    make_answer,
    make_comment,
    make_flag,
    make_moderator,
    make_question,
)

pytestmark = pytest.mark.django_db

ADMIN = "/admin/community/moderation/"
QUERY_BUDGET = 12


@pytest.fixture
def people(tenant_a, member_factory):
    names = ("asker", "answerer", "reporter", "other")
    found = {name: member_factory(tenant_a, display_name=name.title()) for name in names}
    with tenant_a.activate():
        found["moderator"] = make_moderator(email="mod@a.localhost", display_name="Mo")
    return found


@pytest.fixture
def moderator_client(client_a, tenant_a, people):
    with tenant_a.activate():
        client_a.force_login(people["moderator"])
    return client_a


@pytest.fixture
def superuser_client(client_a, tenant_a, people):
    """The budgets are measured as a superuser, like the other admin screens' budgets: a
    moderator through a group adds Wagtail's own permission checks (see below)."""
    with tenant_a.activate():
        client_a.force_login(make_moderator(email="root@a.localhost", superuser=True))
    return client_a


@pytest.fixture
def flagged(tenant_a, people):
    """A question, an answer with a comment, each flagged; the answer twice."""
    with tenant_a.activate():
        question = make_question(author=people["asker"], title="Licence server keeps crashing")
        answer = make_answer(
            question=question, author=people["answerer"], body="Buy cheap keys at spam.example"
        )
        comment = make_comment(author=people["other"], answer=answer, body="You fool")
        flags = {
            "question": make_flag(reporter=people["reporter"], post=question, reason="off_topic"),
            "answer": make_flag(reporter=people["reporter"], post=answer, note="Shop link"),
            "answer2": make_flag(reporter=people["other"], post=answer),
            "comment": make_flag(reporter=people["reporter"], post=comment, reason="abusive"),
        }
    return {"question": question, "answer": answer, "comment": comment, "flags": flags}


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


def test_the_queue_lists_flagged_posts_oldest_first_with_counts_and_history(
    moderator_client, tenant_a, people, flagged
):
    with tenant_a.activate():
        member_warn(moderator=people["moderator"], member=people["answerer"], message="Stop")
    response = moderator_client.get(ADMIN)
    assert response.status_code == HTTPStatus.OK
    text = response.text
    question_at = text.index("Question “Licence server keeps crashing”")
    answer_at = text.index("Answer to “Licence server keeps crashing”")
    comment_at = text.index("Comment on “Licence server keeps crashing”")
    assert question_at < answer_at < comment_at
    assert "Spam: 2" in text and "Off-topic: 1" in text and "Rude or abusive: 1" in text
    assert "Buy cheap keys at spam.example" in text  # the excerpt, as plain text
    assert "1 earlier moderation action" in text  # the answerer's warning
    assert "“Shop link”" in text
    flags = flagged["flags"]
    assert f'value="{flags["answer"].pk},{flags["answer2"].pk}"' in text
    assert people["reporter"].email not in text and people["answerer"].email not in text


def test_the_queue_costs_the_same_for_3_or_30_flags(
    superuser_client, tenant_a, people, member_factory, django_assert_max_num_queries
):
    reporters = [member_factory(tenant_a) for _ in range(10)]
    counts = []
    for posts in (1, 10):
        with tenant_a.activate():
            Flag.objects.all().delete()
            for n in range(posts):
                question = make_question(author=people["asker"], title=f"Question {n}")
                answer = make_answer(question=question, author=people["answerer"])
                comment = make_comment(author=people["other"], question=question)
                for post in (question, answer, comment):
                    make_flag(reporter=reporters[n], post=post)
        superuser_client.get(ADMIN)  # warm the per-portal caches
        with django_assert_max_num_queries(QUERY_BUDGET):
            counts.append(_queries(superuser_client, ADMIN))
    assert counts[0] == counts[1]
    print(f"moderation queue: {counts[0]} queries")


def test_hiding_from_the_queue_updates_the_post_and_a_second_moderator_is_told(
    moderator_client, client_b, tenant_a, people, flagged
):
    answer, flags = flagged["answer"], flagged["flags"]
    url = f"{ADMIN}posts/answer/{answer.pk}/hide/"
    seen = f"{flags['answer'].pk},{flags['answer2'].pk}"
    missing = moderator_client.post(url, {"reason": "", "flag_ids": seen})
    assert missing.status_code == HTTPStatus.OK
    assert "Give a reason" in missing.text
    with tenant_a.activate():
        assert Question.objects.get().answer_count == 1
    response = moderator_client.post(url, {"reason": "Shop spam", "flag_ids": seen})
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == ADMIN
    assert _messages(response) == [HIDE_DONE]
    with tenant_a.activate():
        assert Question.objects.get().answer_count == 0
        assert set(Flag.objects.filter(answer=answer).values_list("status", flat=True)) == {
            "actioned"
        }
        assert ModerationAction.objects.get().reason == "Shop spam"
    again = moderator_client.post(f"{ADMIN}posts/answer/{answer.pk}/dismiss/", {"flag_ids": seen})
    assert again.status_code == HTTPStatus.FOUND
    assert _messages(again)[-1] == ALREADY_HANDLED
    with tenant_a.activate():
        assert ModerationAction.objects.count() == 1
    assert "Buy cheap keys" not in moderator_client.get(ADMIN).text


def test_dismiss_and_restore_from_the_admin(moderator_client, tenant_a, people, flagged):
    question = flagged["question"]
    response = moderator_client.post(
        f"{ADMIN}posts/question/{question.pk}/dismiss/",
        {"flag_ids": str(flagged["flags"]["question"].pk)},
    )
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        assert Flag.objects.get(question=question).status == "dismissed"
        post_hide(moderator=people["moderator"], post=flagged["comment"], reason="Rude")
    log = moderator_client.get(f"{ADMIN}log/")
    restore = f"{ADMIN}posts/comment/{flagged['comment'].pk}/restore/"
    assert restore in log.text
    assert moderator_client.get(restore).status_code == HTTPStatus.OK
    assert moderator_client.post(restore, {"reason": "Context"}).status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        flagged["comment"].refresh_from_db()
        assert flagged["comment"].hidden_at is None
        assert flagged["answer"].__class__.objects.get().comment_count == 1
    assert moderator_client.get(f"{ADMIN}posts/vote/1/hide/").status_code == HTTPStatus.NOT_FOUND


def test_warn_and_suspend_from_the_member_page(
    moderator_client, tenant_a, people, django_capture_on_commit_callbacks
):
    member = people["answerer"]
    page = f"{ADMIN}members/{member.pk}/"
    assert moderator_client.get(page).status_code == HTTPStatus.OK
    bad = moderator_client.post(f"{page}warn/", {"message": " "})
    assert bad.status_code == HTTPStatus.OK and "Write the warning" in bad.text
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(f"{page}warn/", {"message": "Be kind to newcomers."})
    assert response.status_code == HTTPStatus.FOUND
    for data, error in (
        ({"duration": "7", "reason": ""}, "Give the reason"),
        ({"duration": "12345", "reason": "x"}, "Select a valid choice"),
    ):
        bad = moderator_client.post(f"{page}suspend/", data)
        assert bad.status_code == HTTPStatus.OK and error in bad.text
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            f"{page}suspend/", {"duration": "30", "reason": "Third rude answer"}
        )
    assert response.status_code == HTTPStatus.FOUND
    assert "is suspended for 30 days" in _messages(response)[0]
    with tenant_a.activate():
        assert Warning.objects.get().message == "Be kind to newcomers."
        suspension = Suspension.objects.get()
        assert "Third rude answer" in participation_refusal(member=member)
    assert [len(m.to) for m in mail.outbox] == [1, 1]
    record = moderator_client.get(page).text
    assert "Be kind to newcomers." in record and "Third rude answer" in record
    assert "Suspended for 30 days" in record
    suspensions = moderator_client.get(f"{ADMIN}suspensions/").text
    assert "Third rude answer" in suspensions
    lift = moderator_client.post(f"{ADMIN}suspensions/{suspension.pk}/lift/", {"reason": ""})
    assert lift.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        assert participation_refusal(member=member) is None
    assert "Nobody is suspended." in moderator_client.get(f"{ADMIN}suspensions/").text


def test_a_moderator_cannot_suspend_staff_without_being_superuser(
    moderator_client, tenant_a, member_factory
):
    staff = member_factory(tenant_a, staff=True)
    page = f"{ADMIN}members/{staff.pk}/"
    assert "only a superuser can suspend them" in moderator_client.get(page).text
    response = moderator_client.post(f"{page}suspend/", {"duration": "7", "reason": "x"})
    assert response.status_code == HTTPStatus.OK
    assert "Only a superuser can suspend a member of staff." in response.text
    with tenant_a.activate():
        assert not Suspension.objects.exists()


def test_the_log_is_paginated_and_filtered(moderator_client, tenant_a, people):
    with tenant_a.activate():
        for n in range(55):
            member_warn(moderator=people["moderator"], member=people["other"], message=f"W{n}")
        member_suspend(moderator=people["moderator"], member=people["asker"], reason="Spam")
    first = moderator_client.get(f"{ADMIN}log/").text
    assert "Page 1 of 2" in first and "For good: Spam" in first
    second = moderator_client.get(f"{ADMIN}log/?p=2").text
    assert "Page 2 of 2" in second
    only = moderator_client.get(f"{ADMIN}log/?action=suspend").text
    assert "For good: Spam" in only and "W54" not in only
    assert moderator_client.get(f"{ADMIN}log/?p=abc&action=<x>").status_code == HTTPStatus.OK


@pytest.mark.parametrize("page", ["log/", "suspensions/", "members/{member}/"])
def test_the_other_screens_cost_the_same_for_few_or_many_rows(
    superuser_client, tenant_a, people, member_factory, django_assert_max_num_queries, page
):
    counts = []
    for extra in (1, 10):
        with tenant_a.activate():
            for n in range(extra):
                member = member_factory(tenant_a)
                question = make_question(author=people["asker"], title=f"Q{extra}-{n}")
                post_hide(moderator=people["moderator"], post=question, reason="Spam")
                member_warn(moderator=people["moderator"], member=people["asker"], message="W")
                member_suspend(moderator=people["moderator"], member=member, reason="Spam", days=3)
                member_suspend(
                    moderator=people["moderator"], member=people["asker"], reason="R", days=n + 1
                )
        path = ADMIN + page.format(member=people["asker"].pk)
        superuser_client.get(path)  # warm the per-portal caches
        with django_assert_max_num_queries(QUERY_BUDGET):
            counts.append(_queries(superuser_client, path))
    assert counts[0] == counts[1]
    print(f"{page}: {counts[0]} queries")


MODERATOR_BUDGET = 15  # QUERY_BUDGET and the three of Wagtail's sidebar


@pytest.mark.parametrize("page", ["", "log/", "suspensions/", "members/{member}/"])
def test_a_moderator_through_a_group_costs_three_more_queries_than_a_superuser(
    moderator_client, tenant_a, people, member_factory, page
):
    """Wagtail's sidebar checks a non-superuser's page, collection and site permissions (three
    queries of its own); the moderation screens add none for a moderator: ``is_moderator``
    reads the permissions Django has already loaded."""
    counts = []
    for extra in (1, 10):
        with tenant_a.activate():
            for n in range(extra):
                question = make_question(author=people["asker"], title=f"Q{extra}-{n}")
                make_flag(reporter=people["reporter"], post=question)
                member_warn(moderator=people["moderator"], member=people["asker"], message="W")
        path = ADMIN + page.format(member=people["asker"].pk)
        moderator_client.get(path)
        counts.append(_queries(moderator_client, path))
    assert counts[0] == counts[1] <= MODERATOR_BUDGET, counts
    print(f"moderator {page or 'queue'}: {counts[0]} queries")


def test_the_menu_shows_community_moderation_to_moderators_only(
    moderator_client, client_a, tenant_a
):
    home = moderator_client.get("/admin/").text
    for label in ("Community", "Moderation queue", "Suspensions", "Moderation log"):
        assert label in home
    with tenant_a.activate():
        editor = make_moderator(email="editor@a.localhost", moderate=False)
        client_a.force_login(editor)
    assert "Moderation queue" not in client_a.get("/admin/").text


def test_staff_without_the_permission_get_403_and_members_the_login(
    client_a, tenant_a, people, flagged, member_factory
):
    with tenant_a.activate():
        suspension = member_suspend(
            moderator=people["moderator"], member=people["other"], reason="Spam"
        )
        editor = make_moderator(email="editor@a.localhost", moderate=False)
    answer = flagged["answer"]
    gets = [
        ADMIN,
        f"{ADMIN}log/",
        f"{ADMIN}suspensions/",
        f"{ADMIN}members/{people['asker'].pk}/",
        f"{ADMIN}posts/answer/{answer.pk}/hide/",
        f"{ADMIN}suspensions/{suspension.pk}/lift/",
    ]
    posts = {
        f"{ADMIN}posts/answer/{answer.pk}/hide/": {"reason": "x"},
        f"{ADMIN}posts/answer/{answer.pk}/dismiss/": {},
        f"{ADMIN}members/{people['asker'].pk}/warn/": {"message": "x"},
        f"{ADMIN}members/{people['asker'].pk}/suspend/": {"duration": "7", "reason": "x"},
        f"{ADMIN}suspensions/{suspension.pk}/lift/": {},
    }
    with tenant_a.activate():
        client_a.force_login(editor)
    for url in gets:
        response = client_a.get(url)
        assert response.status_code == HTTPStatus.FORBIDDEN, url
        assert "Can moderate the community" in response.text
    for url, data in posts.items():
        assert client_a.post(url, data).status_code == HTTPStatus.FORBIDDEN, url
    member = member_factory(tenant_a, mfa=True)
    with tenant_a.activate():
        client_a.force_login(member)
    for url in gets:
        response = client_a.get(url)
        assert response.status_code == HTTPStatus.FOUND and "/login/" in response["Location"]
    with tenant_a.activate():
        assert ModerationAction.objects.count() == 1  # the suspension made above
        assert not Warning.objects.exists()
        assert Flag.objects.filter(status="open").count() == 4


def test_flags_posts_members_and_suspensions_of_a_are_not_found_in_bs_admin(
    client_b, tenant_a, tenant_b, people, flagged, member_factory
):
    with tenant_a.activate():
        suspension = member_suspend(
            moderator=people["moderator"], member=people["other"], reason="Only on A"
        )
    staff_b = member_factory(tenant_b, staff=True, mfa=True)
    with tenant_b.activate():
        client_b.force_login(staff_b)
    queue = client_b.get(ADMIN)
    assert queue.status_code == HTTPStatus.OK and "Licence server" not in queue.text
    assert "Only on A" not in client_b.get(f"{ADMIN}suspensions/?show=all").text
    answer = flagged["answer"]
    for action in ("hide", "dismiss", "restore"):
        url = f"{ADMIN}posts/answer/{answer.pk}/{action}/"
        assert client_b.get(url).status_code == HTTPStatus.NOT_FOUND
        assert client_b.post(url, {"reason": "x"}).status_code == HTTPStatus.NOT_FOUND
    url = f"{ADMIN}suspensions/{suspension.pk}/lift/"
    assert client_b.get(url).status_code == HTTPStatus.NOT_FOUND
    assert client_b.post(url, {"reason": "x"}).status_code == HTTPStatus.NOT_FOUND
    # Member ids are per portal: A's member's id is B's own member or nobody, never A's member.
    member = people["reporter"]
    with tenant_b.activate():
        same_id_on_b = get_user_model().objects.filter(pk=member.pk).exists()
    page = client_b.get(f"{ADMIN}members/{member.pk}/")
    if same_id_on_b:
        assert page.status_code == HTTPStatus.OK and member.email not in page.text
    else:
        assert page.status_code == HTTPStatus.NOT_FOUND
    assert client_b.get(f"{ADMIN}members/999999/").status_code == HTTPStatus.NOT_FOUND
    with tenant_a.activate():
        assert Flag.objects.filter(status="open").count() == 4
        assert Suspension.objects.get().lifted_at is None
