"""Moderation on the members' side and its services: flags, hide/restore, warnings and
suspensions (with the member's notice), the log, races and tenant isolation."""

import re
from datetime import UTC, datetime, timedelta
from http import HTTPStatus

from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from community.models import Flag, ModerationAction, Notification, Question, Suspension, Warning
from community.moderation_services import (
    ALREADY_HANDLED,
    ALREADY_HIDDEN,
    FLAG_DUPLICATE,
    FLAG_NOTE_NEEDED,
    FLAG_OWN_POST,
    FLAG_REASON_INVALID,
    FLAG_THANKS,
    NOT_HIDDEN,
    STAFF_ONLY_BY_SUPERUSER,
    ModerationError,
    flag_create,
    flag_dismiss,
    member_suspend,
    member_warn,
    post_hide,
    post_restore,
    suspension_lift,
)
from community.permissions import participation_refusal
from tests.concurrency import race
from tests.factories.community_moderation import (
    make_answer,
    make_comment,
    make_flag,
    make_moderator,
    make_question,
)

pytestmark = pytest.mark.django_db

START = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def people(tenant_a, member_factory):
    names = ("asker", "answerer", "reporter", "other")
    found = {name: member_factory(tenant_a, display_name=name.title()) for name in names}
    with tenant_a.activate():
        found["moderator"] = make_moderator(email="mod@a.localhost", display_name="Mo")
    return found


@pytest.fixture
def thread(tenant_a, people):
    """A question with one answer and a comment on each."""
    with tenant_a.activate():
        question = make_question(author=people["asker"])
        answer = make_answer(question=question, author=people["answerer"])
        return {
            "question": question,
            "answer": answer,
            "question_comment": make_comment(author=people["other"], question=question),
            "answer_comment": make_comment(author=people["other"], answer=answer),
        }


def _signed_in(client, tenant, member):
    with tenant.activate():
        client.force_login(member)
    return client


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# Flagging from the question page


