"""Notifications in the site and by e-mail, follows, preferences and the daily digest."""

from http import HTTPStatus

from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

import pytest

from community.accept_services import answer_accept
from community.models import Follow, Notification, NotificationPreference
from community.notification_services import digest_send
from community.notification_views import NOT_FOUND
from tests.community.conftest import signed_in_client
from tests.concurrency import race
from tests.factories.community import (
    certified_member,
    community_member,
    make_answer,
    make_comment,
    make_question,
    make_tag,
)

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
QUERY_BUDGET = 12


def _rows(tenant, member, **filters):
    with tenant.activate():
        return list(Notification.objects.filter(member=member, **filters))


def _prefer(tenant, member, **choices):
    with tenant.activate():
        NotificationPreference.objects.update_or_create(member=member, defaults=choices)


@pytest.fixture
def question(tenant_a, asker):
    with tenant_a.activate():
        return make_question(author=asker, tags=[make_tag(name="Deployment")])


def test_an_answer_notifies_the_asker_by_email_after_commit_not_the_answerer(
    tenant_a, asker, expert, question, django_capture_on_commit_callbacks
):
    with tenant_a.activate():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            answer = make_answer(question=question, author=expert)
            assert mail.outbox == []  # not before the commit
        assert callbacks
    (row,) = _rows(tenant_a, asker)
    assert (row.kind, row.answer_id, row.actor_id) == (
        Kind.ANSWER_ON_MY_QUESTION,
        answer.pk,
        expert.pk,
    )
    assert row.emailed_at is not None
    assert _rows(tenant_a, expert) == []
    (message,) = mail.outbox
    assert message.to == [asker.email]
    assert message.subject.startswith("[")
    assert question.title in message.subject
    assert f"/community/questions/{question.pk}/#answer-{answer.pk}" in message.body
    assert expert.email not in message.body
    with tenant_a.activate():  # both now follow the question
        assert set(Follow.objects.filter(question=question).values_list("member", flat=True)) == {
            asker.pk,
            expert.pk,
        }


