"""The wall of thanks: thanking an answer's author, a live session's team or the team; staff's
customer compliments; moderators hiding messages; the public wall with its filters and pages;
thanks counts for profiles; tenant isolation and query budgets."""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from community.models import Notification, Thanks
from community.permissions import CommunityError
from community.thanks_selectors import thanks_received_counts, wall
from community.thanks_services import (
    ANSWER_ALREADY,
    ANSWER_GONE,
    ANSWER_OWN,
    COMPLIMENT_STAFF_ONLY,
    MESSAGE_TOO_SHORT,
    SESSION_ALREADY,
    SESSION_NOT_STARTED,
    TEAM_ALREADY,
    THANKS_PER_HOUR,
    TOO_MANY,
    compliment_create,
    recognition_give,
    thanks_create,
    thanks_hide,
)
from tests.community.conftest import signed_in_client
from tests.factories.community import community_member, make_answer, make_question
from tests.factories.community_lists import make_answer as quick_answer
from tests.factories.community_moderation import make_moderator
from tests.factories.courses import make_session
from tests.factories.recognition import make_recognition_badge

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
WALL = "/community/thanks/"
MESSAGE = "Your answer saved my release day, thank you so much!"


@pytest.fixture
def helper(clock, tenant_a):
    """A member holding a valid certification (earned after the clock was frozen)."""
    from tests.factories.community import certified_member

    return certified_member(tenant_a, display_name="Grace Certified")


@pytest.fixture
def answer(tenant_a, asker, helper, clock):
    with tenant_a.activate():
        question = make_question(author=asker, title="How do I roll back a broken release?")
        return make_answer(question=question, author=helper)


def _wall_names(html: str) -> list[str]:
    """The card ids of the wall, in order."""
    return re.findall(r'class="thanks-card[^"]*" id="([a-z]+-\d+)"', html)


# --- Thanking ------------------------------------------------------------------------------


def test_a_member_thanks_the_author_of_an_answer_who_is_notified(
    tenant_a, asker, helper, answer, django_capture_on_commit_callbacks, mailoutbox
):
    with tenant_a.activate():
        from community.models import NotificationPreference

        NotificationPreference.objects.create(member=helper, comments="instant")
        with django_capture_on_commit_callbacks(execute=True):
            thanks = thanks_create(author=asker, message_md=MESSAGE, answer=answer)
        assert thanks.recipient == helper
        assert thanks.kind == Thanks.Kind.THANKS
        note = Notification.objects.get(member=helper)
        assert note.kind == Notification.Kind.THANKED
        assert note.actor == asker
        assert note.url == f"{WALL}#thanks-{thanks.pk}"
        assert "How do I roll back a broken release?" in note.text
    assert len(mailoutbox) == 1
    assert "Thanks for your answer to “How do I roll back a broken release?”, from Ada Asker" in (
        mailoutbox[0].body
    )
    assert f"{WALL}#thanks-{thanks.pk}" in mailoutbox[0].body


def test_an_answer_is_thanked_once_and_never_by_its_author(tenant_a, asker, helper, answer):
    with tenant_a.activate():
        thanks_create(author=asker, message_md=MESSAGE, answer=answer)
        with pytest.raises(CommunityError, match=ANSWER_ALREADY.format(name="Grace Certified")):
            thanks_create(author=asker, message_md=MESSAGE, answer=answer)
        with pytest.raises(CommunityError, match=ANSWER_OWN):
            thanks_create(author=helper, message_md=MESSAGE, answer=answer)
        assert Thanks.objects.count() == 1


def test_hidden_answers_and_answers_on_hidden_questions_cannot_be_thanked(
    tenant_a, asker, answer, clock
):
    with tenant_a.activate():
        from community.models import Answer, Question

        Answer.objects.filter(pk=answer.pk).update(hidden_at=timezone.now())
        with pytest.raises(CommunityError, match=ANSWER_GONE):
            thanks_create(author=asker, message_md=MESSAGE, answer=answer)
        Answer.objects.filter(pk=answer.pk).update(hidden_at=None)
        Question.objects.filter(pk=answer.question_id).update(hidden_at=timezone.now())
        with pytest.raises(CommunityError, match=ANSWER_GONE):
            thanks_create(author=asker, message_md=MESSAGE, answer=answer)
        assert not Thanks.objects.exists()


