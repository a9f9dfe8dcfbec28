"""Writes of surveys: a response, stored as Wagtail's submission plus one row per answer.

One response per member and survey (unless the survey allows several) is kept by a partial
unique constraint: two submits at the same moment end with one response, the other is told it
already answered. Anonymous responses (where a survey allows them) are never limited.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from portal.models.surveys import SurveyAnswer, SurveyPage, SurveySubmission
from portal.surveys import questions as q

SIGN_IN = "Sign in to answer this survey."
ALREADY_ANSWERED = "You have already answered this survey. Thank you!"
NOT_LIVE = "This survey is closed."
COURSE_SURVEY_ONLY = "This survey is answered from each course you complete."


class SurveyError(Exception):
    """A response refused for a reason fit to show to the member."""


def _json_ready(answers: dict[str, object]) -> dict[str, object]:
    """The answers as JSON will store them (numbers, text and lists)."""
    return json.loads(json.dumps(answers, cls=DjangoJSONEncoder))


def answer_rows(*, page: SurveyPage, submission: SurveySubmission, answers: dict, at) -> list:
    """The ``SurveyAnswer`` rows of ``answers`` (clean name -> cleaned answer) given ``at``,
    unsaved."""
    kinds = {field.clean_name: field.field_type for field in page.get_form_fields()}
    rows = []
    for name, answer in answers.items():
        kind = kinds.get(name)
        if kind is None or answer in (None, "", []):
            continue
        common = {
            "submission": submission,
            "page": page,
            "question": name,
            "field_type": kind,
            "submitted_at": at,
        }
        if kind in q.TEXT_TYPES:
            rows.append(SurveyAnswer(text=str(answer), **common))
            continue
        for value in answer if isinstance(answer, list) else [answer]:
            points = q.answer_points(field_type=kind, value=str(value))
            rows.append(SurveyAnswer(value=str(value)[:255], points=points, **common))
    return rows


_INSERT = """
    INSERT INTO {table} (form_data, page_id, submit_time, member_id, course_id, once, updated_at)
    VALUES (%s::jsonb, %s, %s, %s, NULL, %s, %s)
    ON CONFLICT DO NOTHING
    RETURNING id
"""


def survey_submit(*, page: SurveyPage, member, answers: dict[str, object]) -> SurveySubmission:
    """Save a response to ``page`` (``answers`` as ``SurveyForm.answers()`` gives them).

    Raises ``SurveyError`` when the survey is not live, is the course feedback survey (answered
    through ``courses.feedback_services``), needs a signed-in member, or the member already
    answered a survey that takes one response each; nothing is saved then. The response is
    inserted with ``ON CONFLICT DO NOTHING`` on the one-per-member constraint, so a second one
    (even at the same moment) is refused without an error inside the caller's transaction.
    """
    signed_in = member is not None and member.is_authenticated
    if not page.live:
        raise SurveyError(NOT_LIVE)
    if page.is_course_feedback:
        raise SurveyError(COURSE_SURVEY_ONLY)
    if not signed_in and not page.allow_anonymous:
        raise SurveyError(SIGN_IN)
    now = timezone.now()
    submission = SurveySubmission(
        page=page,
        form_data=_json_ready(answers),
        member=member if signed_in else None,
        once=signed_in and not page.allow_multiple,
        submit_time=now,
        updated_at=now,
    )
    table = connection.ops.quote_name(SurveySubmission._meta.db_table)
    params = [
        json.dumps(submission.form_data),
        page.pk,
        now,
        submission.member_id,
        submission.once,
        now,
    ]
    # No savepoint: nothing here fails for a duplicate, and anything else rolls back the caller.
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(_INSERT.format(table=table), params)
            inserted = cursor.fetchone()
        if inserted is not None:
            submission.pk = inserted[0]
            submission._state.adding = False
            SurveyAnswer.objects.bulk_create(
                answer_rows(page=page, submission=submission, answers=answers, at=now)
            )
    if inserted is None:
        raise SurveyError(ALREADY_ANSWERED)
    return submission


_REPLACE = """
    WITH response AS (
        INSERT INTO {submissions}
            (form_data, page_id, submit_time, member_id, course_id, once, updated_at)
        VALUES (%s::jsonb, %s, %s, %s, %s, false, %s)
        ON CONFLICT (page_id, member_id, course_id) WHERE course_id IS NOT NULL
        DO UPDATE SET form_data = EXCLUDED.form_data, updated_at = EXCLUDED.updated_at
        RETURNING id
    ), gone AS (
        DELETE FROM {answers} WHERE submission_id IN (SELECT id FROM response)
    )
    {insert}
"""
_REPLACE_ANSWERS = """
    INSERT INTO {answers}
        (submission_id, page_id, question, field_type, value, text, points, submitted_at)
    SELECT response.id, %s, answer.* FROM response, (VALUES {rows})
        AS answer (question, field_type, value, text, points, submitted_at)
    RETURNING submission_id
"""
_ANSWER_ROW = "(%s, %s, %s, %s, %s::smallint, %s::timestamptz)"


def response_replace(
    *, page: SurveyPage, member, course, answers: dict[str, object], at=None
) -> int:
    """Save ``member``'s response about ``course`` to ``page``, replacing their earlier one,
    and return its id. Used by the course feedback survey (one response per member and course,
    changeable); ``at`` is when the answer was given (now unless copying older answers).

    One statement: the response is upserted on its unique constraint (two calls at once end
    with one response) and its answers replaced in the same snapshot, so it costs one query
    inside the caller's transaction.
    """
    now = at or timezone.now()
    placeholder = SurveySubmission(pk=0, submit_time=now)
    rows = answer_rows(page=page, submission=placeholder, answers=answers, at=now)
    quote = connection.ops.quote_name
    params: list = [
        json.dumps(_json_ready(answers)),
        page.pk,
        now,
        member.pk,
        course.pk,
        now,
    ]
    if rows:
        insert = _REPLACE_ANSWERS.format(
            answers=quote(SurveyAnswer._meta.db_table),
            rows=", ".join([_ANSWER_ROW] * len(rows)),
        )
        params.append(page.pk)
        for row in rows:
            params += [row.question, row.field_type, row.value, row.text, row.points, now]
    else:
        insert = "SELECT id FROM response"
    sql = _REPLACE.format(
        submissions=quote(SurveySubmission._meta.db_table),
        answers=quote(SurveyAnswer._meta.db_table),
        insert=insert,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
