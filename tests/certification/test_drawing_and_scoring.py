"""Drawing an attempt's questions and scoring it: pure functions over the banks' questions."""

import random

import pytest

from certification.blocks import MULTIPLE, SINGLE, TRUE_FALSE
from certification.drawing import DrawError, draw
from certification.scoring import score


def _question(number: int, *, topic: str = "Basics", kind: str = SINGLE, correct=(0,)) -> dict:
    count = 2 if kind == TRUE_FALSE else 4
    labels = ["True", "False"] if kind == TRUE_FALSE else [f"Q{number} c{i}" for i in range(count)]
    return {
        "id": f"q{number}",
        "bank": 1,
        "kind": kind,
        "text": f"Question {number}",
        "topic": topic,
        "explanation": "",
        "choices": [{"text": label, "correct": i in correct} for i, label in enumerate(labels)],
    }


def _pool(size: int, topics=("Basics",)) -> list[dict]:
    return [_question(n, topic=topics[n % len(topics)]) for n in range(size)]


@pytest.mark.parametrize("count", [1, 5, 20])
def test_a_draw_has_the_exams_number_of_distinct_questions(count):
    drawn = draw(_pool(20), count=count)
    assert len(drawn) == count
    assert len({q["id"] for q in drawn}) == count


def test_a_draw_snapshots_text_choices_and_the_right_answers_by_new_ids():
    (drawn,) = draw([_question(1, correct=(2,))], count=1)
    assert drawn["text"] == "Question 1" and drawn["topic"] == "Basics"
    assert sorted(c["text"] for c in drawn["choices"]) == [f"Q1 c{i}" for i in range(4)]
    right = [c["text"] for c in drawn["choices"] if c["id"] in drawn["correct"]]
    assert right == ["Q1 c2"]
    assert all("correct" not in choice for choice in drawn["choices"])  # only ids say it


def test_choice_ids_differ_between_draws_so_the_html_gives_nothing_away():
    first, second = draw([_question(1)], count=1), draw([_question(1)], count=1)
    assert {c["id"] for c in first[0]["choices"]}.isdisjoint(c["id"] for c in second[0]["choices"])


def test_questions_and_choices_come_in_random_order():
    rng = random.Random(7)
    orders = {tuple(q["id"] for q in draw(_pool(10), count=10, rng=rng)) for _ in range(5)}
    assert len(orders) == 5
    first_choices = {
        draw([_question(1)], count=1, rng=rng)[0]["choices"][0]["text"] for _ in range(40)
    }
    assert len(first_choices) > 1


def test_true_false_choices_keep_their_written_order():
    for _ in range(10):
        (drawn,) = draw([_question(1, kind=TRUE_FALSE)], count=1)
        assert [c["text"] for c in drawn["choices"]] == ["True", "False"]


def test_per_topic_counts_are_exact_and_the_rest_comes_from_other_topics():
    pool = _pool(30, topics=("Networking", "Storage", "Security"))
    for _ in range(10):
        drawn = draw(pool, count=8, quotas={"networking": 3, "Storage": 2})
        topics = [q["topic"] for q in drawn]
        assert topics.count("Networking") == 3 and topics.count("Storage") == 2
        assert topics.count("Security") == 3


@pytest.mark.parametrize(
    ("count", "quotas"),
    [(21, {}), (5, {"Networking": 11}), (12, {"Networking": 1})],
    ids=["too-few-in-all", "too-few-on-topic", "too-few-for-the-rest"],
)
def test_a_draw_the_banks_cannot_fill_is_refused(count, quotas):
    pool = _pool(20, topics=("Networking", "Storage"))  # 10 of each
    with pytest.raises(DrawError):
        draw(pool, count=count, quotas=quotas)


def _snapshot(*questions):
    return draw(list(questions), count=len(questions), rng=random.Random(1))


def _ids(question, *texts):
    return [c["id"] for c in question["choices"] if c["text"] in texts]


def test_single_choice_is_right_only_with_its_one_right_answer():
    (q,) = _snapshot(_question(1, correct=(1,)))
    assert score([q], {"q1": _ids(q, "Q1 c1")}, pass_mark=100).correct == 1
    assert score([q], {"q1": _ids(q, "Q1 c0")}, pass_mark=100).correct == 0
    assert score([q], {}, pass_mark=100).correct == 0


def test_multiple_choice_needs_exactly_the_right_answers():
    (q,) = _snapshot(_question(1, kind=MULTIPLE, correct=(0, 2)))
    assert score([q], {"q1": _ids(q, "Q1 c0", "Q1 c2")}, pass_mark=50).passed
    for partial in (["Q1 c0"], ["Q1 c0", "Q1 c2", "Q1 c3"], []):
        assert score([q], {"q1": _ids(q, *partial)}, pass_mark=50).correct == 0


def test_true_false_is_scored_like_single_choice():
    (q,) = _snapshot(_question(1, kind=TRUE_FALSE, correct=(1,)))
    assert score([q], {"q1": _ids(q, "False")}, pass_mark=100).passed
    assert not score([q], {"q1": _ids(q, "True")}, pass_mark=100).passed


@pytest.mark.parametrize(
    ("right", "total", "pass_mark", "percent", "passed"),
    [
        (7, 10, 70, 70, True),
        (6, 10, 70, 60, False),
        (20, 29, 68, 68, True),
        (20, 29, 69, 68, False),
    ],
)
def test_the_pass_mark_is_inclusive_and_the_percent_rounds_down(
    right, total, pass_mark, percent, passed
):
    questions = _snapshot(*[_question(n) for n in range(total)])
    answers = {q["id"]: q["correct"] for q in questions[:right]}
    result = score(questions, answers, pass_mark=pass_mark)
    assert (result.correct, result.percent, result.passed) == (right, percent, passed)


def test_the_breakdown_counts_right_answers_per_topic():
    questions = _snapshot(*_pool(6, topics=("Storage", "Networking")))
    answers = {q["id"]: q["correct"] for q in questions if q["topic"] == "Networking"}
    result = score(questions, answers, pass_mark=50)
    assert result.breakdown == [
        {"topic": "Networking", "correct": 3, "total": 3, "percent": 100},
        {"topic": "Storage", "correct": 0, "total": 3, "percent": 0},
    ]