def test_a_member_flags_an_answer_and_is_sent_back_to_it(client_a, tenant_a, people, thread):
    client = _signed_in(client_a, tenant_a, people["reporter"])
    answer = thread["answer"]
    response = client.post(
        f"/community/flag/answer/{answer.pk}/", {"reason": "abusive", "note": "Insults the asker"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/community/questions/{answer.question_id}/#answer-{answer.pk}"
    assert _messages(response) == [FLAG_THANKS]
    with tenant_a.activate():
        flag = Flag.objects.get()
        assert (flag.answer_id, flag.reporter_id) == (answer.pk, people["reporter"].pk)
        assert (flag.reason, flag.note, flag.status) == ("abusive", "Insults the asker", "open")


@pytest.mark.parametrize("kind", ["question", "question_comment", "answer_comment"])
def test_questions_and_comments_are_flagged_too(client_a, tenant_a, people, thread, kind):
    client = _signed_in(client_a, tenant_a, people["reporter"])
    post = thread[kind]
    url_kind = "question" if kind == "question" else "comment"
    response = client.post(f"/community/flag/{url_kind}/{post.pk}/", {"reason": "spam"})
    assert response.status_code == HTTPStatus.FOUND
    anchor = "" if kind == "question" else f"#comment-{post.pk}"
    assert response["Location"] == f"/community/questions/{thread['question'].pk}/{anchor}"
    with tenant_a.activate():
        assert Flag.objects.filter(**{url_kind: post}).count() == 1


def test_flagging_ones_own_post_is_refused_with_a_message(client_a, tenant_a, people, thread):
    client = _signed_in(client_a, tenant_a, people["answerer"])
    response = client.post(f"/community/flag/answer/{thread['answer'].pk}/", {"reason": "spam"})
    assert response.status_code == HTTPStatus.FOUND
    assert _messages(response) == [FLAG_OWN_POST]
    page = client.get(f"/community/flag/answer/{thread['answer'].pk}/")
    assert FLAG_OWN_POST in page.text and 'name="reason"' not in page.text
    with tenant_a.activate():
        assert not Flag.objects.exists()


def test_a_second_open_flag_on_the_same_post_is_refused_with_a_message(
    client_a, tenant_a, people, thread
):
    client = _signed_in(client_a, tenant_a, people["reporter"])
    url = f"/community/flag/question/{thread['question'].pk}/"
    client.post(url, {"reason": "spam"})
    response = client.post(url, {"reason": "off_topic"})
    assert _messages(response)[-1] == FLAG_DUPLICATE
    with tenant_a.activate():
        assert Flag.objects.count() == 1
        # Once a moderator dismissed it, the member may flag the post again.
        flag_dismiss(moderator=people["moderator"], post=thread["question"])
    client.post(url, {"reason": "off_topic"})
    with tenant_a.activate():
        assert list(Flag.objects.values_list("status", flat=True)) == ["dismissed", "open"]


def test_a_suspended_member_cannot_flag_and_is_told_why(client_a, tenant_a, people, thread):
    with tenant_a.activate():
        member_suspend(
            moderator=people["moderator"], member=people["reporter"], reason="Spam links", days=3
        )
    client = _signed_in(client_a, tenant_a, people["reporter"])
    url = f"/community/flag/answer/{thread['answer'].pk}/"
    response = client.post(url, {"reason": "spam"})
    (message,) = _messages(response)
    assert message.startswith("Your community access is suspended until")
    assert "Reason: Spam links" in message
    page = client.get(url)
    assert "Reason: Spam links" in page.text and 'name="reason"' not in page.text
    assert "Your community access is suspended" in page.text  # the notice on community pages
    with tenant_a.activate():
        assert not Flag.objects.exists()
        with pytest.raises(ModerationError, match="Spam links"):
            make_flag(reporter=people["reporter"], post=thread["answer"])


def test_visitors_are_sent_to_sign_in(client_a, tenant_a, thread):
    url = f"/community/flag/answer/{thread['answer'].pk}/"
    for response in (client_a.get(url), client_a.post(url, {"reason": "spam"})):
        assert response.status_code == HTTPStatus.FOUND
        assert "/login/" in response["Location"]
    with tenant_a.activate():
        assert not Flag.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, FLAG_REASON_INVALID),
        ({"reason": "nonsense"}, FLAG_REASON_INVALID),
        ({"reason": "other"}, FLAG_NOTE_NEEDED),
        ({"reason": "spam", "note": "x" * 501}, "Keep the note under 500 characters."),
    ],
)
def test_bad_input_shows_the_form_again_with_a_message(
    client_a, tenant_a, people, thread, data, error
):
    client = _signed_in(client_a, tenant_a, people["reporter"])
    response = client.post(f"/community/flag/answer/{thread['answer'].pk}/", data)
    assert response.status_code == HTTPStatus.OK
    assert error in response.content.decode()
    with tenant_a.activate():
        assert not Flag.objects.exists()


def test_the_flag_form_is_its_own_page_without_javascript(client_a, tenant_a, people, thread):
    client = _signed_in(client_a, tenant_a, people["reporter"])
    response = client.get(f"/community/flag/answer/{thread['answer'].pk}/")
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert "Flag this answer for the moderators" in text
    assert "Use the key manager." in text  # the post's excerpt
    for value in ("spam", "abusive", "off_topic", "other"):
        assert f'value="{value}"' in text
    assert 'name="csrfmiddlewaretoken"' in text and "<legend>" in text


def test_unknown_kinds_missing_posts_and_hidden_posts_are_not_found(
    client_a, tenant_a, people, thread
):
    with tenant_a.activate():
        post_hide(moderator=people["moderator"], post=thread["answer"], reason="Spam")
    client = _signed_in(client_a, tenant_a, people["reporter"])
    for url in (
        f"/community/flag/vote/{thread['answer'].pk}/",
        "/community/flag/answer/999999/",
        f"/community/flag/answer/{thread['answer'].pk}/",
    ):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND
        assert client.post(url, {"reason": "spam"}).status_code == HTTPStatus.NOT_FOUND