def test_a_session_is_thanked_once_after_it_starts_and_the_team_receives_it(tenant_a, asker):
    with tenant_a.activate():
        upcoming = make_session(title="Next week", starts_in=timedelta(days=7))
        past = make_session(title="Yesterday", starts_in=timedelta(days=-1))
        with pytest.raises(CommunityError, match=SESSION_NOT_STARTED):
            thanks_create(author=asker, message_md=MESSAGE, session=upcoming)
        thanks = thanks_create(author=asker, message_md=MESSAGE, session=past)
        assert thanks.recipient is None
        assert thanks.session_id == past.pk
        with pytest.raises(CommunityError, match=SESSION_ALREADY):
            thanks_create(author=asker, message_md=MESSAGE, session=past)
        # The team reads the wall; the member, who thanked the team, is asked for a testimonial.
        kinds = list(Notification.objects.values_list("member_id", "kind"))
        assert kinds == [(asker.pk, Notification.Kind.TESTIMONIAL)]


def test_the_team_is_thanked_at_most_once_a_day(tenant_a, asker, clock):
    with tenant_a.activate():
        thanks_create(author=asker, message_md=MESSAGE)
        with pytest.raises(CommunityError, match=TEAM_ALREADY):
            thanks_create(author=asker, message_md=MESSAGE)
        clock.shift(timedelta(days=1, seconds=1))
        thanks_create(author=asker, message_md=MESSAGE)
        assert Thanks.objects.filter(recipient__isnull=True).count() == 2


def test_at_most_ten_thanks_an_hour(tenant_a, asker, helper, clock):
    with tenant_a.activate():
        question = make_question(author=helper, title="A question with many answers to thank")
        helpers = [community_member(tenant_a) for _ in range(THANKS_PER_HOUR + 1)]
        answers = [quick_answer(question=question, author=h) for h in helpers]
        for answer in answers[:THANKS_PER_HOUR]:
            thanks_create(author=asker, message_md=MESSAGE, answer=answer)
        with pytest.raises(CommunityError, match=TOO_MANY):
            thanks_create(author=asker, message_md=MESSAGE, answer=answers[-1])
        clock.shift(timedelta(hours=1, seconds=1))
        thanks_create(author=asker, message_md=MESSAGE, answer=answers[-1])


def test_a_suspended_member_cannot_thank(tenant_a, asker, answer, clock):
    with tenant_a.activate():
        from community.models import Suspension

        moderator = make_moderator(email="mod@a.localhost")
        Suspension.objects.create(
            member=asker, created_by=moderator, reason="Spam", starts_at=timezone.now()
        )
        with pytest.raises(CommunityError, match="suspended"):
            thanks_create(author=asker, message_md=MESSAGE, answer=answer)


def test_messages_are_checked_and_sanitised(tenant_a, asker, answer):
    with tenant_a.activate():
        with pytest.raises(CommunityError, match=MESSAGE_TOO_SHORT):
            thanks_create(author=asker, message_md="Thx!", answer=answer)
        thanks = thanks_create(
            author=asker,
            message_md="**Thanks** <script>alert(1)</script> [x](javascript:alert(1))",
            answer=answer,
        )
        assert "<strong>Thanks</strong>" in thanks.message_html
        assert "<script" not in thanks.message_html
        assert 'href="javascript' not in thanks.message_html  # left as text, not a link


def test_only_staff_post_compliments(tenant_a, asker, member_factory):
    with tenant_a.activate(), pytest.raises(CommunityError, match=COMPLIMENT_STAFF_ONLY):
        compliment_create(staff=asker, customer_name="Maria", message_md=MESSAGE)
    staff = member_factory(tenant_a, staff=True)
    with tenant_a.activate():
        compliment = compliment_create(
            staff=staff, customer_name="  Maria,   Lisbon ", message_md=MESSAGE
        )
        assert compliment.kind == Thanks.Kind.COMPLIMENT
        assert compliment.customer_name == "Maria, Lisbon"
        assert compliment.recipient is None


# --- The pages -----------------------------------------------------------------------------


