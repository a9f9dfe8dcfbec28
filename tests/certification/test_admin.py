"""Staff build question banks and exams in the Wagtail admin (real admin POSTs)."""

import json
from html import unescape
from http import HTTPStatus

from django.contrib.auth.models import Group, Permission

from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

import pytest

from certification.blocks import ONE_CORRECT, TWO_CHOICES
from certification.models import Exam, QuestionBank
from tests.factories.certification import make_bank

pytestmark = pytest.mark.django_db

BANK_ADD = "/admin/snippets/certification/questionbank/add/"
EXAM_ADD = "/admin/snippets/certification/exam/add/"


def _choices(*items: tuple[str, bool]) -> dict:
    data = {
        str(n): {
            "type": "item",
            "value": {"text": text, "correct": "on" if correct else ""},
            "deleted": "",
            "order": str(n),
            "id": "",
        }
        for n, (text, correct) in enumerate(items)
    }
    for item in data.values():
        if not item["value"]["correct"]:
            del item["value"]["correct"]  # an unticked checkbox is not posted
        del item["type"]
    data["count"] = str(len(items))
    return data


def _question(text, *, kind="single", topic="Basics", choices) -> tuple[str, dict]:
    return (
        "question",
        {
            "kind": kind,
            "text": text,
            "topic": topic,
            "explanation": f"Why {text}",
            "choices": _choices(*choices),
        },
    )


def _bank_post(name: str, *questions) -> dict:
    return nested_form_data(
        {"name": name, "description": "", "questions": streamfield(list(questions))}
    )


@pytest.fixture
def staff_client(client_a, tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True, mfa=True)
    with tenant_a.activate():
        client_a.force_login(staff)
    return client_a


def test_staff_build_a_bank_of_all_three_kinds(staff_client, tenant_a):
    assert staff_client.get(BANK_ADD).status_code == HTTPStatus.OK
    data = _bank_post(
        "Networking basics",
        _question("Which port is HTTPS?", choices=[("443", True), ("80", False)]),
        _question(
            "Which are private ranges?",
            kind="multiple",
            topic="Addresses",
            choices=[("10.0.0.0/8", True), ("192.168.0.0/16", True), ("8.8.8.0/24", False)],
        ),
        _question(
            "UDP is connectionless.", kind="true_false", choices=[("True", True), ("False", False)]
        ),
    )
    response = staff_client.post(BANK_ADD, data)
    assert response.status_code == HTTPStatus.FOUND, response.text[:2000]
    with tenant_a.activate():
        bank = QuestionBank.objects.get(name="Networking basics")
        kinds = [block.value["kind"] for block in bank.questions]
        ids = [block.id for block in bank.questions]
    assert kinds == ["single", "multiple", "true_false"]
    assert all(ids) and len(set(ids)) == 3
    assert bank.topic_counts() == {"Basics": 2, "Addresses": 1}


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (_question("Two right?", choices=[("a", True), ("b", True)]), ONE_CORRECT),
        (_question("None right?", choices=[("a", False), ("b", False)]), ONE_CORRECT),
        (
            _question(
                "Three?", kind="true_false", choices=[("T", True), ("F", False), ("?", False)]
            ),
            TWO_CHOICES,
        ),
    ],
    ids=["single-two-right", "single-none-right", "true-false-three-choices"],
)
def test_an_invalid_question_is_refused_with_a_message(staff_client, tenant_a, question, message):
    response = staff_client.post(BANK_ADD, _bank_post("Broken", question))
    assert response.status_code == HTTPStatus.OK
    # The admin shows block errors from JSON in the page (escaped twice: JSON, then HTML).
    assert json.dumps(message) in unescape(response.text)
    with tenant_a.activate():
        assert not QuestionBank.objects.filter(name="Broken").exists()


