"""Community › Testimonials in the Wagtail admin: the list by status, proofreading ("Send to
author for approval"), declining, invitations; who may open the screens, tenant isolation,
stale edits refused with a message, and query budgets."""

from http import HTTPStatus

from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from community import models
from community import testimonial_services as services
from community.models import Notification
from courses.models import CourseFeedback
from tests.factories.accounts import make_member
from tests.factories.courses import make_course
from tests.factories.testimonials import (
    EDITED,
    TEXT,
    awaiting,
    invited,
    make_testimonial_staff,
    published,
    written,
)

pytestmark = pytest.mark.django_db

ADMIN = "/admin/community/testimonials/"
QUERY_BUDGET = 12
Status = models.Testimonial.Status


@pytest.fixture
def people(tenant_a, member_factory):
    found = {"author": member_factory(tenant_a, display_name="Amara Author")}
    with tenant_a.activate():
        found["staff"] = make_testimonial_staff(display_name="Sam Staff")
    return found


@pytest.fixture
def staff_client(client_a, tenant_a, people):
    with tenant_a.activate():
        client_a.force_login(people["staff"])
    return client_a


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_list_filters_by_status_with_counts_and_public_names(staff_client, tenant_a, people):
    with tenant_a.activate():
        waiting = written(member=people["author"], text=f"{TEXT} Waiting.")
        done = published(
            member=make_member(email="p@a.localhost", display_name="Pia"), staff=people["staff"]
        )
    html = staff_client.get(ADMIN).content.decode()
    assert "Waiting for staff (1)" in html and "Published (1)" in html
    assert f"{ADMIN}{waiting.pk}/" in html and "Proofread" in html
    assert "Amara Author" in html and people["author"].email not in html
    assert f"{ADMIN}{done.pk}/" not in html
    published_html = staff_client.get(f"{ADMIN}?show=published").content.decode()
    assert f"{ADMIN}{done.pk}/" in published_html and "Pia" in published_html
    assert staff_client.get(f"{ADMIN}?show=nonsense").status_code == HTTPStatus.OK