def test_the_thanks_form_for_an_answer_posts_to_the_wall(client_a, tenant_a, asker, helper, answer):
    client = signed_in_client(client_a, tenant_a, asker)
    url = f"/community/thanks/new/?answer={answer.pk}"
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "Thank Grace Certified" in page.text
    assert "How do I roll back a broken release?" in page.text
    empty = client.post(url, {"message": ""})
    assert empty.status_code == HTTPStatus.BAD_REQUEST
    assert "Write a few words" in empty.text
    response = client.post(url, {"message": MESSAGE})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(f"{WALL}#thanks-")
    again = client.get(url)
    assert "You have already thanked Grace Certified" in again.text
    refused = client.post(url, {"message": MESSAGE})
    assert refused.status_code == HTTPStatus.FORBIDDEN
    with tenant_a.activate():
        assert Thanks.objects.count() == 1


def test_the_thanks_form_needs_a_signed_in_member_and_a_real_target(
    client_a, tenant_a, asker, answer
):
    assert client_a.get("/community/thanks/new/").status_code == HTTPStatus.FOUND  # sign in
    client = signed_in_client(client_a, tenant_a, asker)
    assert client.get("/community/thanks/new/?answer=999999").status_code == 404
    assert client.get("/community/thanks/new/?answer=nope").status_code == 404
    assert client.get("/community/thanks/new/?session=999999").status_code == 404
    team = client.get("/community/thanks/new/")
    assert team.status_code == HTTPStatus.OK
    assert "Thank the team" in team.text


def test_the_thanks_form_for_a_session_names_the_session_and_its_host(client_a, tenant_a, asker):
    with tenant_a.activate():
        session = make_session(title="Scaling office hours", starts_in=timedelta(hours=-2))
    client = signed_in_client(client_a, tenant_a, asker)
    url = f"/community/thanks/new/?session={session.pk}"
    page = client.get(url)
    assert "Scaling office hours" in page.text
    assert "Ada Expert" in page.text
    assert client.post(url, {"message": MESSAGE}).status_code == HTTPStatus.FOUND
    html = client_a.get(WALL).text
    assert "thanked the team" in html
    assert "For the live session" in html and "Scaling office hours”</a> with Ada Expert" in html
    assert f'href="/learning/sessions/{session.pk}/"' in html


def test_the_compliment_form_is_for_staff_only(client_a, tenant_a, asker, member_factory):
    client = signed_in_client(client_a, tenant_a, asker)
    assert client.get("/community/thanks/compliment/").status_code == HTTPStatus.FORBIDDEN
    assert (
        client.post(
            "/community/thanks/compliment/", {"customer_name": "X", "message": MESSAGE}
        ).status_code
        == HTTPStatus.FORBIDDEN
    )
    staff = member_factory(tenant_a, staff=True, mfa=True)
    client = signed_in_client(client_a, tenant_a, staff)
    response = client.post(
        "/community/thanks/compliment/",
        {"customer_name": "Maria, Lisbon", "message": "Support stayed with us all night."},
    )
    assert response.status_code == HTTPStatus.FOUND
    html = client.get(f"{WALL}?show=compliments").text
    assert "Maria, Lisbon to the team" in html
    assert "Support stayed with us all night." in html


def test_the_wall_shows_thanks_compliments_and_recognition_newest_first_with_filters(
    client_a, tenant_a, asker, helper, answer, member_factory, clock
):
    staff = member_factory(tenant_a, staff=True)
    with tenant_a.activate():
        thanks = thanks_create(author=asker, message_md=MESSAGE, answer=answer)
        clock.shift(timedelta(minutes=1))
        compliment = compliment_create(
            staff=staff, customer_name="Maria", message_md="Best support we ever had."
        )
        clock.shift(timedelta(minutes=1))
        badge = make_recognition_badge(name="Member of the month")
        award = recognition_give(
            staff=staff, member=helper, badge=badge, citation="For 40 helpful answers in May."
        )
    html = client_a.get(WALL).text
    assert _wall_names(html) == [
        f"recognition-{award.pk}",
        f"thanks-{compliment.pk}",
        f"thanks-{thanks.pk}",
    ]
    assert "3 messages" in html
    assert "Ada Asker</a> thanked <a" in html
    assert "How do I roll back a broken release?" in html
    assert f'href="/community/questions/{answer.question_id}/#answer-{answer.pk}"' in html
    assert "Recognised: " in html and "For 40 helpful answers in May." in html
    assert f'href="/verify/{award.public_id}/"' in html
    assert "@" not in re.sub(r"<[^>]+>", "", html.split("thanks-wall")[1])  # no e-mails
    assert _wall_names(client_a.get(f"{WALL}?show=thanks").text) == [f"thanks-{thanks.pk}"]
    assert _wall_names(client_a.get(f"{WALL}?show=compliments").text) == [f"thanks-{compliment.pk}"]
    assert _wall_names(client_a.get(f"{WALL}?show=recognition").text) == [f"recognition-{award.pk}"]
    assert len(_wall_names(client_a.get(f"{WALL}?show=bogus&page=x").text)) == 3