def test_a_post_of_a_is_not_found_on_bs_flag_url(
    client_b, tenant_a, tenant_b, member_factory, thread
):
    member_b = member_factory(tenant_b)
    client = _signed_in(client_b, tenant_b, member_b)
    for kind, post in (("question", thread["question"]), ("answer", thread["answer"])):
        url = f"/community/flag/{kind}/{post.pk}/"
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND
        assert client.post(url, {"reason": "spam"}).status_code == HTTPStatus.NOT_FOUND
    with tenant_a.activate():
        assert not Flag.objects.exists()


def test_the_flag_page_costs_the_same_for_a_member_and_a_suspended_member(
    client_a, tenant_a, people, thread, django_assert_max_num_queries
):
    url = f"/community/flag/answer/{thread['answer'].pk}/"
    client = _signed_in(client_a, tenant_a, people["reporter"])
    counts = []
    for suspended in (False, True):
        if suspended:
            with tenant_a.activate():
                member_suspend(
                    moderator=people["moderator"], member=people["reporter"], reason="Rude"
                )
        client.get(url)
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert ("Reason:" in response.text) == suspended
        counts.append(len(queries))
    print(f"flag page: {counts} queries")
    assert counts[0] == counts[1]


def test_the_flag_control_is_shown_to_members_but_not_visitors_or_authors(
    rf, tenant_a, people, thread
):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    template = Template(
        '{% include "community/includes/flag.html" with kind="answer" pk=pk '
        "author_id=author_id only %}"
    )
    answer = thread["answer"]

    def render(user):
        request = rf.get("/")
        request.user = user
        context = Context({"pk": answer.pk, "author_id": answer.author_id})
        context.request = request
        with tenant_a.activate():
            return template.render(context)

    shown = render(people["reporter"])
    assert f'href="/community/flag/answer/{answer.pk}/"' in shown
    assert "<form" not in shown  # the form is on the flag page
    assert render(AnonymousUser()).strip() == ""
    assert render(people["answerer"]).strip() == ""


@pytest.mark.django_db(transaction=True)
def test_two_identical_flags_at_once_make_one(fresh_tenant):
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        author = make_member(email="author@example.com")
        reporter = make_member(email="reporter@example.com")
        question = make_question(author=author)
    errors = race(
        tenant,
        [lambda: make_flag(reporter=reporter, post=question) for _ in range(2)],
    )
    assert [str(error) for error in errors] == [FLAG_DUPLICATE]
    with tenant.activate():
        assert Flag.objects.count() == 1


# Hiding and restoring


def test_hiding_an_answer_updates_the_count_closes_its_flags_and_is_logged(
    tenant_a, people, thread
):
    with tenant_a.activate():
        answer = thread["answer"]
        spam = make_flag(reporter=people["reporter"], post=answer)
        rude = make_flag(reporter=people["other"], post=answer, reason="abusive")
        other = make_flag(reporter=people["reporter"], post=thread["question"])
        post_hide(moderator=people["moderator"], post=answer, reason="Spam link")
        answer.refresh_from_db()
        assert answer.hidden_at is not None and answer.hidden_by == people["moderator"]
        assert Question.objects.get(pk=answer.question_id).answer_count == 0
        statuses = dict(Flag.objects.values_list("pk", "status"))
        assert statuses == {spam.pk: "actioned", rude.pk: "actioned", other.pk: "open"}
        assert Flag.objects.get(pk=spam.pk).resolved_by == people["moderator"]
        (log,) = ModerationAction.objects.all()
        assert (log.action, log.answer_id, log.member_id, log.reason) == (
            "hide",
            answer.pk,
            people["answerer"].pk,
            "Spam link",
        )
        with pytest.raises(ModerationError, match=re.escape(ALREADY_HIDDEN)):
            post_hide(moderator=people["moderator"], post=answer, reason="Again")
        post_restore(moderator=people["moderator"], post=answer)
        answer.refresh_from_db()
        assert answer.hidden_at is None
        assert Question.objects.get(pk=answer.question_id).answer_count == 1
        assert Flag.objects.get(pk=spam.pk).status == "actioned"  # closed flags stay closed
        with pytest.raises(ModerationError, match=re.escape(NOT_HIDDEN)):
            post_restore(moderator=people["moderator"], post=answer)
        assert list(ModerationAction.objects.values_list("action", flat=True)) == [
            "restore",
            "hide",
        ]


