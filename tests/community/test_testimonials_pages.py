"""The author's testimonial pages, the testimonials page and the home page block, over real
HTTP through the tenant middleware: only the author reaches their testimonial, approval carries
the version shown, withdrawal unpublishes in the same request, schema.org Review microdata,
inert XSS, tenant isolation and query budgets (constant with 3 or 60 published)."""

from html.parser import HTMLParser
from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from community import models
from community import testimonial_services as services
from courses.models import CoursePage
from portal.accounts.models import User
from portal.models import HomePage
from tests.factories.accounts import make_member
from tests.factories.courses import make_course
from tests.factories.testimonials import (
    EDITED,
    TEXT,
    awaiting,
    invited,
    make_testimonial_staff,
    make_testimonials_page,
    published,
    written,
)

pytestmark = pytest.mark.django_db

Status = models.Testimonial.Status
QUERY_BUDGET = 12
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def people(tenant_a, member_factory):
    found = {
        "author": member_factory(tenant_a, display_name="Amara Author"),
        "other": member_factory(tenant_a, display_name="Otto Other"),
    }
    with tenant_a.activate():
        found["staff"] = make_testimonial_staff(display_name="Sam Staff")
    return found


def _login(client, tenant, member):
    with tenant.activate():
        client.force_login(member)
    return client


def _html(response) -> str:
    return response.content.decode()


# A small microdata reader (https://html.spec.whatwg.org/multipage/microdata.html) ----------


class _Microdata(HTMLParser):
    VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items: list[dict] = []
        self.stack: list[dict] = []

    def _scope(self):
        return next((e["item"] for e in reversed(self.stack) if e["item"] is not None), None)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        parent, prop = self._scope(), attrs.get("itemprop")
        entry = {"tag": tag, "item": None, "prop": prop, "text": None, "parent": parent}
        if "itemscope" in attrs:
            entry["item"] = {"type": attrs.get("itemtype"), "props": {}}
            if prop and parent is not None:
                parent["props"].setdefault(prop, []).append(entry["item"])
            elif not prop:
                self.items.append(entry["item"])
        elif prop and parent is not None:
            value = attrs.get("content") if tag == "meta" else None
            value = attrs.get("href") if tag in ("a", "link") else value
            if value is not None:
                parent["props"].setdefault(prop, []).append(value)
            else:
                entry["text"] = []
        if tag not in self.VOID:
            self.stack.append(entry)

    def handle_data(self, data):
        for entry in self.stack:
            if entry["text"] is not None:
                entry["text"].append(data)

    def handle_endtag(self, tag):
        while self.stack:
            entry = self.stack.pop()
            if entry["text"] is not None:
                entry["parent"]["props"].setdefault(entry["prop"], []).append(
                    " ".join("".join(entry["text"]).split())
                )
            if entry["tag"] == tag:
                break


def reviews(html: str) -> list[dict]:
    parser = _Microdata()
    parser.feed(html)
    return [item for item in parser.items if item["type"] == "https://schema.org/Review"]


# The author's pages ----------------------------------------------------------------------


def test_my_testimonials_lists_invitations_first_with_their_next_step(client_a, tenant_a, people):
    with tenant_a.activate():
        course = make_course(title="Getting started", lessons=0)
        done = published(member=people["author"], staff=people["staff"])
        waiting = awaiting(member=people["author"], staff=people["staff"], course=course)
        invitation = invited(member=people["author"])
    html = _html(_login(client_a, tenant_a, people["author"]).get("/community/testimonials/mine/"))
    assert html.index(f"/community/testimonials/{invitation.pk}/write/") < html.index(
        f"/community/testimonials/{done.pk}/"
    )
    assert "Read the staff's version and approve" in html
    assert f"/community/testimonials/{waiting.pk}/" in html
    assert "About “Getting started”" in html