def test_the_wall_is_paginated_and_past_the_end_shows_the_last_page(
    client_a, tenant_a, member_factory, clock
):
    staff = member_factory(tenant_a, staff=True)
    with tenant_a.activate():
        for number in range(23):
            compliment_create(staff=staff, customer_name=f"Customer {number}", message_md=MESSAGE)
            clock.shift(timedelta(seconds=10))
    first = client_a.get(WALL).text
    assert len(_wall_names(first)) == 20
    assert "Customer 22 to the team" in first
    second = client_a.get(f"{WALL}?page=2").text
    assert len(_wall_names(second)) == 3
    assert "Customer 0 to the team" in second
    assert _wall_names(client_a.get(f"{WALL}?page=99").text) == _wall_names(second)


def test_moderators_hide_and_restore_messages(client_a, tenant_a, asker, answer, clock):
    with tenant_a.activate():
        thanks = thanks_create(
            author=asker, message_md="Buy cheap keys at spam.example now", answer=answer
        )
        moderator = make_moderator(email="mod@a.localhost")
    member = signed_in_client(client_a, tenant_a, asker)
    refused = member.post(f"/community/thanks/{thanks.pk}/hide/")
    assert refused.status_code == HTTPStatus.FORBIDDEN
    client = signed_in_client(client_a, tenant_a, moderator)
    response = client.post(f"/community/thanks/{thanks.pk}/hide/", {"next": WALL})
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        thanks.refresh_from_db()
        assert thanks.hidden_at is not None and thanks.hidden_by == moderator
        with pytest.raises(CommunityError):
            thanks_hide(moderator=moderator, thanks=thanks)  # another moderator was first
    seen_by_moderator = client.get(WALL).text
    assert "Hidden by a moderator" in seen_by_moderator
    assert "Show again" in seen_by_moderator
    client.logout()
    assert "spam.example" not in client_a.get(WALL).text
    client = signed_in_client(client_a, tenant_a, moderator)
    client.post(f"/community/thanks/{thanks.pk}/restore/")
    client.logout()
    assert "spam.example" in client_a.get(WALL).text
    assert client_a.post("/community/thanks/999999/hide/").status_code == HTTPStatus.FOUND


def test_thanks_received_counts_count_visible_thanks_in_one_query(
    tenant_a, asker, helper, answer, django_assert_num_queries, clock
):
    with tenant_a.activate():
        other = community_member(tenant_a)
        thanks_create(author=asker, message_md=MESSAGE, answer=answer)
        hidden = thanks_create(author=other, message_md=MESSAGE, answer=answer)
        Thanks.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
        third = community_member(tenant_a)
        thanks_create(author=third, message_md=MESSAGE, answer=answer)
        with django_assert_num_queries(1):
            counts = thanks_received_counts([helper.pk, asker.pk])
        assert counts == {helper.pk: 2}
        assert thanks_received_counts([]) == {}


# --- Tenant isolation ------------------------------------------------------------------------


def test_thanks_of_one_portal_never_reach_another(
    client_a, client_b, tenant_a, tenant_b, asker, helper, answer, member_factory
):
    with tenant_a.activate():
        thanks = thanks_create(author=asker, message_md="Only on portal A, thanks!", answer=answer)
        session = make_session(title="A's session", starts_in=timedelta(hours=-3))
    assert "Only on portal A" in client_a.get(WALL).text
    assert "Only on portal A" not in client_b.get(WALL).text
    member_b = member_factory(tenant_b)
    client = signed_in_client(client_b, tenant_b, member_b)
    assert client.get(f"/community/thanks/new/?answer={answer.pk}").status_code == 404
    assert client.get(f"/community/thanks/new/?session={session.pk}").status_code == 404
    moderator_b = member_factory(tenant_b, staff=True, mfa=True)
    client = signed_in_client(client_b, tenant_b, moderator_b)
    assert client.post(f"/community/thanks/{thanks.pk}/hide/").status_code == 404
    assert client.post(f"/community/thanks/{thanks.pk}/restore/").status_code == 404
    with tenant_a.activate():
        thanks.refresh_from_db()
        assert thanks.hidden_at is None


