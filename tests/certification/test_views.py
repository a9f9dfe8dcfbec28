"""Taking an exam over HTTP: the exam page, start, answers (JSON and form), submit, result."""

import json
import re
from datetime import timedelta
from http import HTTPStatus

import pytest

from certification.models import Attempt, AttemptAnswer
from certification.selectors import COOLING_DOWN, SIGN_IN_TO_START
from certification.services import (
    ONE_CHOICE_ONLY,
    TIME_UP,
    UNKNOWN_CHOICE,
    UNKNOWN_QUESTION,
    attempt_start,
    attempt_submit,
)
from certification.views import ANSWERS_SAVED, BAD_REQUEST
from tests.factories.certification import make_bank, make_exam, question

pytestmark = pytest.mark.django_db


def _answer(client, attempt, question_id, choices):
    return client.post(
        f"/certification/attempts/{attempt.pk}/answer/",
        json.dumps({"question": question_id, "choices": choices}),
        content_type="application/json",
    )


def _start(client, exam) -> Attempt:
    response = client.post(f"/certification/exams/{exam.slug}/start/")
    assert response.status_code == HTTPStatus.FOUND
    match = re.fullmatch(r"/certification/attempts/(\d+)/", response["Location"])
    assert match, response["Location"]
    return Attempt.objects.get(pk=int(match.group(1)))


def test_the_index_lists_published_exams_only(client_a, tenant_a):
    with tenant_a.activate():
        make_exam(title="Cloud Practitioner", description="The <b>basics</b>.")
        make_exam(title="Draft exam", live=False)
    html = client_a.get("/certification/").text
    assert "Cloud Practitioner" in html and "Draft exam" not in html
    assert "The &lt;b&gt;basics&lt;/b&gt;." in html  # staff text is escaped


def test_visitors_see_the_rules_and_a_sign_in_link(client_a, tenant_a):
    with tenant_a.activate():
        exam = make_exam(
            title="Cloud Practitioner",
            questions_per_attempt=5,
            time_limit_minutes=45,
            pass_mark_percent=75,
            max_attempts=2,
            cooldown_hours=12,
        )
    response = client_a.get(f"/certification/exams/{exam.slug}/")
    assert response.status_code == HTTPStatus.OK
    html = response.text
    for text in ("5 questions", "45 minutes", "pass mark 75%", "2 attempts in all", "12 hours"):
        assert text in html
    assert "Sign in to take this exam" in html and SIGN_IN_TO_START not in html
    assert f"/certification/exams/{exam.slug}/start/" not in html
    assert client_a.get("/certification/exams/nope/").status_code == HTTPStatus.NOT_FOUND


def test_an_unpublished_exam_is_not_found(client_a, tenant_a, signed_in):
    with tenant_a.activate():
        exam = make_exam(live=False)
    assert client_a.get(f"/certification/exams/{exam.slug}/").status_code == HTTPStatus.NOT_FOUND
    start = client_a.post(f"/certification/exams/{exam.slug}/start/")
    assert start.status_code == HTTPStatus.NOT_FOUND


def test_starting_needs_sign_in(client_a, tenant_a):
    with tenant_a.activate():
        exam = make_exam()
    response = client_a.post(f"/certification/exams/{exam.slug}/start/")
    assert response["Location"].startswith("/accounts/login/")
    with tenant_a.activate():
        assert not Attempt.objects.exists()