def test_hiding_comments_updates_their_posts_comment_count(tenant_a, people, thread):
    with tenant_a.activate():
        for kind, parent in (("question_comment", "question"), ("answer_comment", "answer")):
            post_hide(moderator=people["moderator"], post=thread[kind], reason="Rude")
            parent_row = type(thread[parent]).objects.get(pk=thread[parent].pk)
            assert parent_row.comment_count == 0
            post_restore(moderator=people["moderator"], post=thread[kind])
            assert type(thread[parent]).objects.get(pk=thread[parent].pk).comment_count == 1


def test_hiding_the_accepted_answer_keeps_the_acceptance(tenant_a, people, thread):
    with tenant_a.activate():
        answer = thread["answer"]
        Question.objects.filter(pk=answer.question_id).update(accepted_answer=answer)
        post_hide(moderator=people["moderator"], post=answer, reason="Leaks a password")
        question = Question.objects.get(pk=answer.question_id)
        assert question.accepted_answer_id == answer.pk
        assert question.answer_count == 0


def test_dismissing_flags_leaves_the_post_and_is_logged(tenant_a, people, thread):
    with tenant_a.activate():
        question = thread["question"]
        make_flag(reporter=people["reporter"], post=question, reason="off_topic")
        assert flag_dismiss(moderator=people["moderator"], post=question) == 1
        question.refresh_from_db()
        assert question.hidden_at is None
        assert Flag.objects.get().status == "dismissed"
        (log,) = ModerationAction.objects.all()
        assert (log.action, log.question_id) == ("dismiss_flag", question.pk)
        assert "1 flag (off-topic)" in log.reason
        with pytest.raises(ModerationError):
            flag_dismiss(moderator=people["moderator"], post=question)


def test_only_moderators_moderate(tenant_a, people, thread):
    with tenant_a.activate():
        editor = make_moderator(email="editor@a.localhost", moderate=False)
        for member in (people["other"], editor):
            with pytest.raises(PermissionDenied):
                post_hide(moderator=member, post=thread["answer"], reason="No")
            with pytest.raises(PermissionDenied):
                member_suspend(moderator=member, member=people["asker"], reason="No")
            with pytest.raises(PermissionDenied):
                member_warn(moderator=member, member=people["asker"], message="No")
        assert not ModerationAction.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_moderators_acting_on_the_same_flags_at_once_get_one_outcome(fresh_tenant):
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        author = make_member(email="author@example.com")
        reporter = make_member(email="reporter@example.com")
        first = make_moderator(email="first@example.com")
        second = make_moderator(email="second@example.com")
        question = make_question(author=author)
        answer = make_answer(question=question, author=author)
        flag = make_flag(reporter=reporter, post=answer)
    errors = race(
        tenant,
        [
            lambda: post_hide(moderator=first, post=answer, reason="Spam", flag_ids=[flag.pk]),
            lambda: flag_dismiss(moderator=second, post=answer, flag_ids=[flag.pk]),
        ],
    )
    assert len(errors) == 1 and str(errors[0]) in {ALREADY_HANDLED, ALREADY_HIDDEN}
    with tenant.activate():
        flag.refresh_from_db()
        answer.refresh_from_db()
        assert flag.status in {"actioned", "dismissed"}
        assert (answer.hidden_at is not None) == (flag.status == "actioned")
        assert Question.objects.get().answer_count == (0 if flag.status == "actioned" else 1)
        assert ModerationAction.objects.count() == 1


# Warnings and suspensions


def test_a_warning_is_stored_notified_and_emailed_once_after_commit(
    tenant_a, people, django_capture_on_commit_callbacks
):
    with tenant_a.activate():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            warning = member_warn(
                moderator=people["moderator"],
                member=people["answerer"],
                message="Please stop posting links to your shop.",
            )
            assert mail.outbox == []  # nothing leaves before the commit
        assert len(callbacks) == 1
        assert Warning.objects.get() == warning and warning.created_by == people["moderator"]
        notification = Notification.objects.get()
        assert (notification.member, notification.kind) == (people["answerer"], "moderation")
        assert "links to your shop" in notification.text
        assert ModerationAction.objects.get().action == "warn"
    (email,) = mail.outbox
    assert email.to == [people["answerer"].email]
    assert "Please stop posting links to your shop." in email.body
    assert "http" in email.body  # the community's address


