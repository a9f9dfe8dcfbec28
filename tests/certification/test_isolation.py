"""Exams and attempts of one portal, or of one member, are not found by another."""

import json
from http import HTTPStatus

import pytest

from certification.models import Attempt, AttemptAnswer
from certification.services import attempt_start
from tests.factories.certification import make_exam

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt_a(tenant_a, learner):
    with tenant_a.activate():
        exam = make_exam(title="Alpha secrets exam")
        return attempt_start(member=learner, exam=exam)


def _attempt_urls(attempt) -> list[tuple[str, str]]:
    base = f"/certification/attempts/{attempt.pk}/"
    return [
        ("get", base),
        ("get", f"{base}result/"),
        ("post", f"{base}submit/"),
        ("post", f"{base}answer/"),
    ]


def _call(client, method, url, attempt):
    if url.endswith("answer/"):
        body = {"question": attempt.questions[0]["id"], "choices": attempt.questions[0]["correct"]}
        return client.post(url, json.dumps(body), content_type="application/json")
    return getattr(client, method)(url)


def test_an_exam_of_a_is_not_found_on_b(client_b, tenant_b, member_factory, attempt_a):
    exam = attempt_a.exam
    assert "Alpha secrets exam" not in client_b.get("/certification/").text
    assert client_b.get(f"/certification/exams/{exam.slug}/").status_code == HTTPStatus.NOT_FOUND
    member_b = member_factory(tenant_b)
    with tenant_b.activate():
        client_b.force_login(member_b)
    start = client_b.post(f"/certification/exams/{exam.slug}/start/")
    assert start.status_code == HTTPStatus.NOT_FOUND


def test_an_attempt_of_a_is_not_found_on_b(client_b, tenant_b, tenant_a, member_factory, attempt_a):
    member_b = member_factory(tenant_b)
    with tenant_b.activate():
        client_b.force_login(member_b)
    for method, url in _attempt_urls(attempt_a):
        assert _call(client_b, method, url, attempt_a).status_code == HTTPStatus.NOT_FOUND, url
    with tenant_a.activate():
        assert Attempt.objects.get(pk=attempt_a.pk).is_open
        assert not AttemptAnswer.objects.exists()


def test_a_members_attempt_is_not_found_for_another_member(
    client_a, tenant_a, member_factory, attempt_a
):
    other = member_factory(tenant_a)
    with tenant_a.activate():
        client_a.force_login(other)
    for method, url in _attempt_urls(attempt_a):
        assert _call(client_a, method, url, attempt_a).status_code == HTTPStatus.NOT_FOUND, url
    with tenant_a.activate():
        assert Attempt.objects.get(pk=attempt_a.pk).is_open
        assert not AttemptAnswer.objects.exists()
