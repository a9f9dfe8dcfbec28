"""Member profiles: public face (never the e-mail), reputation, valid badges linking to their
verify pages, best questions and answers (hidden ones left out), the reputation history for the
member alone; at most 12 queries whatever the number of posts; per portal."""

from datetime import UTC, datetime
from http import HTTPStatus

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from community.accept_services import answer_accept
from community.models import Answer, Question
from community.vote_services import vote_cast
from tests.factories.badges import give_badge, make_badge, revoke_badge
from tests.factories.community_votes import make_answer, make_question

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
NOW = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def member(tenant_a, member_factory):
    return member_factory(
        tenant_a, display_name="Ada Lovelace", bio="Engines & <b>maths</b>.", country="GB"
    )


def _url(member) -> str:
    return f"/community/members/{member.pk}/"


def test_the_profile_shows_the_public_face_reputation_badges_and_posts(
    client_a, tenant_a, member, member_factory
):
    other, voter = member_factory(tenant_a), member_factory(tenant_a)
    with tenant_a.activate():
        question = make_question(author=member, title="Why is my cache shared between tenants?")
        theirs = make_question(author=other, title="How do I renew a certification?")
        answer = make_answer(question=theirs, author=member)
        vote_cast(member=voter, question=question, value=1)
        answer_accept(member=other, answer=answer)
        expert = give_badge(member=member, badge=make_badge(name="Cloud Expert"))
        revoked = give_badge(member=member, badge=make_badge(name="Old Expert"))
        revoke_badge(award=revoked, reason="Test")
    response = client_a.get(_url(member))
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert '<h1 class="member-profile__name">Ada Lovelace</h1>' in text
    assert "<strong>25</strong> reputation" in text  # +10 question up, +15 accepted
    assert "United Kingdom" in text
    assert "Engines &amp; &lt;b&gt;maths&lt;/b&gt;." in text
    assert member.email not in text and "@" not in text.split("<main", 1)[1].split("</main>")[0]
    assert f'href="/credentials/{expert.public_id}/"' in text or str(expert.public_id) in text
    assert "Cloud Expert" in text and "Old Expert" not in text
    assert "Why is my cache shared between tenants?" in text
    assert f'href="/community/questions/{theirs.pk}/#answer-{answer.pk}"' in text
    assert "Accepted" in text
    assert "Your reputation history" not in text  # visitors do not see it


def test_hidden_posts_are_left_out(client_a, tenant_a, member, member_factory):
    other = member_factory(tenant_a)
    with tenant_a.activate():
        make_question(author=member, title="A visible question", hidden_at=None)
        make_question(author=member, title="A hidden question", hidden_at=NOW)
        hidden_thread = make_question(author=other, title="Hidden thread", hidden_at=NOW)
        make_answer(question=hidden_thread, author=member)
        visible = make_question(author=other, title="Visible thread")
        make_answer(question=visible, author=member, hidden_at=NOW)
    text = client_a.get(_url(member)).text
    assert "A visible question" in text
    assert "A hidden question" not in text and "Hidden thread" not in text
    assert "Visible thread" not in text
    assert 'Questions <span class="muted">(1)</span>' in text
    assert 'Answers <span class="muted">(0)</span>' in text


def test_the_reputation_history_is_for_the_member_alone(client_a, tenant_a, member, member_factory):
    voter = member_factory(tenant_a)
    with tenant_a.activate():
        question = make_question(author=member, title="Rotating keys")
        vote_cast(member=voter, question=question, value=1)
    with tenant_a.activate():
        client_a.force_login(voter)
    assert "Your reputation history" not in client_a.get(_url(member)).text
    with tenant_a.activate():
        client_a.force_login(member)
    text = client_a.get(_url(member)).text
    assert "Your reputation history" in text
    assert "Question voted up" in text and "+10" in text
    assert f'href="/community/questions/{question.pk}/">Rotating keys</a>' in text


def test_unknown_and_inactive_members_are_not_found(client_a, tenant_a, member):
    with tenant_a.activate():
        get_user_model().objects.filter(pk=member.pk).update(is_active=False)
    assert client_a.get(_url(member)).status_code == HTTPStatus.NOT_FOUND
    assert client_a.get("/community/members/999999/").status_code == HTTPStatus.NOT_FOUND


def test_portal_a_members_are_not_found_on_portal_b(client_b, tenant_b, member):
    with tenant_b.activate():
        assert not get_user_model().objects.filter(pk=member.pk).exists()
    response = client_b.get(_url(member))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Ada Lovelace" not in response.text


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    return len(queries)


@pytest.mark.parametrize("viewer", ["visitor", "the member", "another member"])
def test_the_profile_costs_the_same_for_few_or_many_posts(
    client_a, tenant_a, member_factory, django_assert_max_num_queries, viewer
):
    counts = []
    for size in (1, 25):
        author, voter, other = (member_factory(tenant_a) for _ in range(3))
        with tenant_a.activate():
            for n in range(min(size, 3)):
                give_badge(member=author, badge=make_badge(name=f"Expert {size}-{n}"))
            thread = make_question(author=other, tags=["cloud"])
            for _ in range(size):
                question = make_question(author=author, tags=["cloud", "ops"])
                vote_cast(member=voter, question=question, value=1)
                answer = make_answer(question=thread, author=author)
                vote_cast(member=voter, answer=answer, value=1)
            answer_accept(member=other, answer=answer)
            if viewer != "visitor":
                client_a.force_login(author if viewer == "the member" else voter)
        client_a.get(_url(author))  # warm the per-portal caches (site root paths)
        with django_assert_max_num_queries(QUERY_BUDGET):
            counts.append(_queries(client_a, _url(author)))
    assert counts[0] == counts[1]
    with tenant_a.activate():
        assert Question.objects.filter(author=author).count() == 25
        assert Answer.objects.filter(author=author).count() == 25
    print(f"member profile seen by {viewer}: {counts[0]} queries")
