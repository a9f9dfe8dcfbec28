"""Drawing an attempt's questions from an exam's banks: random, per topic, shuffled choices.

Pure functions over the banks' questions; ``services.attempt_start`` stores the result as the
attempt's snapshot. Choice ids are random per attempt, so the page's HTML never hints at which
choice the editor wrote first (often the right one).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable

from certification.blocks import TRUE_FALSE
from certification.models import QuestionBank

NOT_ENOUGH_QUESTIONS = (
    "This exam cannot start yet: its question banks do not have enough questions. "
    "Please tell the portal's staff."
)

_random = random.SystemRandom()


class DrawError(Exception):
    """The banks cannot fill an attempt; the message is fit to show to a learner."""


def bank_questions(banks: Iterable[QuestionBank]) -> list[dict]:
    """Every question of ``banks`` as plain data, each question once (by its block id)."""
    questions: list[dict] = []
    seen: set[str] = set()
    for bank in banks:
        for block in bank.questions:
            if block.block_type != "question" or block.id in seen:
                continue
            seen.add(block.id)
            value = block.value
            questions.append(
                {
                    "id": block.id,
                    "bank": bank.pk,
                    "kind": value["kind"],
                    "text": value["text"],
                    "topic": value["topic"].strip(),
                    "explanation": value["explanation"],
                    "choices": [
                        {"text": choice["text"], "correct": bool(choice["correct"])}
                        for choice in value["choices"]
                    ],
                }
            )
    return questions


def _snapshot(question: dict, rng: random.Random) -> dict:
    choices = [{**choice, "id": secrets.token_hex(4)} for choice in question["choices"]]
    if question["kind"] != TRUE_FALSE:  # "True" before "False", as written
        rng.shuffle(choices)
    return {
        **{key: question[key] for key in ("id", "bank", "kind", "text", "topic", "explanation")},
        "choices": [{"id": choice["id"], "text": choice["text"]} for choice in choices],
        "correct": [choice["id"] for choice in choices if choice["correct"]],
    }


def draw(
    questions: list[dict],
    *,
    count: int,
    quotas: dict[str, int] | None = None,
    rng: random.Random = _random,
) -> list[dict]:
    """``count`` questions at random, in random order, as an attempt's snapshot.

    ``quotas`` maps a topic to the exact number of its questions to draw (capitals ignored);
    the rest are drawn from the topics without a quota. Raises ``DrawError`` when the questions
    cannot fill the attempt.
    """
    quotas = {topic.strip().casefold(): number for topic, number in (quotas or {}).items()}
    chosen: list[dict] = []
    for topic, number in quotas.items():
        on_topic = [q for q in questions if q["topic"].casefold() == topic]
        if len(on_topic) < number:
            raise DrawError(NOT_ENOUGH_QUESTIONS)
        chosen += rng.sample(on_topic, number)
    rest = [q for q in questions if q["topic"].casefold() not in quotas]
    remaining = count - len(chosen)
    if remaining < 0 or len(rest) < remaining:
        raise DrawError(NOT_ENOUGH_QUESTIONS)
    chosen += rng.sample(rest, remaining)
    rng.shuffle(chosen)
    return [_snapshot(question, rng) for question in chosen]