def test_the_full_flow_answer_reload_submit_and_see_the_result(signed_in, tenant_a, learner):
    with tenant_a.activate():
        exam = make_exam(title="Cloud Practitioner", questions_per_attempt=4, pass_mark_percent=75)
        attempt = _start(signed_in, exam)
    page = signed_in.get(f"/certification/attempts/{attempt.pk}/")
    assert page.status_code == HTTPStatus.OK
    for snap in attempt.questions:
        assert snap["text"] in page.text
        assert f'name="q-{snap["id"]}"' in page.text
    assert 'type="radio"' in page.text and "<legend" in page.text and "aria-live" in page.text
    for snap in attempt.questions[:3]:
        response = _answer(signed_in, attempt, snap["id"], snap["correct"])
        assert response.status_code == HTTPStatus.OK and response.json()["saved"] is True
    # A reload (or a second start) resumes the same attempt with the answers checked.
    assert signed_in.post(f"/certification/exams/{exam.slug}/start/")["Location"] == (
        f"/certification/attempts/{attempt.pk}/"
    )
    reloaded = signed_in.get(f"/certification/attempts/{attempt.pk}/").text
    assert reloaded.count(" checked>") == 3
    response = signed_in.post(f"/certification/attempts/{attempt.pk}/submit/", {"finish": ""})
    assert response["Location"] == f"/certification/attempts/{attempt.pk}/result/"
    result = signed_in.get(response["Location"]).text
    assert "You passed." in result and "75%" in result and "3 of 4 right" in result
    assert '<th scope="row">Basics</th>' in result
    exam_page = signed_in.get(f"/certification/exams/{exam.slug}/").text
    assert "You have passed this exam." in exam_page and "1 of 3 used" in exam_page