def test_an_empty_warning_is_refused_and_changes_nothing(tenant_a, people):
    with tenant_a.activate():
        with pytest.raises(ModerationError, match="Write the warning"):
            member_warn(moderator=people["moderator"], member=people["asker"], message="  ")
        with pytest.raises(ModerationError, match="yourself"):
            member_warn(moderator=people["moderator"], member=people["moderator"], message="x")
        assert not Warning.objects.exists() and not ModerationAction.objects.exists()


def test_a_suspension_for_7_days_ends_by_itself(
    tenant_a, people, clock, django_capture_on_commit_callbacks
):
    member = people["answerer"]
    with tenant_a.activate():
        with django_capture_on_commit_callbacks(execute=True):
            suspension = member_suspend(
                moderator=people["moderator"], member=member, reason="Spamming answers", days=7
            )
        assert suspension.ends_at == START + timedelta(days=7)
        refusal = participation_refusal(member=member)
        assert refusal == (
            "Your community access is suspended until 13 May 2030 09:00 UTC. "
            "Reason: Spamming answers"
        )
        clock.shift(timedelta(days=7) - timedelta(seconds=1))
        assert participation_refusal(member=member) is not None
        clock.shift(timedelta(seconds=1))
        assert participation_refusal(member=member) is None
        log = ModerationAction.objects.get()
        assert (log.action, log.reason) == ("suspend", "For 7 days: Spamming answers")
    (email,) = mail.outbox
    assert "Spamming answers" in email.body and "13 May 2030" in email.body


def test_a_suspension_for_good_does_not_end_and_a_new_one_replaces_it(tenant_a, people, clock):
    member = people["answerer"]
    with tenant_a.activate():
        for_good = member_suspend(moderator=people["moderator"], member=member, reason="Fraud")
        assert for_good.ends_at is None
        clock.shift(timedelta(days=3650))
        assert participation_refusal(member=member) == (
            "Your community access is suspended. Reason: Fraud"
        )
        shorter = member_suspend(
            moderator=people["moderator"], member=member, reason="Second chance", days=1
        )
        for_good.refresh_from_db()
        assert for_good.lifted_at is not None
        assert "Second chance" in participation_refusal(member=member)
        actions = list(ModerationAction.objects.order_by("pk").values_list("action", flat=True))
        assert actions == ["suspend", "lift", "suspend"]
        suspension_lift(moderator=people["moderator"], suspension=shorter)
        assert participation_refusal(member=member) is None
        with pytest.raises(ModerationError, match="no longer in force"):
            suspension_lift(moderator=people["moderator"], suspension=shorter)


@pytest.mark.parametrize("days", [0, -1, 3651, "7", True])
def test_suspension_lengths_outside_1_to_3650_days_are_refused(tenant_a, people, days):
    with tenant_a.activate():
        with pytest.raises(ModerationError, match="1 to 3650 days"):
            member_suspend(
                moderator=people["moderator"], member=people["asker"], reason="x", days=days
            )
        assert not Suspension.objects.exists()


def test_staff_are_suspended_only_by_superusers(tenant_a, people, member_factory):
    staff = member_factory(tenant_a, staff=True)
    with tenant_a.activate():
        with pytest.raises(ModerationError, match=re.escape(STAFF_ONLY_BY_SUPERUSER)):
            member_suspend(moderator=people["moderator"], member=staff, reason="x", days=1)
        superuser = make_moderator(email="root@a.localhost", superuser=True)
        member_suspend(moderator=superuser, member=staff, reason="Compromised account", days=1)
        assert participation_refusal(member=staff) is not None


def test_flag_create_takes_exactly_one_post(tenant_a, people, thread):
    with tenant_a.activate():
        with pytest.raises(ValueError):
            flag_create(reporter=people["reporter"], reason="spam")
        with pytest.raises(ValueError):
            flag_create(
                reporter=people["reporter"],
                question=thread["question"],
                answer=thread["answer"],
                reason="spam",
            )
