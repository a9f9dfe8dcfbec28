"""Ideas and complaints, safety: every URL is isolated per portal, writes need CSRF, script
in titles, texts, comments and explanations comes out inert, and the pages keep a constant
query budget (<= 12) whatever the numbers of items, comments and status changes."""

from http import HTTPStatus

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from community import idea_services as services
from community.models import Idea, IdeaComment, IdeaStatusChange
from tests.factories.ideas import make_area, make_idea, make_idea_manager

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12


@pytest.fixture
def people(tenant_a, member_factory):
    names = ("author", "voter", "other")
    found = {name: member_factory(tenant_a, display_name=name.title()) for name in names}
    with tenant_a.activate():
        found["staff"] = make_idea_manager(email="pm@a.localhost", display_name="Pat Product")
        found["idea"] = make_idea(author=found["author"], title="Export invoices as CSV")
    return found


def _login(client, tenant, member):
    with tenant.activate():
        client.force_login(member)
    return client


def _state(tenant, idea) -> tuple:
    with tenant.activate():
        idea = Idea.objects.get(pk=idea.pk)
        return (
            idea.status,
            idea.score,
            idea.comment_count,
            idea.follower_count,
            idea.merged_into_id,
            idea.hidden_at,
            idea.title,
        )


# Tenant isolation ------------------------------------------------------------------------------


def test_every_idea_url_of_portal_a_is_a_404_on_portal_b(
    client_b, tenant_a, tenant_b, people, member_factory
):
    with tenant_a.activate():
        comment = services.idea_comment(author=people["voter"], idea=people["idea"], body_md="Hi!")
        target = make_idea(author=people["other"], title="Another idea in portal A")
    pk = people["idea"].pk
    with tenant_b.activate():
        assert not Idea.objects.filter(pk__in=[pk, target.pk]).exists()
        staff_b = make_idea_manager(email="pm@b.localhost", superuser=True)
    before = _state(tenant_a, people["idea"])
    client = _login(client_b, tenant_b, staff_b)  # even a superuser of B
    for url in (f"/community/ideas/{pk}/", f"/community/ideas/{pk}/edit/"):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url
    for url, data in (
        (f"/community/ideas/{pk}/vote/", {"value": "up"}),
        (f"/community/ideas/{pk}/comment/", {"body": "From portal B"}),
        (f"/community/ideas/{pk}/follow/", {}),
        (f"/community/ideas/{pk}/status/", {"status": "declined", "explanation": "B says no"}),
        (f"/community/ideas/{pk}/merge/", {"target": str(target.pk)}),
        (f"/community/ideas/{pk}/hide/", {}),
        (f"/community/ideas/{pk}/edit/", {"title": "Renamed from B"}),
        (f"/community/ideas/comments/{comment.pk}/hide/", {}),
    ):
        assert client.post(url, data).status_code == HTTPStatus.NOT_FOUND, url
    assert _state(tenant_a, people["idea"]) == before


def test_lists_and_suggestions_of_portal_b_never_show_portal_a(client_b, tenant_b, people):
    with tenant_b.activate():
        make_area(name="Billing")
    html = client_b.get("/community/ideas/").content.decode()
    assert "Export invoices as CSV" not in html and "No ideas or complaints yet" in html
    similar = client_b.get("/community/ideas/similar/?title=export invoices csv").content
    assert b"Export invoices" not in similar
    new = _login(client_b, tenant_b, make_member_b(tenant_b)).get("/community/ideas/new/")
    assert "Billing" in new.content.decode() and "Console" not in new.content.decode()


def make_member_b(tenant_b):
    from tests.factories.accounts import make_member

    with tenant_b.activate():
        return make_member(email="member@b.localhost")


# CSRF --------------------------------------------------------------------------------------


def test_every_write_needs_the_csrf_token(tenant_a, people):
    pk = people["idea"].pk
    with tenant_a.activate():
        comment = services.idea_comment(author=people["voter"], idea=people["idea"], body_md="Hi!")
        area = make_area()
    before = _state(tenant_a, people["idea"])
    for member in (people["voter"], people["staff"]):
        strict = Client(HTTP_HOST=tenant_a.domain, enforce_csrf_checks=True)
        _login(strict, tenant_a, member)
        for url, data in (
            (
                "/community/ideas/new/",
                {"kind": "idea", "title": "Sneaky new idea", "area": area.pk},
            ),
            (f"/community/ideas/{pk}/vote/", {"value": "up"}),
            (f"/community/ideas/{pk}/comment/", {"body": "Forged comment"}),
            (f"/community/ideas/{pk}/follow/", {}),
            (f"/community/ideas/{pk}/status/", {"status": "declined", "explanation": "Forged"}),
            (f"/community/ideas/{pk}/merge/", {"target": "1"}),
            (f"/community/ideas/{pk}/hide/", {}),
            (f"/community/ideas/{pk}/edit/", {"title": "Forged title here"}),
            (f"/community/ideas/comments/{comment.pk}/hide/", {}),
        ):
            assert strict.post(url, data).status_code == HTTPStatus.FORBIDDEN, url
    assert _state(tenant_a, people["idea"]) == before
    with tenant_a.activate():
        assert Idea.objects.count() == 1 and IdeaComment.objects.count() == 1


# XSS ---------------------------------------------------------------------------------------

VECTORS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    "<svg><script>alert(1)</script></svg>",
    '"><iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
]