def test_the_author_writes_and_a_bad_text_shows_a_message_and_changes_nothing(
    client_a, tenant_a, people
):
    with tenant_a.activate():
        testimonial = invited(member=people["author"])
    client = _login(client_a, tenant_a, people["author"])
    url = f"/community/testimonials/{testimonial.pk}/write/"
    assert client.get(url).status_code == HTTPStatus.OK
    refused = client.post(url, {"text": "Short", "rating": "9", "author_title": "x" * 200})
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "at least 20 characters" in _html(refused)
    with tenant_a.activate():
        testimonial.refresh_from_db()
        assert testimonial.status == Status.INVITED
    response = client.post(url, {"text": TEXT, "rating": "4", "author_title": "CTO, Acme"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/community/testimonials/{testimonial.pk}/"
    with tenant_a.activate():
        testimonial.refresh_from_db()
        assert (testimonial.status, testimonial.rating) == (Status.SUBMITTED, 4)
        assert testimonial.author_title == "CTO, Acme"


def test_the_approval_page_shows_the_differences_and_the_note_and_approving_publishes(
    client_a, tenant_a, people
):
    with tenant_a.activate():
        testimonial = awaiting(
            member=people["author"],
            staff=people["staff"],
            text="The course was very good and short, really.",
            edited="The course was good and concise, really.",
            note="Tightened a little.",
        )
        version = services.testimonial_version(testimonial)
    client = _login(client_a, tenant_a, people["author"])
    html = _html(client.get(f"/community/testimonials/{testimonial.pk}/"))
    assert '<del><span class="visually-hidden">[removed: </span>very ' in html
    assert '<ins><span class="visually-hidden">[added: </span>concise,' in html
    assert "Removed “very”" in html and "“short,” replaced with “concise,”" in html
    assert "Tightened a little." in html
    assert f'name="version" value="{version}"' in html
    response = client.post(
        f"/community/testimonials/{testimonial.pk}/approve/", {"version": version}
    )
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        testimonial.refresh_from_db()
        assert testimonial.status == Status.PUBLISHED
        assert testimonial.approved_text == "The course was good and concise, really."


def test_a_stale_approval_is_refused_with_the_new_text_shown(client_a, tenant_a, people):
    with tenant_a.activate():
        testimonial = awaiting(member=people["author"], staff=people["staff"])
        stale = services.testimonial_version(testimonial)
        services.testimonial_proofread(
            staff=people["staff"],
            testimonial=testimonial,
            edited_text="A completely different text, from the staff's second pass.",
            version=stale,
        )
    client = _login(client_a, tenant_a, people["author"])
    response = client.post(f"/community/testimonials/{testimonial.pk}/approve/", {"version": stale})
    assert response.status_code == HTTPStatus.CONFLICT
    html = _html(response)
    assert "Staff changed this testimonial since you opened the page" in html
    assert "from the staff&#x27;s second pass." in html
    with tenant_a.activate():
        testimonial.refresh_from_db()
        assert testimonial.status == Status.AWAITING_AUTHOR


def test_withdrawing_removes_it_from_the_page_and_the_home_block_at_once(
    client_a, tenant_a, people
):
    with tenant_a.activate():
        make_testimonials_page()
        _home_with_block()
        testimonial = published(member=people["author"], staff=people["staff"])
    assert EDITED in _html(client_a.get("/testimonials/"))
    assert EDITED in _html(client_a.get("/"))
    client = _login(client_a, tenant_a, people["author"])
    confirm = client.get(f"/community/testimonials/{testimonial.pk}/withdraw/")
    assert "removed from the testimonials page and the home page at once" in _html(confirm)
    response = client.post(f"/community/testimonials/{testimonial.pk}/withdraw/")
    assert response.status_code == HTTPStatus.FOUND
    assert EDITED not in _html(client_a.get("/testimonials/"))
    assert EDITED not in _html(client_a.get("/"))
    again = client.post(f"/community/testimonials/{testimonial.pk}/withdraw/", follow=True)
    assert "already withdrawn" in _html(again)


@pytest.mark.parametrize("action", ["", "write/", "approve/", "withdraw/"])
def test_only_the_author_reaches_a_testimonial(client_a, tenant_a, people, action):
    with tenant_a.activate():
        testimonial = awaiting(member=people["author"], staff=people["staff"])
        superuser = make_member(email="root@a.localhost", staff=True, mfa=True)
        version = services.testimonial_version(testimonial)
    url = f"/community/testimonials/{testimonial.pk}/{action}"
    visitor = client_a.get(url)
    assert visitor.status_code == HTTPStatus.FOUND and "/accounts/login/" in visitor["Location"]
    for who in (people["other"], people["staff"], superuser):
        client = _login(client_a, tenant_a, who)
        method = client.post if action == "approve/" else client.get
        assert method(url, {"version": version}).status_code == HTTPStatus.NOT_FOUND
        if action == "withdraw/":
            assert client.post(url).status_code == HTTPStatus.NOT_FOUND
    with tenant_a.activate():
        testimonial.refresh_from_db()
        assert testimonial.status == Status.AWAITING_AUTHOR


def test_a_testimonial_of_portal_a_is_not_found_on_portal_b(
    client_a, client_b, tenant_a, tenant_b, people, member_factory
):
    with tenant_a.activate():
        make_testimonials_page()
        testimonial = published(member=people["author"], staff=people["staff"])
    with tenant_b.activate():
        make_testimonials_page()
    member_b = member_factory(tenant_b, display_name="Bea")
    client = _login(client_b, tenant_b, member_b)
    for action in ("", "write/", "withdraw/"):
        url = f"/community/testimonials/{testimonial.pk}/{action}"
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert client.post(f"/community/testimonials/{testimonial.pk}/approve/").status_code == 404
    assert EDITED not in _html(client.get("/community/testimonials/mine/"))
    assert EDITED not in _html(client_b.get("/testimonials/"))
    assert EDITED in _html(client_a.get("/testimonials/"))


# The testimonials page and the home block -------------------------------------------------


def _home_with_block(count: int = 3) -> HomePage:
    home = HomePage.objects.get()
    home.body = [("testimonials", {"heading": "What learners say", "count": count})]
    home.save_revision().publish()
    return home


def test_the_page_shows_published_testimonials_newest_first_with_review_markup(
    client_a, tenant_a, people
):
    with tenant_a.activate():
        make_testimonials_page()
        course = make_course(title="Observability", lessons=0)
        about_course = published(
            member=people["author"], staff=people["staff"], course=course, title="SRE, Acme"
        )
        course_url = course.url
        plain = published(
            member=people["other"], staff=people["staff"], rating=None, title="", text=TEXT
        )
        awaiting(member=people["other"], staff=people["staff"], edited="Not yet approved text.")
    html = _html(client_a.get("/testimonials/"))
    assert "Not yet approved text." not in html
    assert people["author"].email not in html and people["other"].email not in html
    found = reviews(html)
    assert [r["props"]["reviewBody"] for r in found] == [[EDITED], [EDITED]]
    newest, oldest = found
    assert newest["props"]["author"][0]["props"] == {"name": ["Otto Other"]}
    assert "reviewRating" not in newest["props"]  # no rating given
    organisation = newest["props"]["itemReviewed"][0]
    assert organisation["type"] == "https://schema.org/Organization"
    assert organisation["props"]["name"] == ["Alpha Academy"]
    assert organisation["props"]["url"] == ["http://a.localhost/"]
    person = oldest["props"]["author"][0]
    assert person["type"] == "https://schema.org/Person"
    assert person["props"] == {"name": ["Amara Author"], "jobTitle": ["SRE, Acme"]}
    rating = oldest["props"]["reviewRating"][0]["props"]
    assert rating == {"worstRating": ["1"], "bestRating": ["5"], "ratingValue": ["5"]}
    reviewed = oldest["props"]["itemReviewed"][0]
    assert reviewed["type"] == "https://schema.org/Course"
    assert reviewed["props"]["name"] == ["Observability"]
    assert reviewed["props"]["url"] == [course_url]
    published_on = timezone.localtime(about_course.published_at).date().isoformat()
    assert oldest["props"]["datePublished"] == [published_on]
    assert plain.pk != about_course.pk


def test_the_home_block_shows_the_latest_with_the_same_markup_and_links_to_the_page(
    client_a, tenant_a, people
):
    with tenant_a.activate():
        make_testimonials_page()
        _home_with_block(count=2)
        for number in range(3):
            published(
                member=people["author"], staff=people["staff"], edited=f"{EDITED} Number {number}."
            )
    html = _html(client_a.get("/"))
    found = reviews(html)
    assert [r["props"]["reviewBody"][0] for r in found] == [
        f"{EDITED} Number 2.",
        f"{EDITED} Number 1.",
    ]
    assert "What learners say" in html
    assert 'href="/testimonials/"' in html


def test_text_title_note_and_diff_are_inert(client_a, tenant_a, people, member_factory):
    with tenant_a.activate():
        make_testimonials_page()
        _home_with_block()
        author = make_member(email="xss@a.localhost", display_name="Xavier")
        evil = f"Evil text {XSS} with enough characters."
        testimonial = awaiting(
            member=author,
            staff=people["staff"],
            text=evil,
            edited=f"Edited {XSS} text, quite long.",
            note=f"Note {XSS}",
            title=f"CTO {XSS}"[:120],
        )
        version = services.testimonial_version(testimonial)
    client = _login(client_a, tenant_a, author)
    pages = [
        client.get(f"/community/testimonials/{testimonial.pk}/"),
        client.get(f"/community/testimonials/{testimonial.pk}/write/"),
        client.get("/community/testimonials/mine/"),
    ]
    client.post(f"/community/testimonials/{testimonial.pk}/approve/", {"version": version})
    pages += [client_a.get("/testimonials/"), client_a.get("/")]
    staff = _login(client_a, tenant_a, people["staff"])
    pages += [
        staff.get("/admin/community/testimonials/?show=published"),
        staff.get(f"/admin/community/testimonials/{testimonial.pk}/"),
    ]
    for response in pages:
        html = _html(response)
        assert response.status_code == HTTPStatus.OK, response.request["PATH_INFO"]
        assert "<script>alert" not in html and "<img src=x" not in html


def test_a_withdrawn_or_unapproved_testimonial_never_shows(client_a, tenant_a, people):
    with tenant_a.activate():
        make_testimonials_page()
        written(member=people["author"], text="Only written, never approved by anyone.")
        awaiting(member=people["other"], staff=people["staff"], edited="Waiting for its author.")
    html = _html(client_a.get("/testimonials/"))
    assert reviews(html) == []
    assert "No testimonials yet." in html


# Query budgets ----------------------------------------------------------------------------


def _fill(tenant, people, *, total: int) -> None:
    """``total`` published testimonials by several authors, some about a course."""
    with tenant.activate():
        authors = [people["author"], people["other"]]
        for number in range(2):
            email = f"budget{number}@a.localhost"
            authors.append(User.objects.filter(email=email).first() or make_member(email=email))
        course = CoursePage.objects.filter(slug="budget-course").first()
        courses = [None, course or make_course(title="Budget course", lessons=0)]
        have = models.Testimonial.objects.filter(status=Status.PUBLISHED).count()
        for number in range(have, total):
            published(
                member=authors[number % len(authors)],
                staff=people["staff"],
                course=courses[number % 2],
                rating=None if number % 3 else 4,
                edited=f"{EDITED} ({number})",
            )


# A Wagtail page below the home page costs a signed-in member 2 queries more than a visitor
# (session, user) on top of Wagtail's serving (site, home, page, its specific row, view
# restrictions in one query); the incident banner is cached per portal. The testimonials
# themselves are one query.
MEMBER_PAGE_BUDGET = QUERY_BUDGET


def _count(client, path: str, assert_max, budget: int = QUERY_BUDGET) -> int:
    client.get(path)  # warm the per-portal caches
    with assert_max(budget), CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("path", ["/testimonials/", "/testimonials/?page=2", "/"])
def test_the_page_and_the_home_block_cost_the_same_for_3_or_60(
    client_a, tenant_a, people, django_assert_max_num_queries, signed_in, path
):
    with tenant_a.activate():
        make_testimonials_page()
        _home_with_block(count=6)
    if signed_in:
        _login(client_a, tenant_a, people["other"])
    counts = []
    for total in (13, 60) if "page=2" in path else (3, 60):
        _fill(tenant_a, people, total=total)
        budget = MEMBER_PAGE_BUDGET if signed_in and path != "/" else QUERY_BUDGET
        counts.append(_count(client_a, path, django_assert_max_num_queries, budget))
    assert counts[0] == counts[1], counts
    print(f"{path} signed_in={signed_in}: {counts[0]} queries")  # noqa: T201


@pytest.mark.parametrize("page", ["mine", "detail", "write"])
def test_the_authors_pages_cost_the_same_for_1_or_12_testimonials(
    client_a, tenant_a, people, django_assert_max_num_queries, page
):
    client = _login(client_a, tenant_a, people["author"])
    counts = []
    with tenant_a.activate():
        course = make_course(title="Budget course", lessons=0)
    for total in (1, 12):
        with tenant_a.activate():
            while models.Testimonial.objects.filter(author=people["author"]).count() < total:
                latest = awaiting(member=people["author"], staff=people["staff"], course=course)
                services.testimonial_approve(
                    member=people["author"],
                    testimonial=latest,
                    version=services.testimonial_version(latest),
                )
            target = awaiting(member=people["author"], staff=people["staff"], course=course)
        path = {
            "mine": "/community/testimonials/mine/",
            "detail": f"/community/testimonials/{target.pk}/",
            "write": f"/community/testimonials/{target.pk}/write/",
        }[page]
        counts.append(_count(client, path, django_assert_max_num_queries))
        with tenant_a.activate():
            services.testimonial_withdraw(member=people["author"], testimonial=target)
    assert counts[0] == counts[1], counts
    print(f"testimonials {page}: {counts[0]} queries")  # noqa: T201
