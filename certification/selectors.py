"""Reads of the certification app: published exams, a member's standing, attempt pages.

``exam_standing`` is the one place that decides whether a member may start an exam: the exam
page asks it to show or hide the start button, and ``services.attempt_start`` asks it again.

For an exam that awards a certification, a member holding a valid award may not take it again,
except to renew in the renewal window; after expiry or revocation they may take it again.
Attempts count per certification cycle (those started after the member's latest award), and
attempts paid with a voucher do not count at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from certification.models import Attempt, AttemptAnswer, Award, Certification, Exam, Voucher
from certification.scoring import is_right
from courses.api import completed_course_ids

SIGN_IN_TO_START = "Sign in to take this exam."
PREREQUISITES_MISSING = "Complete the required courses first."
ALREADY_PASSED = "You have passed this exam."
NO_ATTEMPTS_LEFT = "You have used all your attempts at this exam."
COOLING_DOWN = "You can retake this exam {hours} hours after your last attempt."
HOLDS_CERTIFICATION = "You hold this certification."
RENEWAL_NOT_OPEN = "You hold this certification; renewal opens on {date}."
RENEW_WITH_RENEWAL_EXAM = "You hold this certification; renew it with “{exam}”."
RENEWAL_FOR_HOLDERS = "This renewal exam is for holders of a valid “{name}”."


def exam_list() -> QuerySet[Exam]:
    """The published exams, by title: one query."""
    return Exam.objects.filter(live=True).order_by("title")


def exam_by_slug(*, slug: str) -> Exam:
    """A published exam, or ``Http404``."""
    exam = (
        Exam.objects.filter(live=True, slug=slug)
        .select_related("certification__renewal_exam", "renewed_certification__exam")
        .first()
    )
    if exam is None:
        raise Http404("No such exam.")
    return exam


def certification_of(exam: Exam) -> Certification | None:
    """The certification ``exam`` awards or renews, if any; no query after ``exam_by_slug``."""
    for name in ("certification", "renewed_certification"):
        try:
            return getattr(exam, name)
        except Certification.DoesNotExist:
            continue
    return None


@dataclass
class ExamStanding:
    """Where a member stands with an exam, and whether (and why not) they may start it."""

    exam: Exam
    prerequisites: list[tuple[object, bool]] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)  # submitted, newest first
    open_attempt: Attempt | None = None
    next_start_at: datetime | None = None
    refusal: str = ""
    voucher_refusal: str = ""  # the refusal a voucher cannot lift; "" when a voucher can start
    certification: Certification | None = None
    award: Award | None = None  # the member's latest award of the certification

    @property
    def counted(self) -> list[Attempt]:
        """The attempts that count toward the limit: this cycle's, not paid by a voucher."""
        since = self.award.issued_at if self.award is not None else None
        return [
            attempt
            for attempt in self.attempts
            if not attempt.by_voucher and (since is None or attempt.started_at > since)
        ]

    @property
    def used(self) -> int:
        return len(self.counted)

    @property
    def left(self) -> int | None:
        """Attempts left, or None when the exam has no limit."""
        if not self.exam.max_attempts:
            return None
        return max(self.exam.max_attempts - self.used, 0)

    @property
    def passed(self) -> bool:
        return any(attempt.passed for attempt in self.attempts)

    @property
    def holds_valid_award(self) -> bool:
        return self.award is not None and self.award.is_valid

    @property
    def renewing(self) -> bool:
        """Whether a pass now would renew the member's valid award."""
        return self.holds_valid_award and self.certification.renew_exam.pk == self.exam.pk

    @property
    def open_expired(self) -> bool:
        """An open attempt past its deadline: to be submitted before anything else."""
        return self.open_attempt is not None and timezone.now() >= self.open_attempt.deadline

    @property
    def can_start(self) -> bool:
        return not self.refusal


