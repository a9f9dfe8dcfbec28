"""The community's lists: home (newest, active, unanswered), pagination, tags, a tag's page,
the "unanswered in my expertise" queue, tenant isolation and query budgets."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from certification.api import member_badges_summary
from community.models import Question
from tests.factories.certification import take_exam
from tests.factories.community_lists import (
    certify,
    make_answer,
    make_mvp_title,
    make_question,
    make_tag,
)
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
T0 = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0 + timedelta(days=30), tick=False)
    return time_machine


@pytest.fixture
def asker(tenant_a, member_factory):
    return member_factory(tenant_a, display_name="Ada Asker", email="ada.secret@example.com")


def _login(client, tenant, user) -> None:
    with tenant.activate():
        client.force_login(user)


def _titles(html: str) -> list[str]:
    """The question titles of a list page, in order."""
    return re.findall(r'id="question-\d+-title">\s*<a href="[^"]+">([^<]+)</a>', html)


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return response.content.decode()


def test_home_lists_newest_first_with_count_tags_and_no_hidden_questions(
    client_a, tenant_a, asker, clock
):
    with tenant_a.activate():
        tag = make_tag(name="Networking")
        make_question(author=asker, title="Oldest about DNS", created_at=T0, tags=[tag])
        make_question(author=asker, title="Middle about VPN", created_at=T0 + timedelta(hours=1))
        make_question(author=asker, title="Newest about TLS", created_at=T0 + timedelta(hours=2))
        make_question(
            author=asker, title="Hidden spam", created_at=T0 + timedelta(hours=3), hidden_at=T0
        )
    html = _page(client_a, "/community/")
    assert _titles(html) == ["Newest about TLS", "Middle about VPN", "Oldest about DNS"]
    assert "3 questions" in html
    assert "Hidden spam" not in html
    assert 'href="/community/tags/networking/"' in html
    assert "<h1>Community</h1>" in html
    assert '<a href="/community/" aria-current="page">Community</a>' in html  # site navigation
    assert '<a href="/community/" aria-current="page">Questions</a>' in html  # community's


def test_rows_show_the_authors_public_name_and_credentials_never_their_email(
    client_a, tenant_a, asker, member_factory
):
    with tenant_a.activate():
        certify(member=asker, name="Cloud Operator")
        mvp = member_factory(tenant_a, display_name="Mia Mvp")
        make_mvp_title(member=mvp)
        make_question(author=asker, title="Certified asks")
        make_question(author=mvp, title="MVP asks")
    html = _page(client_a, "/community/")
    assert "Ada Asker" in html and "Mia Mvp" in html
    assert "ada.secret" not in html
    with tenant_a.activate():
        for member in (asker, mvp):
            for credential in member_badges_summary(member_ids=[member.pk])[member.pk]:
                assert f'href="{credential.verify_url}"' in html
    assert "Cloud Operator" in html and "MVP" in html


def test_active_puts_the_most_recently_active_first(client_a, tenant_a, asker):
    with tenant_a.activate():
        old = make_question(author=asker, title="Asked long ago", created_at=T0)
        make_question(author=asker, title="Asked recently", created_at=T0 + timedelta(days=2))
        make_answer(question=old, author=asker, created_at=T0 + timedelta(days=3))
    assert _titles(_page(client_a, "/community/?sort=active")) == [
        "Asked long ago",
        "Asked recently",
    ]
    assert _titles(_page(client_a, "/community/?sort=newest")) == [
        "Asked recently",
        "Asked long ago",
    ]


def test_unanswered_leaves_out_answered_and_closed_questions(client_a, tenant_a, asker):
    with tenant_a.activate():
        answered = make_question(author=asker, title="Has an answer")
        make_answer(question=answered, author=asker)
        make_question(author=asker, title="Closed one", closed_at=T0)
        make_question(author=asker, title="Still waiting")
    html = _page(client_a, "/community/?sort=unanswered")
    assert _titles(html) == ["Still waiting"]
    assert "<title>Unanswered questions · Community" in html
    assert '<a href="/community/?sort=unanswered" aria-current="page">Unanswered</a>' in html


@pytest.mark.parametrize("sort", ["bogus", "", "-created_at", "<script>"])
def test_an_unknown_sort_shows_the_newest(client_a, tenant_a, asker, sort):
    with tenant_a.activate():
        make_question(author=asker, title="Only question")
    html = _page(client_a, f"/community/?sort={sort}")
    assert _titles(html) == ["Only question"]
    assert "Newest questions" in html


def test_pages_of_twenty_keep_the_sort_and_bad_page_numbers_fall_back(client_a, tenant_a, asker):
    with tenant_a.activate():
        for number in range(25):
            make_question(
                author=asker, title=f"Question {number:02d}", created_at=T0 + timedelta(number)
            )
    first = _page(client_a, "/community/?sort=newest")
    assert len(_titles(first)) == 20
    assert _titles(first)[0] == "Question 24"
    assert 'href="?sort=newest&amp;page=2" rel="next"' in first
    second = _page(client_a, "/community/?sort=newest&page=2")
    assert _titles(second) == [f"Question {n:02d}" for n in range(4, -1, -1)]
    assert 'rel="prev"' in second and "Page 2 of 2" in second
    for bad in ["abc", "0", "-1", "1e9", "%00", "99999999999999999999"]:
        html = _page(client_a, f"/community/?page={bad}")
        assert len(_titles(html)) in (20, 5), bad  # the first page, or the last
    assert _titles(_page(client_a, "/community/?page=999")) == _titles(second)


def test_an_empty_community_invites_the_first_question(client_a):
    html = _page(client_a, "/community/")
    assert "No questions yet" in html
    assert 'href="/community/ask/"' in html
    assert "0 questions" in html


def test_the_tags_page_counts_visible_questions_and_filters_by_name(client_a, tenant_a, asker):
    with tenant_a.activate():
        busy = make_tag(name="Kubernetes", description="Pods, deployments and clusters.")
        quiet = make_tag(name="Billing")
        for _ in range(3):
            make_question(author=asker, tags=[busy])
        make_question(author=asker, tags=[busy], hidden_at=T0)
        make_question(author=asker, tags=[quiet])
    html = _page(client_a, "/community/tags/")
    assert html.index("Kubernetes") < html.index("Billing")  # most used first
    assert "3 questions" in html and "1 question<" in html
    assert "Pods, deployments and clusters." in html
    assert '<a href="/community/tags/" aria-current="page">Tags</a>' in html
    filtered = _page(client_a, "/community/tags/?name=bill")
    assert "Billing" in filtered and "Kubernetes" not in filtered
    assert "No tag matches" in _page(client_a, "/community/tags/?name=zzz")


def test_a_tag_page_shows_its_description_course_and_only_its_questions(client_a, tenant_a, asker):
    with tenant_a.activate():
        course = make_course(title="Kubernetes Basics", lessons=1)
        tag = make_tag(name="Kubernetes", description="Pods and clusters.", course=course)
        other = make_tag(name="Billing")
        make_question(author=asker, title="Pods keep restarting", tags=[tag])
        make_question(author=asker, title="Invoice is wrong", tags=[other])
        answered = make_question(author=asker, title="Answered pods", tags=[tag])
        make_answer(question=answered, author=asker)
    html = _page(client_a, "/community/tags/kubernetes/")
    assert set(_titles(html)) == {"Pods keep restarting", "Answered pods"}
    assert "Pods and clusters." in html
    assert "Learn it: Kubernetes Basics" in html and 'href="/courses/kubernetes-basics/"' in html
    assert "<title>Questions tagged Kubernetes · Community" in html
    unanswered = _page(client_a, "/community/tags/kubernetes/?sort=unanswered")
    assert _titles(unanswered) == ["Pods keep restarting"]


def test_an_unknown_tag_is_not_found(client_a):
    assert client_a.get("/community/tags/no-such-tag/").status_code == HTTPStatus.NOT_FOUND


def test_the_expertise_queue_needs_sign_in(client_a):
    response = client_a.get("/community/unanswered/")
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


@pytest.fixture
def queue_questions(tenant_a, asker):
    """Unanswered questions under a tag tied to "Cloud Operator" and under an untied tag."""
    with tenant_a.activate():
        cloud = certify(member=asker, name="Cloud Operator")  # asker's own cert, irrelevant
        tied = make_tag(name="Cloud", certifications=[cloud])
        untied = make_tag(name="Billing")
        make_question(author=asker, title="Cloud question open", tags=[tied])
        make_question(author=asker, title="Billing question open", tags=[untied])
        make_question(author=asker, title="Cloud question closed", tags=[tied], closed_at=T0)
        done = make_question(author=asker, title="Cloud question answered", tags=[tied])
        make_answer(question=done, author=asker)
    return cloud


def test_a_certified_member_sees_unanswered_questions_tied_to_their_certifications(
    client_a, tenant_a, member_factory, queue_questions
):
    with tenant_a.activate():
        expert = member_factory(tenant_a)
        take_exam(member=expert, exam=queue_questions.exam)
    _login(client_a, tenant_a, expert)
    html = _page(client_a, "/community/unanswered/")
    assert _titles(html) == ["Cloud question open"]
    assert "Cloud Operator" in html
    assert '<a href="/community/unanswered/" aria-current="page">In my expertise</a>' in html


def test_an_mvp_sees_every_unanswered_open_question(
    client_a, tenant_a, member_factory, queue_questions
):
    with tenant_a.activate():
        mvp = member_factory(tenant_a)
        make_mvp_title(member=mvp)
    _login(client_a, tenant_a, mvp)
    html = _page(client_a, "/community/unanswered/")
    assert set(_titles(html)) == {"Cloud question open", "Billing question open"}
    assert "As an MVP or staff member" in html


def test_an_uncertified_member_is_told_how_to_get_certified(
    client_a, tenant_a, member_factory, queue_questions
):
    with tenant_a.activate():
        member = member_factory(tenant_a)
    _login(client_a, tenant_a, member)
    html = _page(client_a, "/community/unanswered/")
    assert _titles(html) == []
    assert "you hold none yet" in html
    assert 'href="/certification/"' in html


def test_another_portal_never_lists_or_finds_this_portals_questions_and_tags(
    client_a, client_b, tenant_a, asker
):
    with tenant_a.activate():
        tag = make_tag(name="Alpha Only")
        make_question(author=asker, title="Alpha secret question", tags=[tag])
    assert "Alpha secret question" in _page(client_a, "/community/")
    for path in ["/community/", "/community/?sort=unanswered", "/community/tags/"]:
        html = _page(client_b, path)
        assert "Alpha secret question" not in html and "Alpha Only" not in html, path
    assert client_b.get("/community/tags/alpha-only/").status_code == HTTPStatus.NOT_FOUND


def _count(client, path: str, assert_max) -> int:
    """Queries of one request to ``path``, after a first one warmed the per-portal caches."""
    client.get(path)
    with assert_max(QUERY_BUDGET), CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


def _fill(tenant, author, *, total: int, tags) -> None:
    """``total`` questions, each tagged, with authors holding certifications."""
    with tenant.activate():
        have = Question.objects.count()
        for number in range(have, total):
            make_question(author=author, title=f"Budget question {number}", tags=tags)


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize(
    "path",
    [
        "/community/",
        "/community/?sort=active",
        "/community/?sort=unanswered",
        "/community/?sort=newest&page=2",
        "/community/tags/",
        "/community/tags/cloud/",
    ],
)
def test_lists_cost_the_same_for_3_or_30_questions(
    client_a, tenant_a, asker, member_factory, django_assert_max_num_queries, signed_in, path
):
    with tenant_a.activate():
        certify(member=asker, name="Cloud Operator")
        tags = [make_tag(name="Cloud"), make_tag(name="Networking")]
        viewer = member_factory(tenant_a)
    if signed_in:
        _login(client_a, tenant_a, viewer)
    counts = []
    for total in (23, 60) if "page=2" in path else (3, 30):
        _fill(tenant_a, asker, total=total, tags=tags)
        counts.append(_count(client_a, path, django_assert_max_num_queries))
    assert counts[0] == counts[1], counts
    print(f"{path} signed_in={signed_in}: {counts[0]} queries")


@pytest.mark.parametrize("who", ["certified", "mvp", "uncertified"])
def test_the_expertise_queue_costs_the_same_for_3_or_30_questions(
    client_a, tenant_a, asker, member_factory, django_assert_max_num_queries, who
):
    with tenant_a.activate():
        cloud = certify(member=asker, name="Cloud Operator")
        tags = [make_tag(name="Cloud", certifications=[cloud]), make_tag(name="Networking")]
        viewer = member_factory(tenant_a)
        if who == "certified":
            take_exam(member=viewer, exam=cloud.exam)
        elif who == "mvp":
            make_mvp_title(member=viewer)
    _login(client_a, tenant_a, viewer)
    counts = []
    for total in (3, 30):
        _fill(tenant_a, asker, total=total, tags=tags)
        counts.append(_count(client_a, "/community/unanswered/", django_assert_max_num_queries))
    assert counts[0] == counts[1], counts
    print(f"expertise queue ({who}): {counts[0]} queries")


def test_a_large_total_is_counted_once_a_minute_and_a_small_one_every_time(
    tenant_a, asker, monkeypatch
):
    from community import list_selectors

    monkeypatch.setattr(list_selectors, "COUNT_CACHE_FROM", 3)
    with tenant_a.activate():
        make_question(author=asker, title="First")
        make_question(author=asker, title="Second")
        assert list_selectors.question_list(sort="newest").page.paginator.count == 2
        make_question(author=asker, title="Third")  # 3: exact, and now kept
        assert list_selectors.question_list(sort="newest").page.paginator.count == 3
        make_question(author=asker, title="Fourth")
        found = list_selectors.question_list(sort="newest")
        assert found.page.paginator.count == 3  # the kept total, for a minute
        assert [row.question.title for row in found.rows][0] == "Fourth"  # rows are live
        unanswered = list_selectors.question_list(sort="unanswered")  # its own total
        assert unanswered.page.paginator.count == 4
