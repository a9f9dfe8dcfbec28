"""The record of completion: the PDF a learner downloads once they complete a course."""

from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO

import pytest
import time_machine
from pypdf import PdfReader

from courses.models import Enrollment
from courses.record_views import NOT_COMPLETED
from courses.records_pdf import record_reference
from courses.services import enrollment_create
from tests.factories.courses import complete_course, make_course

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
# 23:30 on 4 March in UTC is already 5 March in Tokyo.
COMPLETED_AT = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)


def _login(client, tenant, member):
    with tenant.activate():
        client.force_login(member)


def _pdf_text(response) -> str:
    reader = PdfReader(BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def completed(tenant_a, member_factory):
    """A member in Tokyo who completed a three-lesson course late on 4 March (UTC)."""
    member = member_factory(tenant_a, display_name="Grace Hopper", time_zone="Asia/Tokyo")
    with tenant_a.activate(), time_machine.travel(COMPLETED_AT, tick=False):
        course = make_course(title="Kubernetes basics", lessons=3, estimated_minutes=150)
        complete_course(member=member, course=course)
    return member, course


def _record_url(course) -> str:
    return f"/learning/courses/{course.pk}/record.pdf"


def test_a_member_who_completed_the_course_downloads_its_record(client_a, tenant_a, completed):
    member, course = completed
    _login(client_a, tenant_a, member)
    response = client_a.get(_record_url(course))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="record-of-completion-kubernetes-basics.pdf"'
    text = _pdf_text(response)
    assert "Record of completion" in text
    assert "Alpha Academy" in text
    assert "Grace Hopper" in text
    assert "Kubernetes basics" in text
    assert "5 March 2026" in text and "Asia/Tokyo" in text  # the learner's own date
    assert "about 2 h 30 min" in text
    with tenant_a.activate():
        enrollment = Enrollment.objects.get(member=member, course=course)
        reference = record_reference(enrollment=enrollment, schema=tenant_a.schema)
    assert reference in text
    assert "http://a.localhost/courses/kubernetes-basics/" in text
    lines = text.splitlines()
    assert lines[lines.index("Lessons") + 1] == "3"


def test_the_pdf_names_its_title_and_author_in_its_metadata(client_a, tenant_a, completed):
    member, course = completed
    _login(client_a, tenant_a, member)
    metadata = PdfReader(BytesIO(client_a.get(_record_url(course)).content)).metadata
    assert metadata.title == "Record of completion: Kubernetes basics"
    assert metadata.author == "Alpha Academy"


def test_names_and_titles_are_printed_as_written_not_read_as_markup(
    client_a, tenant_a, member_factory
):
    member = member_factory(tenant_a, display_name="Ada <b>Lovelace</b> & Co")
    with tenant_a.activate():
        course = make_course(title="Tags <i>and</i> “quotes”", lessons=1)
        complete_course(member=member, course=course)
    _login(client_a, tenant_a, member)
    response = client_a.get(_record_url(course))
    assert response.status_code == HTTPStatus.OK
    text = _pdf_text(response)
    assert "Ada <b>Lovelace</b> & Co" in text
    assert "Tags <i>and</i> “quotes”" in text


def test_the_reference_is_the_same_on_every_download_and_differs_between_records(
    client_a, tenant_a, member_factory
):
    first, second = member_factory(tenant_a), member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(title="Basics", lessons=1)
        complete_course(member=first, course=course)
        complete_course(member=second, course=course)
        one, other = Enrollment.objects.order_by("pk")
    references = {record_reference(enrollment=row, schema=tenant_a.schema) for row in (one, other)}
    assert len(references) == 2
    assert record_reference(enrollment=one, schema="tenant_b") not in references
    _login(client_a, tenant_a, first)
    texts = [_pdf_text(client_a.get(_record_url(course))) for _ in range(2)]
    assert texts[0] == texts[1]
    assert record_reference(enrollment=one, schema=tenant_a.schema) in texts[0]


def test_a_member_who_has_not_completed_is_sent_back_to_the_course_with_why(
    client_a, tenant_a, member_factory
):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(title="Basics", lessons=2)
        enrollment_create(member=member, course=course)
        course_url = course.url
    _login(client_a, tenant_a, member)
    response = client_a.get(_record_url(course), follow=True)
    assert response.redirect_chain == [(course_url, HTTPStatus.FOUND)]
    assert response["Content-Type"].startswith("text/html")
    assert NOT_COMPLETED.format(title="Basics") in response.text


@pytest.mark.parametrize("whose", ["another_members", "no_such_course"])
def test_no_one_else_gets_a_members_record(client_a, tenant_a, member_factory, completed, whose):
    _, course = completed
    _login(client_a, tenant_a, member_factory(tenant_a))
    course_id = course.pk if whose == "another_members" else 999999
    response = client_a.get(f"/learning/courses/{course_id}/record.pdf")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Grace Hopper" not in response.text


def test_visitors_are_asked_to_sign_in(client_a, completed):
    _, course = completed
    response = client_a.get(_record_url(course))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_a_record_of_portal_a_is_not_found_on_portal_b(
    client_b, tenant_b, member_factory, completed
):
    _, course = completed
    _login(client_b, tenant_b, member_factory(tenant_b))
    assert client_b.get(_record_url(course)).status_code == HTTPStatus.NOT_FOUND


def test_the_course_page_and_my_learning_link_to_the_record_once_completed(
    client_a, tenant_a, member_factory, completed
):
    member, course = completed
    learner = member_factory(tenant_a)
    with tenant_a.activate():
        enrollment_create(member=learner, course=course)
        course_url = course.url
    link = f'href="{_record_url(course)}"'
    _login(client_a, tenant_a, member)
    assert link in client_a.get(course_url).text
    assert link in client_a.get("/learning/").text
    _login(client_a, tenant_a, learner)
    assert link not in client_a.get(course_url).text
    assert link not in client_a.get("/learning/").text


def test_the_download_stays_within_the_query_budget(
    client_a, tenant_a, completed, django_assert_max_num_queries
):
    member, course = completed
    _login(client_a, tenant_a, member)
    client_a.get(_record_url(course))  # warm the per-portal caches (site root paths)
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client_a.get(_record_url(course)).status_code == HTTPStatus.OK