def test_the_form_alone_saves_and_submits_without_javascript(signed_in, tenant_a):
    with tenant_a.activate():
        exam = make_exam(questions_per_attempt=3)
        attempt = _start(signed_in, exam)
    first, second, third = attempt.questions
    data = {
        "shown": [first["id"], second["id"], third["id"]],
        f"q-{first['id']}": first["correct"],
        f"q-{second['id']}": second["correct"],
        "save": "",
    }
    saved = signed_in.post(f"/certification/attempts/{attempt.pk}/submit/", data, follow=True)
    assert ANSWERS_SAVED in saved.text
    with tenant_a.activate():
        assert AttemptAnswer.objects.filter(attempt=attempt).exclude(choice_ids=[]).count() == 2
    data.pop("save")
    data.pop(f"q-{second['id']}")  # unticked on the page: the answer is cleared
    signed_in.post(f"/certification/attempts/{attempt.pk}/submit/", data)
    with tenant_a.activate():
        assert Attempt.objects.get(pk=attempt.pk).correct_count == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (lambda q: {"question": "nope", "choices": q["correct"]}, UNKNOWN_QUESTION),
        (lambda q: {"question": q["id"], "choices": ["nope"]}, UNKNOWN_CHOICE),
        (lambda q: {"question": q["id"], "choices": "a-string"}, UNKNOWN_CHOICE),
        (
            lambda q: {"question": q["id"], "choices": [c["id"] for c in q["choices"]]},
            ONE_CHOICE_ONLY,
        ),
        (lambda q: {"question": 5}, BAD_REQUEST),
        (lambda q: ["not", "an", "object"], BAD_REQUEST),
    ],
    ids=["question", "choice", "string", "two-choices", "bad-id", "not-an-object"],
)
def test_bad_answers_get_a_400_with_a_clear_message(signed_in, tenant_a, payload, message):
    with tenant_a.activate():
        attempt = _start(signed_in, make_exam())
    response = signed_in.post(
        f"/certification/attempts/{attempt.pk}/answer/",
        json.dumps(payload(attempt.questions[0])),
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"] == message


def test_malformed_json_and_form_posts_are_400_not_500(signed_in, tenant_a):
    with tenant_a.activate():
        attempt = _start(signed_in, make_exam())
    url = f"/certification/attempts/{attempt.pk}/answer/"
    broken = signed_in.post(url, "{not json", content_type="application/json")
    assert broken.status_code == HTTPStatus.BAD_REQUEST
    form = signed_in.post(url, {"question": attempt.questions[0]["id"], "choices": "zzz"})
    assert form.status_code == HTTPStatus.BAD_REQUEST and form.json()["error"] == UNKNOWN_CHOICE


def test_answering_needs_sign_in(client_a, tenant_a, learner):
    with tenant_a.activate():
        attempt = attempt_start(member=learner, exam=make_exam())
    response = _answer(client_a, attempt, attempt.questions[0]["id"], [])
    assert response.status_code == HTTPStatus.FORBIDDEN
    page = client_a.get(f"/certification/attempts/{attempt.pk}/")
    assert page["Location"].startswith("/accounts/login/")


def test_after_the_time_limit_answers_are_refused_and_the_result_shows(clock, signed_in, tenant_a):
    with tenant_a.activate():
        exam = make_exam(questions_per_attempt=2, time_limit_minutes=15)
        attempt = _start(signed_in, exam)
    first, second = attempt.questions
    _answer(signed_in, attempt, first["id"], first["correct"])
    clock.shift(timedelta(minutes=15, seconds=1))
    late = _answer(signed_in, attempt, second["id"], second["correct"])
    assert late.status_code == HTTPStatus.BAD_REQUEST
    assert late.json() == {
        "error": TIME_UP,
        "result_url": f"/certification/attempts/{attempt.pk}/result/",
    }
    page = signed_in.get(f"/certification/attempts/{attempt.pk}/")
    assert page["Location"] == f"/certification/attempts/{attempt.pk}/result/"
    result = signed_in.get(page["Location"]).text
    assert "1 of 2 right" in result and "when time ran out" in result


def test_a_page_left_open_past_the_deadline_is_submitted_on_the_next_visit(
    clock, signed_in, tenant_a
):
    with tenant_a.activate():
        exam = make_exam(questions_per_attempt=2, time_limit_minutes=15, cooldown_hours=0)
        attempt = _start(signed_in, exam)
    clock.shift(timedelta(hours=1))
    html = signed_in.get(f"/certification/exams/{exam.slug}/").text
    assert "Resume your attempt" not in html and "Start the exam" in html
    with tenant_a.activate():
        assert Attempt.objects.get(pk=attempt.pk).timed_out


def test_the_exam_page_shows_when_the_cooldown_ends(clock, signed_in, tenant_a, learner):
    learner.time_zone = "Asia/Tokyo"
    with tenant_a.activate():
        learner.save(update_fields=["time_zone"])
        exam = make_exam(cooldown_hours=24)
        attempt_submit(attempt=attempt_start(member=learner, exam=exam))
    html = signed_in.get(f"/certification/exams/{exam.slug}/").text
    assert COOLING_DOWN.format(hours=24) in html
    assert "7 May 2030, 18:00" in html and "Asia/Tokyo" in html  # 09:00 UTC + 24 h, in Tokyo
    assert "Start the exam" not in html
    start = signed_in.post(f"/certification/exams/{exam.slug}/start/", follow=True)
    assert COOLING_DOWN.format(hours=24) in start.text


@pytest.mark.parametrize("reveal", [True, False])
def test_right_answers_are_revealed_only_when_the_exam_says_so(signed_in, tenant_a, reveal):
    with tenant_a.activate():
        bank = make_bank(data=[question(text="Which port?", explanation="HTTPS listens on 443.")])
        exam = make_exam(banks=[bank], questions_per_attempt=1, reveal_answers=reveal)
        attempt = _start(signed_in, exam)
    signed_in.post(f"/certification/attempts/{attempt.pk}/submit/")
    html = signed_in.get(f"/certification/attempts/{attempt.pk}/result/").text
    assert ("HTTPS listens on 443." in html) is reveal
    assert ("(right answer)" in html) is reveal
    assert "Which port? choice 0" not in html or reveal


def test_the_attempt_page_never_contains_the_right_answers(signed_in, tenant_a):
    with tenant_a.activate():
        bank = make_bank(data=[question(text="Secret", explanation="The hidden why.")])
        attempt = _start(signed_in, make_exam(banks=[bank], questions_per_attempt=1))
    html = signed_in.get(f"/certification/attempts/{attempt.pk}/").text
    assert "The hidden why." not in html and "correct" not in html.lower()