# --- Query budgets ---------------------------------------------------------------------------


def _fill_wall(tenant, *, total: int, staff, helper, badge) -> None:
    """``total`` items of each kind: thanks for answers, compliments, recognition awards."""
    from certification.models import BadgeAward

    with tenant.activate():
        have = Thanks.objects.filter(kind=Thanks.Kind.THANKS).count()
        question = make_question(author=staff, title=f"A question to thank answers of {total}")
        for number in range(have, total):
            author = community_member(tenant)
            answer = quick_answer(question=question, author=helper)
            thanks_create(author=author, message_md=MESSAGE, answer=answer)
            compliment_create(staff=staff, customer_name=f"Customer {number}", message_md=MESSAGE)
            BadgeAward.objects.create(
                member=author, badge=badge, awarded_by=staff, citation="For great help."
            )


@pytest.mark.parametrize("signed_in", ["visitor", "member", "moderator"])
def test_the_wall_costs_the_same_for_few_or_many_messages(
    client_a, tenant_a, helper, member_factory, django_assert_max_num_queries, signed_in
):
    staff = member_factory(tenant_a, staff=True, mfa=True)
    with tenant_a.activate():
        badge = make_recognition_badge()
    if signed_in == "member":
        signed_in_client(client_a, tenant_a, member_factory(tenant_a))
    elif signed_in == "moderator":
        signed_in_client(client_a, tenant_a, staff)
    counts = []
    for total in (2, 25):
        _fill_wall(tenant_a, total=total, staff=staff, helper=helper, badge=badge)
        client_a.get(WALL)
        with (
            django_assert_max_num_queries(QUERY_BUDGET),
            CaptureQueriesContext(connection) as queries,
        ):
            response = client_a.get(f"{WALL}?page=2" if total > 20 else WALL)
        assert response.status_code == HTTPStatus.OK
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    print(f"wall of thanks ({signed_in}): {counts[0]} queries")  # noqa: T201


def test_the_wall_selector_is_one_query(
    tenant_a, helper, member_factory, django_assert_num_queries
):
    staff = member_factory(tenant_a, staff=True)
    with tenant_a.activate():
        badge = make_recognition_badge()
        _fill_wall(tenant_a, total=3, staff=staff, helper=helper, badge=badge)
        assert Thanks.objects.exists()  # the schema is set
        with django_assert_num_queries(1):
            page = wall()
            assert len(page.items) == 9
            assert {item.kind for item in page.items} == {"thanks", "compliment", "recognition"}
            assert all(item.to_name for item in page.items)


def test_the_form_for_a_hidden_answer_says_it_is_gone(client_a, tenant_a, asker, answer):
    with tenant_a.activate():
        from community.models import Answer

        Answer.objects.filter(pk=answer.pk).update(hidden_at=timezone.now())
    client = signed_in_client(client_a, tenant_a, asker)
    page = client.get(f"/community/thanks/new/?answer={answer.pk}")
    assert "Say thanks for an answer" in page.text
    assert ANSWER_GONE in page.text
    assert "How do I roll back" not in page.text  # the hidden answer's question is not named
    assert (
        client.post(
            page.request["PATH_INFO"] + f"?answer={answer.pk}", {"message": MESSAGE}
        ).status_code
        == 403
    )


def test_two_identical_thanks_sent_at_once_make_one(fresh_tenant):
    """The session case has no unique constraint to fall back on (the team is no row): the
    lock on the author's row alone keeps it to one."""
    from tests.concurrency import race

    tenant = fresh_tenant()
    member = community_member(tenant)
    with tenant.activate():
        session = make_session(title="Race office hours", starts_in=timedelta(hours=-2))
    errors = race(
        tenant,
        [lambda: thanks_create(author=member, message_md=MESSAGE, session=session)] * 2,
    )
    assert len(errors) == 1 and SESSION_ALREADY in str(errors[0]), errors
    with tenant.activate():
        assert Thanks.objects.filter(session=session).count() == 1
