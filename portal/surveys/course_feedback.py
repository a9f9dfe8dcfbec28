"""The course feedback survey of the Training issue, as one of the portal's surveys.

Members still answer it from each course they complete (``/learning/courses/<id>/feedback/``,
``courses.feedback_services.feedback_submit``), and ``courses.CourseFeedback`` stays the record
the course reports read. Each answer is also saved as a response of the portal's "Course
feedback" survey page (one per member and course, replaced when they answer again), in the same
transaction, so staff see it among the surveys with the same results screen and CSV export.

The survey page is made by ``course_feedback_survey_ensure()`` (run for every new portal and by
the demo seed), which also copies the answers given before it existed.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Subquery
from django.utils.text import slugify

from portal.models.surveys import SurveyField, SurveyPage, SurveySubmission
from portal.surveys import questions as q
from portal.surveys.services import response_replace

TITLE = "Course feedback"
INTRO = "<p>Asked at the end of every course. Members answer it from the course's page.</p>"
THANKS = "<p>Thank you for your feedback!</p>"
RATING_HELP = "From Excellent to Poor."

#: (clean name, type, label, help text): the CourseFeedback columns the survey's questions feed.
CORE_QUESTIONS = [
    ("content_rating", q.SCALE, "How good was the content?", RATING_HELP),
    ("instructor_rating", q.SCALE, "How good was the instructor?", RATING_HELP),
    ("pace_rating", q.SCALE, "How well did the pace suit you?", "From Excellent (just right)."),
    (
        "recommend",
        q.RECOMMEND,
        "How likely are you to recommend this course to a friend or colleague?",
        "0 is not at all likely, 10 is extremely likely.",
    ),
    ("comment", q.COMMENT, "Anything else you would like to tell us?", "Up to 2,000 characters."),
]
RATING_LABELS = {points: label for label, points in q.SCALE_POINTS.items()}


def course_feedback_survey() -> SurveyPage | None:
    """The portal's course feedback survey, if it has one (one query)."""
    return SurveyPage.objects.filter(purpose=SurveyPage.COURSE_FEEDBACK).first()


def course_feedback_survey_ensure() -> SurveyPage | None:
    """Make the course feedback survey under the home page if the portal has none, and copy
    the answers given before; return it (None for a portal without a home page)."""
    from portal.models import HomePage

    existing = course_feedback_survey()
    if existing is not None:
        return existing
    home = HomePage.objects.first()
    if home is None:
        return None
    slug = slugify(TITLE)
    if home.get_children().filter(slug=slug).exists():
        slug = f"{slug}-survey"
    page = SurveyPage(
        title=TITLE,
        slug=slug,
        purpose=SurveyPage.COURSE_FEEDBACK,
        intro=INTRO,
        thank_you_text=THANKS,
        allow_multiple=True,
    )
    for order, (name, kind, label, help_text) in enumerate(CORE_QUESTIONS):
        page.form_fields.add(
            SurveyField(
                clean_name=name,
                label=label,
                field_type=kind,
                help_text=help_text,
                required=kind != q.COMMENT,
                offer_na=False,
                sort_order=order,
            )
        )
    home.add_child(instance=page)
    page.save_revision().publish()
    course_feedback_backfill(page=page)
    return page


def feedback_answers(feedback) -> dict[str, object]:
    """A ``CourseFeedback`` row as the survey's answers (ratings 5..1 as Excellent..Poor)."""
    return {
        "content_rating": RATING_LABELS[feedback.content_rating],
        "instructor_rating": RATING_LABELS[feedback.instructor_rating],
        "pace_rating": RATING_LABELS[feedback.pace_rating],
        "recommend": feedback.recommend,
        "comment": feedback.comment or None,
    }


def course_feedback_record(*, feedback) -> int | None:
    """Save a just-written ``CourseFeedback`` as the member's response about that course (in
    the caller's transaction) and return its id; nothing when the portal has no course feedback
    survey. Two queries: the survey with its questions, then the response (see
    ``response_replace``)."""
    fields = list(
        SurveyField.objects.filter(page__purpose=SurveyPage.COURSE_FEEDBACK).select_related("page")
    )
    if not fields:
        return None
    page = fields[0].page
    page._survey_fields = fields
    # Questions staff added to the survey are not asked on the course's page: left unanswered.
    return response_replace(
        page=page,
        member=feedback.member,
        course=feedback.course,
        answers=feedback_answers(feedback),
        at=feedback.updated_at,
    )


def course_feedback_backfill(*, page: SurveyPage) -> int:
    """Copy the course answers that have no response yet, keeping their dates; return how
    many. Used once, when the survey is made."""
    from courses.models import CourseFeedback

    done = SurveySubmission.objects.filter(
        page=page, member=OuterRef("member"), course=OuterRef("course")
    )
    missing = CourseFeedback.objects.exclude(Exists(done)).select_related("member", "course")
    copied = 0
    for feedback in missing.order_by("created_at", "pk").iterator():
        answers = feedback_answers(feedback)
        response_replace(
            page=page,
            member=feedback.member,
            course=feedback.course,
            answers=answers,
            at=feedback.updated_at,
        )
        copied += 1
    if copied:
        # Wagtail stamps submit_time on insert: give the copies their first answer's date.
        source = CourseFeedback.objects.filter(
            member=OuterRef("member"), course=OuterRef("course")
        ).values("created_at")[:1]
        SurveySubmission.objects.filter(page=page).update(submit_time=Subquery(source))
    return copied
