"""Tags, questions, answers and credentialed members for the list, search and close tests;
call inside a portal's schema (``tenant.activate()``).

Posts are made with the ORM as the post services would leave them: Markdown rendered through
``portal.sanitize``, counters set, and the search vectors written by ``community.search``.
"""

from __future__ import annotations

import itertools
from datetime import datetime

from django.contrib.auth.models import Permission
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from certification.models import Badge
from community.models import Answer, MemberReputation, Question, Tag
from community.search import answer_index, question_index
from portal.sanitize import render_markdown
from tests.factories.badges import give_badge, make_badge
from tests.factories.certification import make_certification, take_exam

_numbers = itertools.count(1)


def make_tag(*, name: str, description: str = "", course=None, certifications=()) -> Tag:
    tag = Tag.objects.create(name=name, slug=slugify(name), description=description, course=course)
    tag.certifications.set(certifications)
    return tag


def make_question(
    *,
    author,
    title: str | None = None,
    body: str = "How do I get this working? I tried the obvious things.",
    tags=(),
    created_at: datetime | None = None,
    last_activity_at: datetime | None = None,
    **fields,
) -> Question:
    created_at = created_at or timezone.now()
    question = Question.objects.create(
        author=author,
        title=title or f"Question number {next(_numbers)}",
        body_md=body,
        body_html=render_markdown(body),
        created_at=created_at,
        last_activity_at=last_activity_at or created_at,
        **fields,
    )
    question.tags.set(tags)
    question_index(question_id=question.pk)
    question.refresh_from_db()
    return question


def make_answer(*, question: Question, author, body: str = "Restart it.", **fields) -> Answer:
    """An answer; the question's answer count, first answer and activity follow."""
    now = fields.pop("created_at", None) or timezone.now()
    answer = Answer.objects.create(
        question=question,
        author=author,
        body_md=body,
        body_html=render_markdown(body),
        created_at=now,
        **fields,
    )
    answer_index(answer_id=answer.pk)
    Question.objects.filter(pk=question.pk).update(
        answer_count=F("answer_count") + 1, last_activity_at=now
    )
    Question.objects.filter(pk=question.pk, first_answer_at__isnull=True).update(
        first_answer_at=now
    )
    question.refresh_from_db()
    return answer


def certify(*, member, name: str = "Cloud Operator"):
    """Make ``member`` certified in a new certification ``name`` (a real passed exam)."""
    certification = make_certification(name=name)
    take_exam(member=member, exam=certification.exam)
    return certification


def make_mvp_title(*, member):
    """Give ``member`` a valid MVP title (the award as the MVP services leave it)."""
    return give_badge(member=member, badge=make_badge(name="MVP", kind=Badge.Kind.MVP))


def give_reputation(*, member, total: int) -> None:
    MemberReputation.objects.update_or_create(member=member, defaults={"total": total})


def make_moderator(*, member):
    """Give ``member`` the community moderation permission (without being staff)."""
    member.user_permissions.add(Permission.objects.get(codename="moderate_community"))
    return type(member).objects.get(pk=member.pk)  # fresh permission cache
