"""Ideas in the Wagtail admin (Community › Ideas to answer, Product areas) and the demo seed:
ideas and complaints in every status, declined ones with their reasons, a merged duplicate,
eight weeks of realistic response and resolution times; seeded once."""

from datetime import timedelta
from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from community import idea_services as services
from community.idea_selectors import idea_times, idea_times_by_week
from community.models import Idea, IdeaStatus, IdeaVote, ProductArea
from tests.factories.ideas import make_area, make_idea, make_idea_manager

pytestmark = pytest.mark.django_db

ADMIN = "/admin/community/ideas/"
QUERY_BUDGET = 12


@pytest.fixture
def people(tenant_a, member_factory):
    found = {"author": member_factory(tenant_a, display_name="Ada Author")}
    with tenant_a.activate():
        found["staff"] = make_idea_manager(email="pm@a.localhost", display_name="Pat Product")
        found["root"] = make_idea_manager(email="root@a.localhost", superuser=True)
    return found


def _login(client, tenant, member):
    with tenant.activate():
        client.force_login(member)
    return client


def test_ideas_to_answer_lists_unanswered_items_oldest_first(client_a, tenant_a, people, clock):
    with tenant_a.activate():
        old = make_idea(author=people["author"], title="The oldest unanswered idea")
        clock.shift(timedelta(hours=1))
        answered = make_idea(author=people["author"], title="An idea the staff answered")
        clock.shift(timedelta(hours=1))
        new = make_idea(author=people["author"], kind="complaint", title="A fresh complaint here")
        services.idea_comment(author=people["staff"], idea=answered, body_md="On it.")
        hidden = make_idea(author=people["author"], title="Something abusive to hide")
        services.idea_hide(idea=hidden, staff=people["staff"])
    client = _login(client_a, tenant_a, people["staff"])
    html = client.get(ADMIN).content.decode()
    assert html.index("The oldest unanswered idea") < html.index("A fresh complaint here")
    assert f'href="/community/ideas/{old.pk}/#staff"' in html
    assert f'href="/community/ideas/{new.pk}/#staff"' in html
    assert "An idea the staff answered" not in html and "Something abusive" not in html
    assert "Response and resolution times" in html and "Console" in html


def test_only_staff_who_manage_ideas_open_the_list(client_a, tenant_a, people, member_factory):
    with tenant_a.activate():
        editor = make_idea_manager(email="editor@a.localhost", manage=False)
    response = _login(client_a, tenant_a, editor).get(ADMIN)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Can set the status of ideas and merge them" in response.content.decode()
    menu = _login(client_a, tenant_a, people["staff"]).get("/admin/").content.decode()
    assert "Ideas to answer" in menu
    member = _login(client_a, tenant_a, people["author"]).get(ADMIN)
    assert response.status_code != HTTPStatus.OK and member.status_code != HTTPStatus.OK


def test_the_list_of_portal_b_never_shows_portal_a(client_b, tenant_a, tenant_b, people):
    with tenant_a.activate():
        make_idea(author=people["author"], title="An idea of portal A")
    with tenant_b.activate():
        root_b = make_idea_manager(email="root@b.localhost", superuser=True)
    html = _login(client_b, tenant_b, root_b).get(ADMIN).content.decode()
    assert (
        "An idea of portal A" not in html and "Every idea and complaint has a staff answer" in html
    )


def test_the_list_keeps_its_query_budget(client_a, tenant_a, people, django_assert_max_num_queries):
    client = _login(client_a, tenant_a, people["root"])
    counts = []
    for total in (3, 30):
        with tenant_a.activate():
            for number in range(Idea.objects.count(), total):
                make_idea(author=people["author"], title=f"Waiting idea number {number}")
        client.get(ADMIN)
        with django_assert_max_num_queries(QUERY_BUDGET), CaptureQueriesContext(connection) as q:
            assert client.get(ADMIN).status_code == HTTPStatus.OK
        counts.append(len(q))
    assert counts[0] == counts[1], counts
    print(f"ideas to answer: {counts[0]} queries")  # noqa: T201


