"""Writing posts: asking, answering, commenting and editing, each keeping its invariants.

Every service checks who may act through ``community.permissions`` and raises
``CommunityError`` (a message fit to show) when refused or when the input is bad; nothing is
written then. Bodies are rendered and sanitised once, on save (``portal.sanitize``); the first
post and every edit of a question or answer is a ``Revision`` numbered from 1; counters move
with ``F()`` expressions; the search vectors are refreshed in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from community import notification_services, search
from community.close_services import CLOSED_NO_ANSWERS
from community.models import Answer, Comment, ModerationAction, Question, Revision, Tag
from community.permissions import (
    CommunityError,
    answer_refusal,
    edit_others_refusal,
    is_moderator,
    participation_refusal,
    rate_limit_refusal,
)
from portal.sanitize import render_markdown

TITLE_MIN, TITLE_MAX = 15, 150
BODY_MIN, BODY_MAX = 30, 20_000
COMMENT_MIN, COMMENT_MAX = 15, 600
SUMMARY_MAX = 200
TAGS_MIN, TAGS_MAX = 1, 5

TITLE_LENGTH = f"Give your question a title of {TITLE_MIN} to {TITLE_MAX} characters."
BODY_LENGTH = f"Write {BODY_MIN} to {BODY_MAX:,} characters."
COMMENT_LENGTH = f"Comments are {COMMENT_MIN} to {COMMENT_MAX} characters long."
TAGS_COUNT = f"Choose {TAGS_MIN} to {TAGS_MAX} tags."
TAGS_UNKNOWN = "There is no tag named {names}. Choose existing tags; staff add new ones."
QUESTION_CLOSED = CLOSED_NO_ANSWERS  # one message, defined with the closing rules
POST_HIDDEN = "This post was hidden by a moderator."
NOTHING_CHANGED = "Nothing changed: edit the text before saving."
COMMENT_TARGET = "A comment belongs to exactly one question or answer."


def _check_can_post(member) -> None:
    """Refuse signed-out and suspended members, and new accounts over their hourly limit."""
    refusal = participation_refusal(member=member) or rate_limit_refusal(member=member)
    if refusal:
        raise CommunityError(refusal)


def _check_can_edit(*, post, editor) -> None:
    refusal = participation_refusal(member=editor)
    if refusal is None and post.author_id != editor.pk and not is_moderator(member=editor):
        refusal = edit_others_refusal(member=editor)
    if refusal:
        raise CommunityError(refusal)


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise CommunityError(TITLE_LENGTH)
    return title


def _clean_body(body_md: str, *, low: int = BODY_MIN, high: int = BODY_MAX, message=BODY_LENGTH):
    body_md = (body_md or "").replace("\r\n", "\n").strip()
    if not low <= len(body_md) <= high:
        raise CommunityError(message)
    return body_md


def tags_by_name(*, names: Sequence[str]) -> list[Tag]:
    """The existing tags named (or slugged) ``names``, in the order given, without repeats.

    Raises ``CommunityError`` for none, more than ``TAGS_MAX``, or any unknown name: members
    choose among the tags staff made.
    """
    wanted: list[str] = []
    for name in names:
        name = " ".join(str(name).split())
        if name and name.casefold() not in {w.casefold() for w in wanted}:
            wanted.append(name)
    if not TAGS_MIN <= len(wanted) <= TAGS_MAX:
        raise CommunityError(TAGS_COUNT)
    keys = [name.casefold() for name in wanted]
    matches = Q()
    for name in wanted:
        matches |= Q(name__iexact=name) | Q(slug__iexact=name)
    found: dict[str, Tag] = {}
    for tag in Tag.objects.filter(matches):
        found[tag.name.casefold()] = tag
        found[tag.slug.casefold()] = tag
    unknown = [name for name in wanted if name.casefold() not in found]
    if unknown:
        raise CommunityError(TAGS_UNKNOWN.format(names=", ".join(f"“{n}”" for n in unknown)))
    tags: list[Tag] = []
    for key in keys:
        if found[key] not in tags:
            tags.append(found[key])
    return tags


def _next_revision_number(**post) -> int:
    return (Revision.objects.filter(**post).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def question_create(
    *, author, title: str, body_md: str, tag_names: Sequence[str], page=None
) -> Question:
    """Ask a question: revision 1, rendered body, tags (existing only), search vector.

    ``page`` is the course or lesson it is about (the form offers live ones only).
    """
    _check_can_post(author)
    title = _clean_title(title)
    body_md = _clean_body(body_md)
    tags = tags_by_name(names=tag_names)
    now = timezone.now()
    question = Question.objects.create(
        author=author,
        title=title,
        body_md=body_md,
        body_html=render_markdown(body_md),
        page=page,
        created_at=now,
        last_activity_at=now,
    )
    question.tags.set(tags)
    Revision.objects.create(
        question=question,
        number=1,
        author=author,
        title=title,
        body_md=body_md,
        tag_names=", ".join(tag.name for tag in tags),
        created_at=now,
    )
    search.question_index(question_id=question.pk)
    notification_services.notify_question(question)
    return question


@transaction.atomic
def question_edit(
    *, question: Question, editor, title: str, body_md: str, tag_names: Sequence[str], summary=""
) -> Question:
    """Edit a question's title, body and tags, keeping the old version as a revision.

    Authors edit their own; others need ``edit_others_refusal`` to be None (reputation) or to
    be moderators, whose edits of others' posts are logged.
    """
    _check_can_edit(post=question, editor=editor)
    title = _clean_title(title)
    body_md = _clean_body(body_md)
    tags = tags_by_name(names=tag_names)
    question = Question.objects.select_for_update().get(pk=question.pk)
    same_tags = {t.pk for t in tags} == set(question.tags.values_list("pk", flat=True))
    if same_tags and (title, body_md) == (question.title, question.body_md):
        raise CommunityError(NOTHING_CHANGED)
    now = timezone.now()
    question.title, question.body_md = title, body_md
    question.body_html = render_markdown(body_md)
    question.edited_at = question.last_activity_at = now
    question.save(update_fields=["title", "body_md", "body_html", "edited_at", "last_activity_at"])
    question.tags.set(tags)
    Revision.objects.create(
        question=question,
        number=_next_revision_number(question=question),
        author=editor,
        title=title,
        body_md=body_md,
        tag_names=", ".join(tag.name for tag in tags),
        summary=(summary or "").strip()[:SUMMARY_MAX],
        created_at=now,
    )
    _log_moderator_edit(post=question, editor=editor, question=question)
    search.question_index(question_id=question.pk)
    return question


@transaction.atomic
def answer_create(*, question: Question, author, body_md: str) -> Answer:
    """Answer a question, if ``answer_refusal`` allows: revision 1, counters, search vector."""
    refusal = answer_refusal(member=author, question=question) or rate_limit_refusal(member=author)
    if refusal:
        raise CommunityError(refusal)
    if question.closed_at is not None:
        raise CommunityError(QUESTION_CLOSED)
    if question.hidden_at is not None:
        raise CommunityError(POST_HIDDEN)
    body_md = _clean_body(body_md)
    now = timezone.now()
    answer = Answer.objects.create(
        question=question,
        author=author,
        body_md=body_md,
        body_html=render_markdown(body_md),
        created_at=now,
    )
    Revision.objects.create(answer=answer, number=1, author=author, body_md=body_md, created_at=now)
    Question.objects.filter(pk=question.pk).update(
        answer_count=F("answer_count") + 1,
        last_activity_at=Greatest(F("last_activity_at"), now),
        first_answer_at=Coalesce(F("first_answer_at"), now),
    )
    search.answer_index(answer_id=answer.pk)
    notification_services.notify_answer(answer)
    return answer


@transaction.atomic
def answer_edit(*, answer: Answer, editor, body_md: str, summary: str = "") -> Answer:
    """Edit an answer's body, keeping the old version as a revision (rules as for questions)."""
    _check_can_edit(post=answer, editor=editor)
    body_md = _clean_body(body_md)
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    if body_md == answer.body_md:
        raise CommunityError(NOTHING_CHANGED)
    now = timezone.now()
    answer.body_md = body_md
    answer.body_html = render_markdown(body_md)
    answer.edited_at = now
    answer.save(update_fields=["body_md", "body_html", "edited_at"])
    Revision.objects.create(
        answer=answer,
        number=_next_revision_number(answer=answer),
        author=editor,
        body_md=body_md,
        summary=(summary or "").strip()[:SUMMARY_MAX],
        created_at=now,
    )
    Question.objects.filter(pk=answer.question_id).update(
        last_activity_at=Greatest(F("last_activity_at"), now)
    )
    _log_moderator_edit(post=answer, editor=editor, answer=answer)
    search.answer_index(answer_id=answer.pk)
    return answer