def _inert(html: str) -> None:
    lowered = html.lower()
    assert "<script>alert" not in lowered
    assert "onerror=" not in lowered.replace("onerror=&quot;", "")
    assert 'href="javascript:' not in lowered
    assert '<iframe src="https://evil' not in lowered and "<svg><script" not in lowered
    assert "<style>body" not in lowered and 'href="data:' not in lowered


def test_script_in_every_user_text_comes_out_inert(client_a, tenant_a, people):
    vector = " ".join(VECTORS)
    with tenant_a.activate():
        idea = make_idea(
            author=people["author"], title=("T " + VECTORS[0] + VECTORS[1])[:150], body=vector
        )
        services.idea_comment(author=people["voter"], idea=idea, body_md=vector)
        services.idea_comment(author=people["staff"], idea=idea, body_md=vector)
        services.idea_status_set(
            idea=idea, staff=people["staff"], status="declined", explanation_md=vector
        )
        dup = make_idea(author=people["other"], title=VECTORS[1], body=vector)
        services.idea_merge(duplicate=dup, target=idea, staff=people["staff"])
    client = _login(client_a, tenant_a, people["staff"])
    for url in (
        f"/community/ideas/{idea.pk}/",
        f"/community/ideas/{dup.pk}/",
        "/community/ideas/",
        "/community/ideas/similar/?title=" + VECTORS[0],
        "/community/notifications/",
        "/admin/community/ideas/",
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        _inert(response.content.decode())
    page = client.get(f"/community/ideas/{idea.pk}/").content.decode()
    assert "&lt;script&gt;alert(" in page  # shown as text, not dropped silently


def test_the_preview_renders_as_the_saved_text_would(client_a, tenant_a, people):
    client = _login(client_a, tenant_a, people["voter"])
    html = client.post("/community/preview/", {"body": " ".join(VECTORS)}).content.decode()
    _inert(html)


# Query budgets ---------------------------------------------------------------------------------


def _count(client, path: str, assert_max) -> int:
    client.get(path)  # warms the per-portal caches
    with assert_max(QUERY_BUDGET), CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


def _fill_list(tenant, people, total: int) -> None:
    with tenant.activate():
        have = Idea.objects.count()
        areas = [make_area(name="Console"), make_area(name="Billing", position=1)]
        for number in range(have, total):
            idea = make_idea(
                author=people["other"],
                title=f"Budget idea number {number}",
                area=areas[number % 2],
                kind="complaint" if number % 3 else "idea",
            )
            if number % 4 == 0:
                services.idea_status_set(idea=idea, staff=people["staff"], status="planned")


@pytest.mark.parametrize("viewer", ["visitor", "member", "staff"])
@pytest.mark.parametrize(
    "path", ["/community/ideas/", "/community/ideas/?sort=newest&kind=complaint&area=billing"]
)
def test_the_list_costs_the_same_for_3_or_30_items(
    client_a, tenant_a, people, django_assert_max_num_queries, viewer, path
):
    if viewer != "visitor":
        _login(client_a, tenant_a, people["voter" if viewer == "member" else "staff"])
    counts = []
    for total in (3, 30):
        _fill_list(tenant_a, people, total)
        counts.append(_count(client_a, path, django_assert_max_num_queries))
    assert counts[0] == counts[1], counts
    print(f"ideas list {path} ({viewer}): {counts[0]} queries")  # noqa: T201


def _fill_page(tenant, people, idea, comments: int, changes: int) -> None:
    statuses = ["under_review", "planned", "in_progress", "done"]
    with tenant.activate():
        have = IdeaComment.objects.filter(idea=idea).count()
        for number in range(have, comments):
            author = people["staff"] if number % 3 == 0 else people["voter"]
            services.idea_comment(author=author, idea=idea, body_md=f"Comment number {number}")
        have = IdeaStatusChange.objects.filter(idea=idea).count()
        for number in range(have, changes):
            services.idea_status_set(
                idea=idea,
                staff=people["staff"],
                status=statuses[number % 4],
                explanation_md=f"Step {number}",
            )
        for number in range(2 if comments > 2 else 1):
            dup = make_idea(author=people["other"], title=f"Duplicate {comments} {number} here")
            services.idea_merge(duplicate=dup, target=idea, staff=people["staff"])


@pytest.mark.parametrize("viewer", ["visitor", "member", "author", "staff", "superuser"])
def test_an_item_costs_the_same_with_2_or_40_comments_and_changes(
    client_a, tenant_a, people, django_assert_max_num_queries, viewer
):
    idea = people["idea"]
    if viewer == "superuser":
        with tenant_a.activate():
            people["superuser"] = make_idea_manager(email="root@a.localhost", superuser=True)
    if viewer != "visitor":
        _login(client_a, tenant_a, people["voter" if viewer == "member" else viewer])
    counts = []
    for size in (2, 40):
        _fill_page(tenant_a, people, idea, comments=size, changes=size)
        counts.append(
            _count(client_a, f"/community/ideas/{idea.pk}/", django_assert_max_num_queries)
        )
    assert counts[0] == counts[1], counts
    print(f"idea page ({viewer}): {counts[0]} queries")  # noqa: T201


def test_the_forms_keep_the_budget(client_a, tenant_a, people, django_assert_max_num_queries):
    _login(client_a, tenant_a, people["author"])
    counts = {
        "new": _count(client_a, "/community/ideas/new/", django_assert_max_num_queries),
        "edit": _count(
            client_a, f"/community/ideas/{people['idea'].pk}/edit/", django_assert_max_num_queries
        ),
        "similar": _count(
            client_a,
            "/community/ideas/similar/?title=export invoices",
            django_assert_max_num_queries,
        ),
    }
    print(f"idea forms: {counts}")  # noqa: T201
