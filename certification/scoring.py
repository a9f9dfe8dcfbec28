"""Scoring an attempt on the server: right or wrong per question, the total and per topic.

A question is right when exactly its correct choices were ticked (multiple choice has no
partial credit). Pure functions over the attempt's snapshot and its answers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Score:
    correct: int
    total: int
    percent: int
    passed: bool
    breakdown: list[dict]


def is_right(question: dict, choice_ids: list[str] | None) -> bool:
    return bool(choice_ids) and set(choice_ids) == set(question["correct"])


def score(questions: list[dict], answers: dict[str, list[str]], *, pass_mark: int) -> Score:
    """Score ``answers`` (question id -> ticked choice ids) against the snapshot.

    The percent is rounded down and the pass is decided on exact numbers, so 69.9% never shows
    as 70% and a pass mark of 70 needs at least 70% right.
    """
    topics: dict[str, dict] = {}
    correct = 0
    for question in questions:
        right = is_right(question, answers.get(question["id"]))
        correct += right
        row = topics.setdefault(
            question["topic"], {"topic": question["topic"], "correct": 0, "total": 0}
        )
        row["correct"] += right
        row["total"] += 1
    total = len(questions)
    breakdown = sorted(topics.values(), key=lambda row: row["topic"].casefold())
    for row in breakdown:
        row["percent"] = 100 * row["correct"] // row["total"]
    return Score(
        correct=correct,
        total=total,
        percent=100 * correct // total if total else 0,
        passed=bool(total) and correct * 100 >= pass_mark * total,
        breakdown=breakdown,
    )
