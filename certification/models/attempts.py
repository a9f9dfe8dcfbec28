"""Members' attempts at exams and their answers. Written only through certification.services."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Attempt(models.Model):
    """One sitting of an exam by a member, with a copy of the questions it drew.

    ``questions`` is the snapshot of the draw, in the order shown: a list of
    ``{id, bank, kind, text, topic, explanation, choices: [{id, text}], correct: [choice ids]}``,
    so editing a bank never changes an attempt. A member has at most one open attempt per exam
    (a constraint, so two tabs cannot open two).
    """

    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        SUBMITTED = "submitted", "Submitted"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_attempts"
    )
    exam = models.ForeignKey(
        "certification.Exam", on_delete=models.PROTECT, related_name="attempts"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(help_text="Answers after this are refused; then it is scored.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    timed_out = models.BooleanField(
        default=False, help_text="Submitted by the time limit rather than by the member."
    )
    questions = models.JSONField(default=list, help_text="The questions drawn, as shown.")
    pass_mark_percent = models.PositiveSmallIntegerField(
        help_text="The exam's pass mark when the attempt started."
    )
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    score_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Right answers in percent of the questions, rounded down."
    )
    passed = models.BooleanField(null=True, blank=True)
    breakdown = models.JSONField(
        default=list, blank=True, help_text="Per topic: ``{topic, correct, total}``."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "exam"],
                condition=models.Q(status="open"),
                name="attempt_one_open_per_member_exam",
            )
        ]
        indexes = [models.Index(fields=["member", "exam", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.member_id} on {self.exam_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def question_count(self) -> int:
        return len(self.questions)


class AttemptAnswer(models.Model):
    """The choices a member ticked for one question of an attempt; saved as they answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question_id = models.CharField(max_length=64)
    choice_ids = models.JSONField(default=list, help_text="The ticked choices' ids.")
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question_id"], name="attempt_answer_unique_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id} of {self.attempt_id}"
