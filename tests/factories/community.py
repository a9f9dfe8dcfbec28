"""Tags, questions, answers, comments and members for the community tests, made through the
real services (``community.post_services``). Each function enters the portal's schema itself
when given ``tenant``; the others are called inside ``tenant.activate()``."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from community.models import Answer, Comment, Question, Tag
from community.post_services import answer_create, comment_create, question_create
from tests.factories.accounts import make_member
from tests.factories.certification import make_certification, take_exam

_numbers = itertools.count(1)

BODY = "This is the body of the post, long enough to pass the minimum length checks."


def community_member(tenant, *, days_old: int = 30, **fields):
    """A member who joined ``days_old`` days ago (past the new-account limits by default)."""
    number = next(_numbers)
    fields.setdefault("email", f"community{number}@{tenant.domain}")
    fields.setdefault("date_joined", timezone.now() - timedelta(days=days_old))
    with tenant.activate():
        return make_member(**fields)


def certified_member(tenant, *, certification=None, **fields):
    """A member holding a valid award of ``certification`` (a new one if none), earned by
    really passing its exam."""
    member = community_member(tenant, **fields)
    with tenant.activate():
        if certification is None:
            certification = make_certification(name=f"Certified {next(_numbers)}")
        take_exam(member=member, exam=certification.exam)
    return member


def make_tag(*, name: str = "Deployment", course=None, certifications=()) -> Tag:
    tag, _ = Tag.objects.get_or_create(
        name=name, defaults={"slug": slugify(name), "course": course}
    )
    if certifications:
        tag.certifications.set(certifications)
    return tag


def make_question(*, author, title: str = "", body: str = BODY, tags=None, page=None) -> Question:
    """A question through ``question_create`` (tagged "Deployment" unless told)."""
    tags = tags if tags is not None else [make_tag()]
    return question_create(
        author=author,
        title=title or f"How do I deploy the agent, case {next(_numbers)}?",
        body_md=body,
        tag_names=[tag.name if isinstance(tag, Tag) else tag for tag in tags],
        page=page,
    )


def make_answer(*, question: Question, author, body: str = BODY) -> Answer:
    return answer_create(question=question, author=author, body_md=body)


def make_comment(
    *, author, question=None, answer=None, body: str = "A helpful remark here."
) -> Comment:
    return comment_create(author=author, body_md=body, question=question, answer=answer)