def exam_standing(*, exam: Exam, member) -> ExamStanding:
    """The member's attempts at ``exam``, prerequisites and the rule deciding a start.

    Queries: one for the prerequisites, one for which of them the member completed, one for the
    member's attempts (without their questions) and one for the member's latest award of the
    exam's certification: four, whatever the numbers (``exam_by_slug`` brings the certification).
    """
    standing = ExamStanding(exam=exam)
    prerequisites = list(exam.prerequisites.live().order_by("title"))
    if not member.is_authenticated:
        standing.prerequisites = [(course, False) for course in prerequisites]
        standing.refusal = SIGN_IN_TO_START
        return standing
    done = completed_course_ids(member=member, course_ids=[course.pk for course in prerequisites])
    standing.prerequisites = [(course, course.pk in done) for course in prerequisites]
    rows = (
        Attempt.objects.filter(member=member, exam=exam)
        .defer("questions")
        .annotate(by_voucher=Exists(Voucher.objects.filter(attempt=OuterRef("pk"))))
        .order_by("-started_at", "-pk")
    )
    standing.certification = certification_of(exam)
    if standing.certification is not None:
        standing.award = (
            Award.objects.filter(member=member, certification=standing.certification)
            .select_related("certification")
            .order_by("-issued_at", "-pk")
            .first()
        )
    for attempt in rows:
        if attempt.is_open:
            standing.open_attempt = attempt
        else:
            standing.attempts.append(attempt)
    standing.voucher_refusal = _refusal(standing, voucher=True)
    standing.refusal = standing.voucher_refusal or _refusal(standing)
    return standing


def _certification_refusal(standing: ExamStanding) -> str:
    certification, exam = standing.certification, standing.exam
    if certification is None:
        return ALREADY_PASSED if standing.passed else ""
    if standing.holds_valid_award:
        if certification.renew_exam.pk != exam.pk:
            return RENEW_WITH_RENEWAL_EXAM.format(exam=certification.renew_exam.title)
        opens = standing.award.renewal_opens_at()
        if opens is None:
            return HOLDS_CERTIFICATION
        if timezone.now() < opens:
            return RENEWAL_NOT_OPEN.format(date=f"{opens:%-d %B %Y}")
        return ""
    if exam.pk != certification.exam_id:
        return RENEWAL_FOR_HOLDERS.format(name=certification.name)
    return ""


def _refusal(standing: ExamStanding, *, voucher: bool = False) -> str:
    """Why the member may not start now ("" if they may); ``voucher``: only what one can't lift."""
    exam = standing.exam
    if standing.open_attempt is not None and not standing.open_expired:
        return ""  # resuming is always allowed
    if not all(done for _, done in standing.prerequisites):
        return PREREQUISITES_MISSING
    certification_refusal = _certification_refusal(standing)
    if certification_refusal or voucher:
        return certification_refusal
    if standing.left == 0:
        return NO_ATTEMPTS_LEFT
    counted = standing.counted
    last = counted[0] if counted else None
    if last is not None and exam.cooldown_hours and last.submitted_at:
        next_start_at = last.submitted_at + timedelta(hours=exam.cooldown_hours)
        if timezone.now() < next_start_at:
            standing.next_start_at = next_start_at
            return COOLING_DOWN.format(hours=exam.cooldown_hours)
    return ""


def attempt_for(*, member, attempt_id: int) -> Attempt:
    """The member's own attempt with its exam, or ``Http404`` (another member's included)."""
    if not member.is_authenticated:
        raise Http404("No such attempt.")
    attempt = Attempt.objects.select_related("exam").filter(pk=attempt_id, member=member).first()
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def attempt_answers(*, attempt: Attempt) -> dict[str, list[str]]:
    """Question id -> the ticked choice ids, as saved so far: one query."""
    return dict(
        AttemptAnswer.objects.filter(attempt=attempt).values_list("question_id", "choice_ids")
    )


def attempt_questions(*, attempt: Attempt, reveal: bool = False) -> list[dict]:
    """The attempt's questions as shown, each with its choices marked ``checked``.

    With ``reveal`` (a submitted attempt of an exam that reveals answers) each choice also says
    whether it is ``correct`` and each question whether it was answered ``right``; otherwise the
    right answers never leave the server.
    """
    answers = attempt_answers(attempt=attempt)
    rows = []
    for number, question in enumerate(attempt.questions, start=1):
        ticked = set(answers.get(question["id"]) or [])
        row = {
            "number": number,
            "id": question["id"],
            "kind": question["kind"],
            "text": question["text"],
            "topic": question["topic"],
            "multiple": question["kind"] == "multiple",
            "answered": bool(ticked),
            "choices": [
                {**choice, "checked": choice["id"] in ticked} for choice in question["choices"]
            ],
        }
        if reveal:
            correct = set(question["correct"])
            row["right"] = is_right(question, list(ticked))
            row["explanation"] = question["explanation"]
            for choice in row["choices"]:
                choice["correct"] = choice["id"] in correct
        rows.append(row)
    return rows
