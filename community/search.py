"""Full-text search vectors of questions and answers (PostgreSQL ``tsvector``, GIN-indexed).

Services call ``question_index`` / ``answer_index`` after every write of a title or body, in the
same transaction. Titles weigh more than bodies. The ``english`` configuration stems words
("deploying" finds "deploy").
"""

from django.contrib.postgres.search import SearchVector

from community.models import Answer, Question

CONFIG = "english"


def question_index(*, question_id: int) -> None:
    Question.objects.filter(pk=question_id).update(
        search_vector=SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("body_md", weight="B", config=CONFIG)
    )


def answer_index(*, answer_id: int) -> None:
    Answer.objects.filter(pk=answer_id).update(
        search_vector=SearchVector("body_md", weight="B", config=CONFIG)
    )