def test_staff_proofread_and_send_to_the_author_who_is_notified(staff_client, tenant_a, people):
    with tenant_a.activate():
        testimonial = written(member=people["author"])
        version = services.testimonial_version(testimonial)
    page = staff_client.get(f"{ADMIN}{testimonial.pk}/").content.decode()
    assert "Send to author for approval" in page and f'value="{version}"' in page
    response = staff_client.post(
        f"{ADMIN}{testimonial.pk}/proofread/",
        {"edited_text": EDITED, "staff_note": "Shorter.", "version": version},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "Sent to Amara Author for approval" in _messages(response)[0]
    with tenant_a.activate():
        testimonial.refresh_from_db()
        assert testimonial.status == Status.AWAITING_AUTHOR
        assert (testimonial.edited_text, testimonial.staff_note) == (EDITED, "Shorter.")
        assert Notification.objects.filter(
            member=people["author"], url=f"/community/testimonials/{testimonial.pk}/"
        ).exists()
    detail = staff_client.get(f"{ADMIN}{testimonial.pk}/").content.decode()
    assert "Your version, waiting for the author" in detail and "<del>" in detail


def test_a_stale_or_bad_edit_shows_a_message_and_changes_nothing(staff_client, tenant_a, people):
    with tenant_a.activate():
        testimonial = written(member=people["author"])
        stale = services.testimonial_version(testimonial)
        services.testimonial_write(
            member=people["author"], testimonial=testimonial, text=f"{TEXT} Rewritten by me."
        )
    response = staff_client.post(
        f"{ADMIN}{testimonial.pk}/proofread/", {"edited_text": EDITED, "version": stale}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "The author changed this testimonial since you opened it" in html
    assert "Rewritten by me." in html
    short = staff_client.post(
        f"{ADMIN}{testimonial.pk}/proofread/", {"edited_text": "Too short", "version": stale}
    )
    assert short.status_code == HTTPStatus.BAD_REQUEST
    missing = staff_client.post(f"{ADMIN}{testimonial.pk}/decline/", {"reason": ""})
    assert missing.status_code == HTTPStatus.BAD_REQUEST
    assert "Give a reason" in missing.content.decode()
    with tenant_a.activate():
        testimonial.refresh_from_db()
        assert testimonial.status == Status.SUBMITTED and testimonial.edited_text == ""


def test_staff_decline_and_can_unpublish(staff_client, tenant_a, people):
    with tenant_a.activate():
        done = published(member=people["author"], staff=people["staff"])
        version = services.testimonial_version(done)
    page = staff_client.get(f"{ADMIN}{done.pk}/").content.decode()
    assert "Unpublish and decline" in page and "Send to author for approval" not in page
    response = staff_client.post(
        f"{ADMIN}{done.pk}/decline/", {"reason": "The product is retired.", "version": version}
    )
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        done.refresh_from_db()
        assert done.status == Status.DECLINED and done.staff_note == "The product is retired."


def test_staff_invite_a_member_by_email_once(staff_client, tenant_a, people):
    with tenant_a.activate():
        course = make_course(title="Observability", lessons=0)
    form = staff_client.get(f"{ADMIN}invite/").content.decode()
    assert "Observability" in form and "Member&#x27;s e-mail address" in form
    data = {"email": people["author"].email.upper(), "course": str(course.pk)}
    first = staff_client.post(f"{ADMIN}invite/", data)
    assert first.status_code == HTTPStatus.FOUND
    assert _messages(first) == ["Amara Author is invited to write a testimonial."]
    again = staff_client.post(f"{ADMIN}invite/", data)
    assert "already has an open invitation" in _messages(again)[-1]
    unknown = staff_client.post(f"{ADMIN}invite/", {"email": "nobody@a.localhost"})
    assert unknown.status_code == HTTPStatus.BAD_REQUEST
    assert "No active member has this e-mail address." in unknown.content.decode()
    with tenant_a.activate():
        (row,) = models.Testimonial.objects.all()
        assert (row.author, row.course, row.source) == (people["author"], course, "staff")


def test_invite_eligible_members_now(staff_client, tenant_a, people):
    with tenant_a.activate():
        course = make_course(title="Observability", lessons=0)
        CourseFeedback.objects.create(
            member=people["author"],
            course=course,
            content_rating=5,
            instructor_rating=5,
            pace_rating=5,
            recommend=10,
        )
    response = staff_client.post(f"{ADMIN}invite/eligible/")
    assert _messages(response) == ["1 member invited."]
    with tenant_a.activate():
        assert models.Testimonial.objects.get().source == "course_rating"


def test_staff_without_the_permission_get_403_and_members_the_login(
    client_a, tenant_a, people, member_factory
):
    with tenant_a.activate():
        testimonial = written(member=people["author"])
        other_staff = make_testimonial_staff(manage=False)
    paths = [ADMIN, f"{ADMIN}{testimonial.pk}/", f"{ADMIN}invite/"]
    with tenant_a.activate():
        client_a.force_login(other_staff)
    for path in paths:
        response = client_a.get(path)
        assert response.status_code == HTTPStatus.FORBIDDEN, path
        assert "Can invite, proofread and publish testimonials" in response.content.decode()
    version = "x"
    post = client_a.post(
        f"{ADMIN}{testimonial.pk}/proofread/", {"edited_text": EDITED, "version": version}
    )
    assert post.status_code == HTTPStatus.FORBIDDEN
    assert "Testimonials" not in _menu(client_a)
    with tenant_a.activate():
        client_a.force_login(people["author"])
    for path in paths:
        response = client_a.get(path)
        assert response.status_code == HTTPStatus.FOUND and "login" in response["Location"], path
    with tenant_a.activate():
        testimonial.refresh_from_db()
        assert testimonial.status == Status.SUBMITTED


def _menu(client) -> str:
    return client.get("/admin/").content.decode()


def test_the_menu_shows_testimonials_to_those_who_manage_them(staff_client):
    assert f'"{ADMIN}"' in _menu(staff_client) or ADMIN in _menu(staff_client)


def test_a_testimonial_of_portal_a_is_not_found_in_portal_bs_admin(
    client_b, tenant_a, tenant_b, people
):
    with tenant_a.activate():
        testimonial = written(member=people["author"], text=f"{TEXT} Alpha only.")
    with tenant_b.activate():
        staff_b = make_testimonial_staff(email="staff-b@b.localhost")
        client_b.force_login(staff_b)
        invited(member=make_member(email="bea@b.localhost"))
    assert client_b.get(f"{ADMIN}{testimonial.pk}/").status_code == HTTPStatus.NOT_FOUND
    assert "Alpha only." not in client_b.get(f"{ADMIN}?show=all").content.decode()


@pytest.mark.parametrize("screen", ["list", "detail", "invite"])
def test_the_screens_cost_the_same_for_3_or_30_testimonials(
    client_a, tenant_a, people, django_assert_max_num_queries, screen
):
    """Measured as a superuser, like the moderation screens: staff through a group add
    Wagtail's own permission and menu queries."""
    with tenant_a.activate():
        root = make_member(email="root@a.localhost", staff=True, mfa=True)
        client_a.force_login(root)
        target = awaiting(member=people["author"], staff=people["staff"])
    path = {
        "list": f"{ADMIN}?show=waiting",
        "detail": f"{ADMIN}{target.pk}/",
        "invite": f"{ADMIN}invite/",
    }[screen]
    counts = []
    for total in (3, 30):
        with tenant_a.activate():
            while models.Testimonial.objects.filter(status=Status.SUBMITTED).count() < total:
                count = models.Testimonial.objects.count()
                author = make_member(email=f"w{count}@a.localhost")  # one open each
                written(member=author, text=f"{TEXT} Number {count}.")
        client_a.get(path)
        with django_assert_max_num_queries(QUERY_BUDGET), CaptureQueriesContext(connection) as q:
            assert client_a.get(path).status_code == HTTPStatus.OK
        counts.append(len(q))
    assert counts[0] == counts[1], counts
    print(f"admin testimonials {screen}: {counts[0]} queries")  # noqa: T201
