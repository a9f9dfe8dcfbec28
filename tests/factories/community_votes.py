"""Questions, answers and tags for the vote, accept and profile tests; call inside a portal's
schema (``tenant.activate()``).

Made directly with the ORM (``body_html`` a fixed safe string) until the community's own
factories (tests/factories/community.py) exist; votes and acceptance themselves always go
through the services under test.
"""

import itertools

from community.models import Answer, Question, Tag

_numbers = itertools.count(1)
BODY_HTML = "<p>Body.</p>"


def make_tag(*, name: str) -> Tag:
    tag, _ = Tag.objects.get_or_create(name=name, defaults={"slug": name.lower()})
    return tag


def make_question(*, author, title: str = "", tags=(), **fields) -> Question:
    title = title or f"How do I deploy service number {next(_numbers)}?"
    question = Question.objects.create(
        author=author, title=title, body_md="Body.", body_html=BODY_HTML, **fields
    )
    question.tags.set([make_tag(name=name) for name in tags])
    return question


def make_answer(*, question: Question, author, **fields) -> Answer:
    answer = Answer.objects.create(
        question=question, author=author, body_md="Answer.", body_html=BODY_HTML, **fields
    )
    Question.objects.filter(pk=question.pk).update(answer_count=question.answers.count())
    return answer
