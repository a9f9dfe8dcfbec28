"""The question block of a question bank: single choice, multiple choice or true/false.

Each question carries a topic (for per-topic draws and the result's breakdown) and an
explanation (shown with the correct answers when an exam reveals them). The block's id, kept by
the StreamField across edits, is the question's stable id.
"""

from django.core.exceptions import ValidationError

from wagtail import blocks

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"
KIND_CHOICES = [
    (SINGLE, "Single choice (one right answer)"),
    (MULTIPLE, "Multiple choice (one or more right answers)"),
    (TRUE_FALSE, "True or false"),
]

ONE_CORRECT = "Mark exactly one choice as correct."
AT_LEAST_ONE_CORRECT = "Mark at least one choice as correct."
TWO_CHOICES = "A true/false question has exactly two choices (e.g. “True” and “False”)."


class AnswerChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300, help_text="The answer as learners see it.")
    correct = blocks.BooleanBlock(required=False, help_text="Tick for a right answer.")

    class Meta:
        icon = "radio-full"


class QuestionBlock(blocks.StructBlock):
    """One exam question. Learners see its choices in a random order (true/false: as written)."""

    kind = blocks.ChoiceBlock(
        choices=KIND_CHOICES,
        default=SINGLE,
        help_text="Multiple choice is scored right only when exactly the right choices are ticked.",
    )
    text = blocks.TextBlock(max_length=1000, help_text="The question, as learners see it.")
    topic = blocks.CharBlock(
        max_length=80,
        help_text="What it tests, e.g. “Networking”. Exams can draw a number of questions per "
        "topic, and results show a score per topic.",
    )
    explanation = blocks.TextBlock(
        required=False,
        max_length=1000,
        help_text="Why the right answer is right; shown after the exam if it reveals answers.",
    )
    choices = blocks.ListBlock(
        AnswerChoiceBlock(),
        min_num=2,
        max_num=8,
        help_text="Two to eight choices; true/false questions have exactly two.",
    )

    class Meta:
        icon = "help"
        label = "Question"

    def clean(self, value):
        value = super().clean(value)
        choices = list(value.get("choices") or [])
        correct = sum(1 for choice in choices if choice.get("correct"))
        kind = value.get("kind")
        error = None
        if kind == TRUE_FALSE and len(choices) != 2:
            error = TWO_CHOICES
        elif kind in (SINGLE, TRUE_FALSE) and correct != 1:
            error = ONE_CORRECT
        elif kind == MULTIPLE and correct < 1:
            error = AT_LEAST_ONE_CORRECT
        if error:
            raise blocks.StructBlockValidationError(
                block_errors={"choices": ValidationError(error)}
            )
        return value


class QuestionStreamBlock(blocks.StreamBlock):
    question = QuestionBlock()

    class Meta:
        block_counts = {}
