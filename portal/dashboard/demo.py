"""Demo data for the service dashboard (the last step of ``portal.demo.SEED_STEPS``): an
eight-week cohort of twelve new members, so every chart has weeks to show.

Each member of the cohort joins on a different day of the past eight weeks, some through a
referral link, enrols in "Getting started", and most complete it, answer its survey (the NPS
trend), sit the Practitioner exam (some fail first) and ask a question that the MVP or staff
answer after anywhere from an hour to two days (a few stay unanswered). One writes a
testimonial still waiting for staff. Everything goes through the real services; the rows are
then moved to when it happened (a demo cannot freeze time), as ``community.demo_data`` does.

Ideas, testimonials, survey answers and the first referrals come from their own steps, which
run before this one. Idempotent: nothing is done once the first cohort member exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta

COURSE = "getting-started"
EXAM = "cloud-practitioner"
ANSWERERS = ("learner2@demo.localhost", "staff@demo.localhost")  # the MVP and staff
REFERRERS = (
    "learner1@demo.localhost",
    "learner2@demo.localhost",
    "learner3@demo.localhost",
    "jonas@demo.localhost",
    "sofia@demo.localhost",
)
TAGS = ("deployment", "cli", "observability", "networking", "security", "billing")

# (e-mail, name, referred?, completes the course?, 0-10 recommend, exam: "pass" / "retry" /
# "fail" / "", hours until the first answer (None: unanswered), question title).
COHORT = [
    ("cohort01@demo.localhost", "Aiko Mori", True, True, 10, "pass", 2,
     "How do I promote a staging build to production without rebuilding?"),
    ("cohort02@demo.localhost", "Bruno Costa", False, True, 9, "retry", 30,
     "Why does my health check pass locally but fail after deploy?"),
    ("cohort03@demo.localhost", "Chloé Martin", True, False, None, "", 5,
     "Where do I find the logs of a job that already finished?"),
    ("cohort04@demo.localhost", "Dawit Bekele", False, True, 6, "fail", 1,
     "Can one access key be limited to a single project?"),
    ("cohort05@demo.localhost", "Elif Kaya", True, True, 10, "pass", 52,
     "What is the difference between a region and a placement group?"),
    ("cohort06@demo.localhost", "Farid Haddad", False, False, None, "", 8,
     "How do I set a monthly budget alert for one team?"),
    ("cohort07@demo.localhost", "Greta Lind", True, True, 7, "retry", None,
     "Is there a way to replay a failed webhook delivery?"),
    ("cohort08@demo.localhost", "Hiro Sato", False, True, 9, "pass", 20,
     "How long does a rollback keep the previous release warm?"),
    ("cohort09@demo.localhost", "Isla Brown", True, False, None, "", 3,
     "Can I script the CLI login in a CI job without a browser?"),
    ("cohort10@demo.localhost", "Jamal Reed", False, True, 3, "fail", 26,
     "Why are my metrics delayed by several minutes in the console?"),
    ("cohort11@demo.localhost", "Kira Novak", True, True, 10, "pass", 12,
     "How do I move a service to another network without downtime?"),
    ("cohort12@demo.localhost", "Luis Ortega", False, False, None, "", None,
     "Which ports must be open for the private link to work?"),
]  # fmt: skip
FIRST_DAYS_AGO = 54  # the first member joins 54 days ago, the last about 3 days ago
SPACING_DAYS = 4.6
TESTIMONIAL_BY = "cohort05@demo.localhost"
TESTIMONIAL_TEXT = (
    "The Getting started course took me from zero to a running service in an afternoon, and "
    "the exam made sure I really understood rollbacks."
)


def _past(moment: datetime, now: datetime) -> datetime:
    """``moment``, but never later than an hour ago."""
    return min(moment, now - timedelta(hours=1))


def _member(email: str, name: str, password: str, joined: datetime):
    from allauth.account.models import EmailAddress

    from portal.accounts.models import User

    member = User.objects.create_user(email=email, password=password, display_name=name)
    EmailAddress.objects.create(user=member, email=email, primary=True, verified=True)
    User.objects.filter(pk=member.pk).update(date_joined=joined)
    member.date_joined = joined
    return member


def _refer(member, number: int, joined: datetime) -> bool:
    from portal.accounts.models import Referral, User
    from portal.accounts.referral_services import referral_attribute, referral_code_ensure

    referrer = User.objects.filter(email=REFERRERS[number % len(REFERRERS)]).first()
    if referrer is None:
        return False
    code = referral_code_ensure(member=referrer)
    referral = referral_attribute(referred=member, code=code.code)
    if referral is None:
        return False
    Referral.objects.filter(pk=referral.pk).update(created_at=joined)
    return True


def _take_course(member, course, *, enrolled: datetime, completed: datetime | None) -> None:
    """Enrol, and take every lesson when ``completed`` is given (videos watched, the rest
    marked done), then move the records to those moments."""
    from courses.models import Enrollment, LessonPage, LessonProgress
    from courses.services import enrollment_create, lesson_complete, progress_record

    enrollment_create(member=member, course=course)
    if completed is not None:
        for lesson in LessonPage.objects.live().child_of(course).order_by("path"):
            if lesson.has_video:
                progress_record(member=member, lesson=lesson, position=60, duration=60)
            else:
                lesson_complete(member=member, lesson=lesson)
        LessonProgress.objects.filter(member=member).update(
            completed_at=completed, updated_at=completed
        )
    Enrollment.objects.filter(member=member, course=course).update(
        enrolled_at=enrolled, last_seen_at=completed or enrolled
    )
    if completed is not None:
        Enrollment.objects.filter(member=member, course=course).update(completed_at=completed)


def _answer_survey(member, course, recommend: int, at: datetime) -> None:
    from community.models import Testimonial
    from courses.feedback_services import feedback_submit
    from courses.models import CourseFeedback

    feedback_submit(
        member=member,
        course=course,
        content_rating=4 if recommend >= 7 else 3,
        instructor_rating=5 if recommend >= 9 else 3,
        pace_rating=4,
        recommend=recommend,
    )
    CourseFeedback.objects.filter(member=member, course=course).update(created_at=at, updated_at=at)
    # A 9 or 10 invites the member to write a testimonial: invited when they answered.
    Testimonial.objects.filter(author=member).update(invited_at=at)


def _sit_exam(member, exam, *, passing: bool, at: datetime) -> None:
    """One attempt, every answer right or every answer wrong, moved to ``at`` with its award."""
    from certification.award_services import expiry_after
    from certification.models import Attempt, Award
    from certification.services import answers_save, attempt_start, attempt_submit

    attempt = attempt_start(member=member, exam=exam)
    if passing:
        answers = {q["id"]: q["correct"] for q in attempt.questions}
    else:
        answers = {
            q["id"]: [next(c["id"] for c in q["choices"] if c["id"] not in q["correct"])]
            for q in attempt.questions
        }
    answers_save(attempt=attempt, answers=answers)
    attempt, _ = attempt_submit(attempt=attempt)
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=at - timedelta(minutes=40),
        deadline=at - timedelta(minutes=40) + timedelta(minutes=exam.time_limit_minutes),
        submitted_at=at,
    )
    award = Award.objects.select_related("certification").filter(attempt=attempt).first()
    if award is not None:
        Award.objects.filter(pk=award.pk).update(
            issued_at=at, expires_at=expiry_after(at, award.certification)
        )


def _ask(member, title: str, tag: str, answerer, *, asked: datetime, after: int | None) -> None:
    """Ask, answer after ``after`` hours (or not), then move the posts to those moments."""
    from community.models import Answer, Question, Revision
    from community.post_services import answer_create, question_create

    question = question_create(
        author=member,
        title=title,
        body_md=f"{title} I read the docs and tried the obvious settings; what am I missing?",
        tag_names=[tag],
    )
    Revision.objects.filter(question=question).update(created_at=asked)
    fields = {"created_at": asked, "last_activity_at": asked}
    if after is not None and answerer is not None:
        answer = answer_create(
            question=question,
            author=answerer,
            body_md="Good question: the short answer is in the Getting started course's "
            "second lesson; the setting you want is per project, not per service.",
        )
        answered = asked + timedelta(hours=after)
        Answer.objects.filter(pk=answer.pk).update(created_at=answered)
        Revision.objects.filter(answer=answer).update(created_at=answered)
        fields.update(first_answer_at=answered, last_activity_at=answered)
    Question.objects.filter(pk=question.pk).update(**fields)


def _write_testimonial(member, course, at: datetime) -> bool:
    from community.models import Testimonial
    from community.testimonial_services import testimonial_invite, testimonial_write

    testimonial, _ = testimonial_invite(
        member=member, source=Testimonial.Source.COURSE_RATING, course=course
    )
    testimonial_write(member=member, testimonial=testimonial, text=TESTIMONIAL_TEXT, rating=5)
    Testimonial.objects.filter(pk=testimonial.pk).update(
        invited_at=at - timedelta(days=1), submitted_at=at
    )
    return True


def seed(*, staff_email: str, password: str) -> list[str]:
    """The eight-week cohort; return lines to print. Running it again changes nothing."""
    from django.utils import timezone

    from certification.models import Exam
    from community.models import Tag
    from courses.models import CoursePage
    from portal.accounts.models import User

    if User.objects.filter(email=COHORT[0][0]).exists():
        return []
    course = CoursePage.objects.live().filter(slug=COURSE).first()
    exam = Exam.objects.filter(slug=EXAM, live=True).first()
    tags = list(Tag.objects.filter(slug__in=TAGS).values_list("name", flat=True))
    answerers = [User.objects.filter(email=email).first() for email in ANSWERERS]
    now = timezone.now()
    counts = {"referred": 0, "completed": 0, "exams": 0, "questions": 0, "testimonials": 0}
    for number, (email, name, referred, completes, recommend, exam_plan, after, title) in enumerate(
        COHORT
    ):
        joined = now - timedelta(days=FIRST_DAYS_AGO - SPACING_DAYS * number, hours=number % 5)
        member = _member(email, name, password, joined)
        if referred:
            counts["referred"] += _refer(member, number, joined)
        if course is not None:
            completed = _past(joined + timedelta(days=2 + number % 4), now) if completes else None
            _take_course(member, course, enrolled=joined + timedelta(hours=2), completed=completed)
            if completed is not None:
                counts["completed"] += 1
                _answer_survey(member, course, recommend, completed + timedelta(hours=3))
                if exam is not None and exam_plan:
                    first = _past(completed + timedelta(days=1), now)
                    _sit_exam(member, exam, passing=exam_plan == "pass", at=first)
                    counts["exams"] += 1
                    again = first + timedelta(days=3)
                    if exam_plan == "retry" and again < now:  # after the 24-hour cooldown
                        _sit_exam(member, exam, passing=True, at=again)
                        counts["exams"] += 1
                if email == TESTIMONIAL_BY:
                    at = _past(completed + timedelta(days=5), now)
                    counts["testimonials"] += _write_testimonial(member, course, at)
        if tags:
            asked = _past(joined + timedelta(days=1), now - timedelta(hours=after or 0))
            answerer = answerers[number % len(answerers)]
            _ask(member, title, tags[number % len(tags)], answerer, asked=asked, after=after)
            counts["questions"] += 1
    return [
        f"Service dashboard: {len(COHORT)} members joined over the past eight weeks "
        f"({counts['referred']} through a referral link), {counts['completed']} completed "
        f"“Getting started”, {counts['exams']} exam attempts, {counts['questions']} questions "
        f"answered after 1 hour to 2 days (some not yet), {counts['testimonials']} testimonial "
        "waiting for staff."
    ]