def test_a_rolled_back_answer_notifies_nobody(
    tenant_a, asker, expert, question, django_capture_on_commit_callbacks
):
    with (
        tenant_a.activate(),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        make_answer(question=question, author=expert)
        raise RuntimeError
    assert _rows(tenant_a, asker) == []
    assert mail.outbox == []


def test_a_comment_notifies_the_posts_author_and_accepting_notifies_the_answerer(
    tenant_a, asker, expert, question, django_capture_on_commit_callbacks
):
    with tenant_a.activate():
        answer = make_answer(question=question, author=expert)
        mail.outbox.clear()
        make_comment(author=asker, answer=answer)
        with django_capture_on_commit_callbacks(execute=True):
            answer_accept(member=asker, answer=answer)
    kinds = {row.kind for row in _rows(tenant_a, expert)}
    assert kinds == {Kind.COMMENT_ON_MY_POST, Kind.MY_ANSWER_ACCEPTED}
    assert [row.kind for row in _rows(tenant_a, asker)] == [Kind.ANSWER_ON_MY_QUESTION]
    (message,) = mail.outbox  # comments default to the daily digest, acceptance is instant
    assert message.to == [expert.email]
    assert "accepted your answer" in message.body


def test_followers_of_a_question_and_of_a_tag_hear_of_activity(
    tenant_a, client_a, asker, expert, question
):
    reader = community_member(tenant_a, display_name="Rita Reader")
    client = signed_in_client(client_a, tenant_a, reader)
    assert client.post(f"/community/questions/{question.pk}/follow/").status_code == 302
    assert client.post("/community/tags/deployment/follow/").status_code == 302
    with tenant_a.activate():
        make_answer(question=question, author=expert)
        newer = make_question(author=asker, tags=["Deployment"])
    rows = {(row.kind, row.question_id) for row in _rows(tenant_a, reader)}
    assert rows == {(Kind.FOLLOWED_QUESTION, question.pk), (Kind.FOLLOWED_TAG, newer.pk)}
    assert [row.kind for row in _rows(tenant_a, asker)] == [Kind.ANSWER_ON_MY_QUESTION]


def test_pressing_follow_again_unfollows_and_signed_out_members_are_sent_to_sign_in(
    tenant_a, client_a, asker_client, question
):
    path = f"/community/questions/{question.pk}/follow/"
    with tenant_a.activate():
        assert Follow.objects.filter(question=question).count() == 1  # the asker's own
    asker_client.post(path)
    with tenant_a.activate():
        assert Follow.objects.filter(question=question).count() == 0
    response = asker_client.post(path, {"next": "https://evil.example/"}, follow=True)
    assert response.redirect_chain[-1][0] == question.get_absolute_url()
    assert "You follow this question" in response.content.decode()
    asker_client.logout()
    response = asker_client.post(path)
    assert response.status_code == 302 and "login" in response.url
    assert asker_client.get(path).status_code in (302, 405)


def test_never_keeps_the_row_without_email_and_daily_waits_for_one_digest(
    tenant_a, asker_client, asker, expert, question, django_capture_on_commit_callbacks
):
    response = asker_client.post(
        "/community/notifications/settings/",
        {"answers": "daily", "comments": "never", "accepted": "instant", "followed": "daily"},
    )
    assert response.status_code == 302
    with tenant_a.activate(), django_capture_on_commit_callbacks(execute=True):
        first = make_answer(question=question, author=expert)
        make_answer(question=question, author=certified_member(tenant_a))
        make_comment(author=expert, question=question)
    assert mail.outbox == []
    assert len(_rows(tenant_a, asker)) == 3
    with tenant_a.activate(), django_capture_on_commit_callbacks(execute=True):
        assert digest_send() == 3  # the answerers follow the question: theirs are daily too
    (message,) = [message for message in mail.outbox if message.to == [asker.email]]
    assert "2 updates" in message.subject
    assert f"#answer-{first.pk}" in message.body
    assert "New comment" not in message.body  # "never": in the site only
    with tenant_a.activate(), django_capture_on_commit_callbacks(execute=True):
        assert digest_send() == 0
    call_command("send_community_digest")
    assert len(mail.outbox) == 3


def test_invalid_preferences_are_refused_and_change_nothing(tenant_a, asker_client, asker):
    response = asker_client.post(
        "/community/notifications/settings/",
        {"answers": "hourly", "comments": "never", "accepted": "instant", "followed": "daily"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "Select a valid choice" in response.content.decode()
    with tenant_a.activate():
        assert not NotificationPreference.objects.filter(member=asker).exists()
    page = asker_client.get("/community/notifications/settings/").content.decode()
    assert "<legend>New answers to my questions</legend>" in page


def test_the_notifications_page_lists_newest_first_marks_read_and_costs_the_same(
    tenant_a, asker_client, asker, expert, question
):
    counts = []
    for total in (3, 30):
        with tenant_a.activate():
            Notification.objects.filter(member=asker).delete()
            Notification.objects.bulk_create(
                Notification(
                    member=asker,
                    kind=Kind.ANSWER_ON_MY_QUESTION,
                    actor=expert,
                    question=question,
                    text=f"{question.title} {n}",
                )
                for n in range(total)
            )
        asker_client.get("/community/")  # warm the per-portal caches
        with CaptureQueriesContext(connection) as queries:
            response = asker_client.get("/community/notifications/")
        assert response.status_code == HTTPStatus.OK
        counts.append(len(queries))
        assert response.content.decode().count('class="notification notification--unread"') == total
        assert _rows(tenant_a, asker, read_at__isnull=True) == []
    assert counts[0] == counts[1] <= QUERY_BUDGET, counts
    print(f"notifications page: {counts[0]} queries")
    page = asker_client.get("/community/notifications/").content.decode()
    assert "notification--unread" not in page
    assert "Grace Certified" in page and expert.email not in page


def test_mark_read_one_all_and_an_unknown_id(tenant_a, asker_client, asker, expert, question):
    with tenant_a.activate():
        make_answer(question=question, author=expert)
        make_comment(author=expert, question=question)
    one, other = _rows(tenant_a, asker)
    response = asker_client.post(f"/community/notifications/read/?id={one.pk}")
    assert response.status_code == 302
    assert {row.pk for row in _rows(tenant_a, asker, read_at__isnull=True)} == {other.pk}
    response = asker_client.post("/community/notifications/read/?id=x1", follow=True)
    assert NOT_FOUND in response.content.decode()
    asker_client.post("/community/notifications/read/")
    assert _rows(tenant_a, asker, read_at__isnull=True) == []


def test_portals_are_isolated(tenant_a, tenant_b, client_b, asker, expert, question):
    with tenant_a.activate():
        make_answer(question=question, author=expert)
    other = community_member(tenant_b, display_name="Bob Other")
    client = signed_in_client(client_b, tenant_b, other)
    page = client.get("/community/notifications/").content.decode()
    assert question.title not in page
    assert client.post(f"/community/questions/{question.pk}/follow/").status_code == 404
    assert client.post("/community/tags/deployment/follow/").status_code == 404


def test_two_digest_runs_at_once_send_each_notification_once(fresh_tenant):
    tenant = fresh_tenant()
    asker = community_member(tenant)
    commenter = community_member(tenant)
    with tenant.activate():
        question = make_question(author=asker, tags=[make_tag(name="Networking")])
        for _ in range(3):
            make_comment(author=commenter, question=question)
    mail.outbox.clear()
    errors = race(tenant, [digest_send, digest_send])
    assert errors == []
    (message,) = mail.outbox
    assert "3 updates" in message.subject
    with tenant.activate():
        assert not Notification.objects.filter(digested_at__isnull=True).exists()