@transaction.atomic
def comment_create(
    *, author, body_md: str, question: Question | None = None, answer: Answer | None = None
) -> Comment:
    """Comment on a question or an answer (exactly one): inline Markdown, counters moved."""
    if (question is None) == (answer is None):
        raise CommunityError(COMMENT_TARGET)
    _check_can_post(author)
    post = question or answer
    if post.hidden_at is not None:
        raise CommunityError(POST_HIDDEN)
    body_md = _clean_body(
        body_md, low=COMMENT_MIN, high=COMMENT_MAX, message=COMMENT_LENGTH
    ).replace("\n", " ")
    now = timezone.now()
    comment = Comment.objects.create(
        question=question,
        answer=answer,
        author=author,
        body_md=body_md,
        body_html=render_markdown(body_md, inline=True),
        created_at=now,
    )
    type(post).objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    question_id = question.pk if question is not None else answer.question_id
    Question.objects.filter(pk=question_id).update(
        last_activity_at=Greatest(F("last_activity_at"), now)
    )
    notification_services.notify_comment(comment)
    return comment


def _log_moderator_edit(*, post, editor, **target) -> None:
    """A moderator editing someone else's post is a moderator action: log it."""
    if post.author_id != editor.pk and is_moderator(member=editor):
        ModerationAction.objects.create(
            moderator=editor,
            action=ModerationAction.Action.EDIT,
            member_id=post.author_id,
            **target,
        )