def _exam_post(bank, **fields) -> dict:
    data = {
        "title": "Networking Associate",
        "slug": "networking-associate",
        "description": "",
        "live": "on",
        "questions_per_attempt": "5",
        "time_limit_minutes": "30",
        "pass_mark_percent": "70",
        "max_attempts": "3",
        "cooldown_hours": "24",
        "topic_quotas": inline_formset([]),
    }
    data.update(fields)
    return {**nested_form_data(data), "banks": [str(bank.pk)]}  # a list is a multi-value field


def test_staff_create_an_exam_with_per_topic_counts(staff_client, tenant_a):
    with tenant_a.activate():
        bank = make_bank(questions=12, topics=("Routing", "DNS"))
    quotas = inline_formset([{"topic": "routing", "count": "3"}])
    response = staff_client.post(EXAM_ADD, _exam_post(bank, topic_quotas=quotas))
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        exam = Exam.objects.get(slug="networking-associate")
        assert list(exam.banks.all()) == [bank] and exam.live
        assert [(q.topic, q.count) for q in exam.topic_quotas.all()] == [("routing", 3)]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"questions_per_attempt": "13"}, "The chosen banks have 12 questions; the exam needs 13."),
        (
            {"topic_quotas": inline_formset([{"topic": "DNS", "count": "7"}])},
            "have 6 questions on",
        ),
        (
            {
                "topic_quotas": inline_formset(
                    [{"topic": "DNS", "count": "6"}, {"topic": "Routing", "count": "1"}]
                )
            },
            "add up to 7",
        ),
    ],
    ids=["too-few-questions", "too-few-on-topic", "quotas-over-total"],
)
def test_an_exam_its_banks_cannot_fill_is_refused(staff_client, tenant_a, fields, message):
    with tenant_a.activate():
        bank = make_bank(questions=12, topics=("Routing", "DNS"))
    response = staff_client.post(EXAM_ADD, _exam_post(bank, **fields))
    assert response.status_code == HTTPStatus.OK
    assert message in response.text
    with tenant_a.activate():
        assert not Exam.objects.exists()


def test_learners_cannot_open_the_banks(client_a, tenant_a, member_factory):
    learner = member_factory(tenant_a, mfa=True)
    with tenant_a.activate():
        client_a.force_login(learner)
    for path in (BANK_ADD, "/admin/snippets/certification/questionbank/", EXAM_ADD):
        response = client_a.get(path)
        assert response.status_code == HTTPStatus.FOUND
        assert "/login/" in response["Location"]


def test_admin_users_need_the_snippet_permission(client_a, tenant_a, member_factory):
    editor = member_factory(tenant_a, mfa=True)
    with tenant_a.activate():
        group = Group.objects.create(name="Admin access only")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        editor.groups.add(group)
        client_a.force_login(editor)
    response = client_a.get(BANK_ADD)
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    if response.status_code == HTTPStatus.FOUND:
        assert response["Location"] == "/admin/"
    with tenant_a.activate():
        group.permissions.add(Permission.objects.get(codename="add_questionbank"))
    assert client_a.get(BANK_ADD).status_code == HTTPStatus.OK


def test_an_exam_members_have_taken_cannot_be_deleted(staff_client, tenant_a, learner):
    from certification.services import attempt_start
    from certification.wagtail_hooks import EXAM_HAS_ATTEMPTS
    from tests.factories.certification import make_exam

    with tenant_a.activate():
        taken = make_exam(title="Taken")
        attempt_start(member=learner, exam=taken)
        untaken = make_exam(title="Untaken")
    url = "/admin/snippets/certification/exam/delete/{}/"
    refused = staff_client.post(url.format(taken.pk), follow=True)
    assert refused.status_code == HTTPStatus.OK
    assert EXAM_HAS_ATTEMPTS.format(title="Taken") in unescape(refused.text)
    assert staff_client.post(url.format(untaken.pk)).status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        assert list(Exam.objects.values_list("title", flat=True)) == ["Taken"]
