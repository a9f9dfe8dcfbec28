"""Banks, exams, certifications, passes and vouchers for tests; call inside a portal's schema
(``tenant.activate()``)."""

from django.utils.text import slugify

from certification.blocks import MULTIPLE, SINGLE, TRUE_FALSE
from certification.models import Attempt, Certification, Exam, ExamTopicQuota, QuestionBank


def question(
    *,
    text: str,
    topic: str = "Basics",
    kind: str = SINGLE,
    choices: int = 4,
    correct: tuple[int, ...] = (0,),
    explanation: str = "",
) -> tuple[str, dict]:
    """One question as StreamField data: choices "<text> choice 0..n", ``correct`` by index."""
    if kind == TRUE_FALSE:
        labels = ["True", "False"]
    else:
        labels = [f"{text} choice {number}" for number in range(choices)]
    return (
        "question",
        {
            "kind": kind,
            "text": text,
            "topic": topic,
            "explanation": explanation or f"Because of {text}.",
            "choices": [
                {"text": label, "correct": number in correct} for number, label in enumerate(labels)
            ],
        },
    )


def make_bank(
    *,
    name: str = "Bank",
    questions: int = 10,
    topics: tuple[str, ...] = ("Basics",),
    data: list | None = None,
) -> QuestionBank:
    """A bank of single-choice questions "<name> Q<n>", topics taken in turn, choice 0 right.

    ``data`` (a list of ``question(...)``) replaces the generated questions.
    """
    if data is None:
        data = [
            question(text=f"{name} Q{number}", topic=topics[number % len(topics)])
            for number in range(questions)
        ]
    return QuestionBank.objects.create(name=name, questions=data)


def make_exam(
    *,
    title: str = "Exam",
    banks: list[QuestionBank] | None = None,
    quotas: dict[str, int] | None = None,
    prerequisites=(),
    **fields,
) -> Exam:
    """A published exam drawing from ``banks`` (a new 10-question bank when none are given)."""
    fields.setdefault("questions_per_attempt", 5)
    fields.setdefault("live", True)
    fields.setdefault("slug", slugify(title))
    exam = Exam.objects.create(title=title, **fields)
    exam.banks.set(banks if banks is not None else [make_bank(name=f"{title} bank")])
    exam.prerequisites.set(prerequisites)
    for topic, count in (quotas or {}).items():
        ExamTopicQuota.objects.create(exam=exam, topic=topic, count=count)
    return exam


def make_certification(
    *, name: str = "Certified", exam: Exam | None = None, **fields
) -> Certification:
    """A certification awarded by ``exam`` (a new one-attempt-cooldown-free exam if none)."""
    if exam is None:
        exam = make_exam(title=f"{name} exam", cooldown_hours=0, max_attempts=0)
    fields.setdefault("slug", slugify(name))
    return Certification.objects.create(name=name, exam=exam, **fields)


def take_exam(*, member, exam: Exam, passing: bool = True) -> Attempt:
    """Start, answer (all right, or all wrong) and submit ``exam`` through the real services."""
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
    return attempt


__all__ = [
    "MULTIPLE",
    "SINGLE",
    "TRUE_FALSE",
    "make_bank",
    "make_certification",
    "make_exam",
    "question",
    "take_exam",
]
