"""The kinds of survey question and what their answers mean.

The one place that knows that "Very good" scores 4, that 9 and 10 are promoters, which answers a
question offers and how a "skip to" rule's answers are written. Plain Python (no models), so the
models, the form builder, the services and the results all read the same rules.
"""

from __future__ import annotations

SCALE = "scale"
YES_NO = "yesno"
CHOICE = "choice"
CHOICES = "choices"
RECOMMEND = "recommend"
COMMENT = "comment"
SHORT_TEXT = "singleline"

FIELD_TYPE_CHOICES = [
    (SCALE, "5-point scale (Excellent … Poor, N/A)"),
    (YES_NO, "Yes or no"),
    (CHOICE, "Single choice"),
    (CHOICES, "Multiple choice"),
    (RECOMMEND, "0-10 likely to recommend (NPS)"),
    (COMMENT, "Comment (several lines)"),
    (SHORT_TEXT, "Short text (one line)"),
]
FIELD_TYPE_LABELS = dict(FIELD_TYPE_CHOICES)

#: The scale's answers, best first, and the points each scores in averages.
SCALE_POINTS = {"Excellent": 5, "Very good": 4, "Good": 3, "Fair": 2, "Poor": 1}
NOT_APPLICABLE = "N/A"
YES, NO = "Yes", "No"
YES_NO_POINTS = {YES: 1, NO: 0}
RECOMMEND_MIN, RECOMMEND_MAX = 0, 10
PROMOTER_MIN = 9  # 9 and 10 are promoters, 0 to 6 detractors (Net Promoter Score)
DETRACTOR_MAX = 6
COMMENT_MAX_LENGTH = 2000
SHORT_TEXT_MAX_LENGTH = 255

#: Questions whose answers a "skip to" rule can test, and those counted answer by answer.
SKIPPABLE_TYPES = {SCALE, YES_NO, CHOICE, CHOICES, RECOMMEND}
COUNTED_TYPES = SKIPPABLE_TYPES
TEXT_TYPES = {COMMENT, SHORT_TEXT}
CHOICE_TYPES = {CHOICE, CHOICES}

#: What a skip rule's target is when it skips to the end of the survey.
END = ""


def split_list(text: str) -> list[str]:
    """Wagtail's way of reading a list typed by an editor: one per line if there are several
    lines, else separated by commas. Empty items are dropped."""
    lines = (text or "").strip().splitlines()
    items = lines if len(lines) > 1 else (text or "").split(",")
    return [item.strip().rstrip(",").strip() for item in items if item.strip().rstrip(",").strip()]


def answer_options(*, field_type: str, choices: str = "", offer_na: bool = True) -> list[str]:
    """Every answer a question offers, in the order shown (empty for free-text questions)."""
    if field_type == SCALE:
        return [*SCALE_POINTS, *([NOT_APPLICABLE] if offer_na else [])]
    if field_type == YES_NO:
        return [YES, NO]
    if field_type in CHOICE_TYPES:
        return split_list(choices)
    if field_type == RECOMMEND:
        return [str(number) for number in range(RECOMMEND_MIN, RECOMMEND_MAX + 1)]
    return []


def answer_points(*, field_type: str, value: str) -> int | None:
    """The number an answer counts as in averages: a scale's 5..1 (N/A: None), yes 1 and no 0,
    a recommendation's 0..10; None for the rest."""
    if field_type == SCALE:
        return SCALE_POINTS.get(value)
    if field_type == YES_NO:
        return YES_NO_POINTS.get(value)
    if field_type == RECOMMEND and str(value).isdigit():
        return int(value)
    return None


def parse_skip_answers(*, field_type: str, text: str) -> list[str]:
    """The answers a skip rule lists: comma or line separated; for a 0-10 question a range such
    as ``0-6`` stands for each number in it. Unknown answers are kept (the admin form says so)."""
    answers: list[str] = []
    for item in split_list(text):
        low, dash, high = item.partition("-")
        if field_type == RECOMMEND and dash and low.strip().isdigit() and high.strip().isdigit():
            answers.extend(str(number) for number in range(int(low), int(high) + 1))
        else:
            answers.append(item)
    return answers


def matches(*, answer: object, answers: set[str]) -> bool:
    """Whether a cleaned answer (text, number or list of choices) is one of ``answers``
    (case-insensitive); a multiple-choice answer matches when any chosen option does."""
    folded = {item.casefold() for item in answers}
    values = answer if isinstance(answer, list | tuple) else [answer]
    return any(value not in (None, "") and str(value).casefold() in folded for value in values)