def test_product_areas_are_edited_as_snippets(client_a, tenant_a, people):
    with tenant_a.activate():
        make_area(name="Billing")
    client = _login(client_a, tenant_a, people["root"])
    html = client.get("/admin/snippets/community/productarea/").content.decode()
    assert "Billing" in html
    response = client.post(
        "/admin/snippets/community/productarea/add/",
        {"name": "Mobile app", "slug": "mobile-app", "description": "", "position": "3"},
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    with tenant_a.activate():
        assert ProductArea.objects.filter(slug="mobile-app").exists()


def test_times_per_area_and_week(tenant_a, people, clock):
    with tenant_a.activate():
        console, billing = make_area(name="Console"), make_area(name="Billing", position=1)
        fast = make_idea(author=people["author"], title="Answered in two hours", area=console)
        slow = make_idea(author=people["author"], title="Answered in ten hours", area=console)
        make_idea(author=people["author"], title="Never answered at all", area=billing)
        clock.shift(timedelta(hours=2))
        services.idea_status_set(idea=fast, staff=people["staff"], status="done")
        clock.shift(timedelta(hours=8))
        services.idea_comment(author=people["staff"], idea=slow, body_md="Looking")
        total, areas = idea_times(since=timezone.now() - timedelta(days=1))
        weeks = idea_times_by_week(since=timezone.now() - timedelta(days=30))
    assert (total.submitted, total.responded, total.resolved) == (3, 2, 1)
    assert total.median_response_hours == pytest.approx(6.0)
    by_name = {row.label: row for row in areas}
    assert by_name["Console"].median_response_hours == pytest.approx(6.0)
    assert by_name["Console"].median_resolution_hours == pytest.approx(2.0)
    assert (by_name["Billing"].responded, by_name["Billing"].median_response_hours) == (0, None)
    assert sum(week.submitted for week in weeks) == 3


# The demo seed -----------------------------------------------------------------------------


def test_the_demo_ideas_are_seeded_once_with_every_status(tenant_a, member_factory):
    from community.demo_ideas import FIRST_TITLE, seed

    for email in ("learner1", "learner2", "learner3", "jonas", "sofia"):
        member_factory(tenant_a, email=f"{email}@demo.localhost")
    member_factory(tenant_a, email="staff@demo.localhost", staff=True)
    with tenant_a.activate():
        lines = seed(staff_email="staff@demo.localhost", password="x")
        assert any("merged into" in line for line in lines)
        counts = (Idea.objects.count(), IdeaVote.objects.count(), ProductArea.objects.count())
        assert seed(staff_email="staff@demo.localhost", password="x") == []
        assert (Idea.objects.count(), IdeaVote.objects.count(), ProductArea.objects.count()) == (
            counts
        )
        assert Idea.objects.filter(title=FIRST_TITLE).count() == 1
        listed = Idea.objects.filter(merged_into__isnull=True)
        for status in IdeaStatus.values:
            for kind in Idea.Kind.values:
                assert listed.filter(status=status, kind=kind).exists(), (status, kind)
        declined = Idea.objects.filter(status="declined")
        assert declined.count() >= 2 and all(i.explanation_html for i in declined)
        merged = Idea.objects.get(merged_into__isnull=False)
        assert not IdeaVote.objects.filter(idea=merged).exists()
        target = merged.merged_into
        assert target.score == sum(
            IdeaVote.objects.filter(idea=target).values_list("value", flat=True)
        )
        now = timezone.now()
        oldest = Idea.objects.order_by("created_at").first().created_at
        assert now - oldest > timedelta(weeks=7) and now - oldest < timedelta(weeks=8, days=1)
        for idea in Idea.objects.filter(first_staff_response_at__isnull=False):
            assert idea.created_at < idea.first_staff_response_at <= now
            assert idea.resolved_at is None or idea.resolved_at >= idea.first_staff_response_at
        total, _ = idea_times(since=now - timedelta(weeks=8))
        assert total.median_response_hours and 1 < total.median_response_hours < 24 * 7
        assert total.median_resolution_hours and total.median_resolution_hours > 1
