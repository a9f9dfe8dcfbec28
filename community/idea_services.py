"""Writes of ideas and complaints ("a complaint is a gift"): submitting and editing, votes,
comments, follows, the staff's statuses with their public explanations, merging duplicates
and hiding abusive items.

Every service checks who may act through ``community.idea_permissions`` and raises
``IdeaError`` (a ``CommunityError`` with a message fit to show, and the form field it belongs
to) when refused or when the input is bad; nothing is written then. Markdown is rendered and
sanitised once, on save (``portal.sanitize.render_markdown``).

Races. Every write on an item first locks its row: votes, comments and follows with
``FOR NO KEY UPDATE`` (the counters' ``F()`` updates would take that lock anyway), status
changes and merges with ``FOR UPDATE``, a merge locking both items in primary-key order so
two merges at once cannot deadlock. So a vote cannot land on a duplicate while it is being
merged, and a merged item's refusal is decided on the row as it is now. One vote per member
and item and one follow per member and item are unique constraints besides; a declined item
without an explanation is refused here and by a check constraint.

Measures for the staff dashboard: ``first_staff_response_at`` is the first staff comment,
status change or merge; ``resolved_at`` the first move to done or declined, kept if the item
is reopened later (the time to resolution measures how long the customer first waited).

Notifications: followers hear of every status change and comment (never the actor); the
author follows their item, and voting up or commenting follows it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from community.idea_permissions import (
    comment_refusal,
    edit_refusal,
    follow_refusal,
    kind_noun,
    manage_refusal,
    submit_refusal,
    vote_refusal,
)
from community.models import (
    Idea,
    IdeaComment,
    IdeaFollow,
    IdeaStatus,
    IdeaStatusChange,
    IdeaVote,
    Notification,
    ProductArea,
)
from community.notification_services import notify
from community.permissions import SIGN_IN, CommunityError, participation_refusal
from portal.sanitize import render_markdown

TITLE_MIN, TITLE_MAX = 10, 150
BODY_MIN, BODY_MAX = 20, 10_000
COMMENT_MIN, COMMENT_MAX = 2, 2000
EXPLANATION_MAX = 5000
UP, DOWN = 1, -1

# The statuses staff set ("new" is where every item starts).
SETTABLE_STATUSES = (
    IdeaStatus.UNDER_REVIEW,
    IdeaStatus.PLANNED,
    IdeaStatus.IN_PROGRESS,
    IdeaStatus.DONE,
    IdeaStatus.DECLINED,
)

KIND_UNKNOWN = "Choose whether this is an idea or a complaint."
AREA_NEEDED = "Choose the product area it is about."
TITLE_LENGTH = f"Give it a title of {TITLE_MIN} to {TITLE_MAX} characters."
BODY_LENGTH = f"Describe it in {BODY_MIN} to {BODY_MAX:,} characters."
COMMENT_LENGTH = f"Comments are {COMMENT_MIN} to {COMMENT_MAX:,} characters long."
EXPLANATION_LENGTH = f"Keep the explanation under {EXPLANATION_MAX:,} characters."
STATUS_UNKNOWN = "Choose a status: under review, planned, in progress, done or declined."
DECLINE_NEEDS_REASON = (
    "Explain why it is declined: the member who wrote it, and everyone who voted, read this "
    "explanation on the item."
)
STATUS_UNCHANGED = "Nothing changed: choose another status or write a new explanation."
STATUS_OF_MERGED = "This item was merged into “{title}”: set the status there."
EDIT_UNCHANGED = "Nothing changed: edit the text before saving."
BAD_VALUE = "A vote is either up or down."
VOTE_BUSY = "Your previous vote was still being recorded: please try again."
VOTED = "You voted this {kind} {direction}. Press “Vote {direction}” again to withdraw your vote."
WITHDRAWN = "Your vote on this {kind} is withdrawn."
MERGE_SELF = "An item cannot be merged into itself: choose another item."
MERGE_ALREADY = "This item was already merged into “{title}”."
MERGE_INTO_MERGED = "“{title}” was itself merged into another item: merge into that one instead."
MERGE_INTO_HIDDEN = "“{title}” is hidden: merge into a visible item."
ALREADY_HIDDEN = "This item is already hidden."
NOT_HIDDEN = "This item is not hidden."
COMMENT_ALREADY_HIDDEN = "This comment is already hidden."
COMMENT_NOT_HIDDEN = "This comment is not hidden."
STATUS_TEXT = "“{title}” is now {status}"
MERGE_TEXT = "“{duplicate}” was merged into “{target}”"


class IdeaError(CommunityError):
    """An idea action that cannot be carried out; the message is fit to show. ``field`` names
    the form field it belongs to, when there is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class VoteOutcome:
    """What a vote did: the member's vote now (1, -1, or None once withdrawn), the item's new
    score, and a message for the member."""

    value: int | None
    score: int
    message: str


# Checks --------------------------------------------------------------------------------------


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise IdeaError(refusal)


def _text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").replace("\x00", "").strip()


def _clean_kind(kind: str) -> str:
    if kind not in Idea.Kind.values:
        raise IdeaError(KIND_UNKNOWN, field="kind")
    return kind


def _clean_area(area) -> ProductArea:
    if isinstance(area, ProductArea) and area.pk is not None:
        return area
    found = None
    if isinstance(area, int) or (isinstance(area, str) and area.isdigit()):
        found = ProductArea.objects.filter(pk=int(area)).first()
    if found is None:
        raise IdeaError(AREA_NEEDED, field="area")
    return found


def _clean_title(title: str) -> str:
    title = " ".join((title or "").replace("\x00", "").split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise IdeaError(TITLE_LENGTH, field="title")
    return title


def _clean_body(body_md: str) -> str:
    body_md = _text(body_md)
    if not BODY_MIN <= len(body_md) <= BODY_MAX:
        raise IdeaError(BODY_LENGTH, field="body")
    return body_md


def _clean_explanation(explanation_md: str) -> str:
    explanation_md = _text(explanation_md)
    if len(explanation_md) > EXPLANATION_MAX:
        raise IdeaError(EXPLANATION_LENGTH, field="explanation")
    return explanation_md


def _locked(idea_id: int, *, exclusive: bool = False) -> Idea:
    """The item's row, locked until the transaction ends (see the module's docstring)."""
    return Idea.objects.select_for_update(no_key=not exclusive).get(pk=idea_id)


def _title_of(idea_id: int | None) -> str:
    return Idea.objects.filter(pk=idea_id).values_list("title", flat=True).first() or ""


def _is_staff(member) -> bool:
    return bool(member.is_staff or member.is_superuser)


def _followers(idea_id: int) -> list[int]:
    return list(IdeaFollow.objects.filter(idea_id=idea_id).values_list("member_id", flat=True))


def _follow(*, member_id: int, idea_id: int) -> bool:
    """``member_id`` follows the item (its row locked by the caller): whether they did not
    before. The unique constraint settles two presses at once."""
    try:
        with transaction.atomic():
            IdeaFollow.objects.create(member_id=member_id, idea_id=idea_id)
    except IntegrityError:
        return False
    Idea.objects.filter(pk=idea_id).update(follower_count=F("follower_count") + 1)
    return True


# Submitting and editing ----------------------------------------------------------------------


@transaction.atomic
def idea_create(*, author, kind: str, title: str, body_md: str, area) -> Idea:
    """Submit an idea or a complaint (``kind``) about ``area`` (a ``ProductArea`` or its id).
    Its author follows it from the start, to hear of the staff's answer."""
    _refuse(submit_refusal(member=author))
    kind = _clean_kind(kind)
    title = _clean_title(title)
    body_md = _clean_body(body_md)
    area = _clean_area(area)
    now = timezone.now()
    idea = Idea.objects.create(
        kind=kind,
        author=author,
        area=area,
        title=title,
        body_md=body_md,
        body_html=render_markdown(body_md),
        created_at=now,
        last_activity_at=now,
        follower_count=1,
    )
    IdeaFollow.objects.create(member=author, idea=idea, created_at=now)
    return idea


@transaction.atomic
def idea_edit(*, idea: Idea, editor, kind: str, title: str, body_md: str, area) -> Idea:
    """Edit an item's kind, title, text and area (its author while it is new, the staff who
    manage ideas until it is merged: ``idea_permissions.edit_refusal``)."""
    kind = _clean_kind(kind)
    title = _clean_title(title)
    body_md = _clean_body(body_md)
    area = _clean_area(area)
    idea = _locked(idea.pk)
    _refuse(edit_refusal(member=editor, idea=idea))
    if (idea.kind, idea.title, idea.body_md, idea.area_id) == (kind, title, body_md, area.pk):
        raise IdeaError(EDIT_UNCHANGED)
    now = timezone.now()
    idea.kind, idea.title, idea.body_md, idea.area = kind, title, body_md, area
    idea.body_html = render_markdown(body_md)
    idea.edited_at = idea.last_activity_at = now
    idea.save(
        update_fields=[
            "kind",
            "title",
            "body_md",
            "body_html",
            "area",
            "edited_at",
            "last_activity_at",
        ]
    )
    return idea


# Votes, comments, follows ----------------------------------------------------------------------


def idea_vote(*, member, idea: Idea, value: int) -> VoteOutcome:
    """``member`` votes ``value`` (1 up, -1 down) on ``idea``: a new vote is recorded, the same
    value again withdraws it, the other value turns it round. Voting up follows the item.

    Refused (``IdeaError``, nothing changes): a bad value, signed out or suspended, one's own
    item, a merged or hidden one. The score moves with ``F()`` under the item's row lock, so
    it is exact however many members vote at once.
    """
    if value not in (UP, DOWN):
        raise IdeaError(BAD_VALUE)
    _refuse(participation_refusal(member=member))
    with transaction.atomic():
        locked = _locked(idea.pk)
        _refuse(vote_refusal(member=member, idea=locked, suspension=None))
        noun = kind_noun(locked)
        now = timezone.now()
        existing = IdeaVote.objects.filter(member=member, idea=locked).first()
        delta = 0
        casting = True
        if existing is None:
            try:
                with transaction.atomic():
                    IdeaVote.objects.create(
                        member=member, idea=locked, value=value, created_at=now, updated_at=now
                    )
            except IntegrityError as error:
                raise IdeaError(VOTE_BUSY) from error
            delta = value
        elif existing.value == value:
            existing.delete()
            delta, casting = -value, False
        else:
            IdeaVote.objects.filter(pk=existing.pk).update(value=value, updated_at=now)
            delta = 2 * value
        Idea.objects.filter(pk=locked.pk).update(score=F("score") + delta)
        if casting and value == UP:
            _follow(member_id=member.pk, idea_id=locked.pk)
        score = Idea.objects.values_list("score", flat=True).get(pk=locked.pk)
    if casting:
        direction = "up" if value == UP else "down"
        return VoteOutcome(value, score, VOTED.format(kind=noun, direction=direction))
    return VoteOutcome(None, score, WITHDRAWN.format(kind=noun))


@transaction.atomic
def idea_comment(*, author, idea: Idea, body_md: str) -> IdeaComment:
    """Comment on ``idea`` (sanitised Markdown). Staff comments are marked "Staff" and count
    as the staff's first response; the commenter follows the item; its followers hear of it."""
    body_md = _text(body_md)
    if not COMMENT_MIN <= len(body_md) <= COMMENT_MAX:
        raise IdeaError(COMMENT_LENGTH, field="body")
    _refuse(participation_refusal(member=author))
    locked = _locked(idea.pk)
    _refuse(comment_refusal(member=author, idea=locked, suspension=None))
    now = timezone.now()
    by_staff = _is_staff(author)
    comment = IdeaComment.objects.create(
        idea=locked,
        author=author,
        body_md=body_md,
        body_html=render_markdown(body_md),
        by_staff=by_staff,
        created_at=now,
    )
    updates = {"comment_count": F("comment_count") + 1, "last_activity_at": now}
    if by_staff:
        updates["first_staff_response_at"] = Coalesce(F("first_staff_response_at"), Value(now))
    Idea.objects.filter(pk=locked.pk).update(**updates)
    _follow(member_id=author.pk, idea_id=locked.pk)
    notify(
        recipients=dict.fromkeys(_followers(locked.pk), Notification.Kind.IDEA_COMMENT),
        actor=author,
        idea=locked,
    )
    return comment


@transaction.atomic
def idea_follow(*, member, idea: Idea, follow: bool | None = None) -> bool:
    """Follow ``idea`` (``follow=True``), stop following it (``False``) or toggle (``None``):
    whether the member follows it now. Unfollowing is always allowed (suspended or not)."""
    if member is None or not member.is_authenticated:
        raise IdeaError(SIGN_IN)
    locked = _locked(idea.pk)
    following = IdeaFollow.objects.filter(member=member, idea=locked).exists()
    wanted = (not following) if follow is None else follow
    if wanted and not following:
        _refuse(follow_refusal(member=member, idea=locked))
        _follow(member_id=member.pk, idea_id=locked.pk)
    elif following and not wanted:
        IdeaFollow.objects.filter(member=member, idea=locked).delete()
        Idea.objects.filter(pk=locked.pk).update(follower_count=F("follower_count") - 1)
    return wanted


# The staff's answers ---------------------------------------------------------------------------


@transaction.atomic
def idea_status_set(
    *, idea: Idea, staff, status: str, explanation_md: str = ""
) -> IdeaStatusChange:
    """Set ``idea``'s status with a public explanation (Markdown), recorded in its history.

    Declining needs an explanation (``DECLINE_NEEDS_REASON``; a check constraint besides). The
    explanation shown on the item is the latest one: a new status without one clears it.
    The same status with a new explanation is a change too (recorded and announced). The
    first change is the staff's first response; the first move to done or declined is the
    item's resolution, kept if it is reopened. Followers are told (not ``staff``).
    """
    _refuse(manage_refusal(member=staff))
    if status not in SETTABLE_STATUSES:
        raise IdeaError(STATUS_UNKNOWN, field="status")
    explanation_md = _clean_explanation(explanation_md)
    if status == IdeaStatus.DECLINED and not explanation_md:
        raise IdeaError(DECLINE_NEEDS_REASON, field="explanation")
    locked = _locked(idea.pk, exclusive=True)
    if locked.merged_into_id is not None:
        raise IdeaError(STATUS_OF_MERGED.format(title=_title_of(locked.merged_into_id)))
    if (locked.status, locked.explanation_md) == (status, explanation_md):
        raise IdeaError(STATUS_UNCHANGED)
    now = timezone.now()
    explanation_html = render_markdown(explanation_md)
    change = IdeaStatusChange.objects.create(
        idea=locked,
        old_status=locked.status,
        new_status=status,
        explanation_md=explanation_md,
        explanation_html=explanation_html,
        changed_by=staff,
        created_at=now,
    )
    if locked.status != status:
        locked.status_changed_at = now
    locked.status = status
    locked.explanation_md, locked.explanation_html = explanation_md, explanation_html
    locked.last_activity_at = now
    locked.first_staff_response_at = locked.first_staff_response_at or now
    if status in (IdeaStatus.DONE, IdeaStatus.DECLINED) and locked.resolved_at is None:
        locked.resolved_at = now
    locked.save(
        update_fields=[
            "status",
            "status_changed_at",
            "explanation_md",
            "explanation_html",
            "last_activity_at",
            "first_staff_response_at",
            "resolved_at",
        ]
    )
    if locked.hidden_at is None:
        notify(
            recipients=dict.fromkeys(_followers(locked.pk), Notification.Kind.IDEA_STATUS),
            actor=staff,
            idea=locked,
            text=STATUS_TEXT.format(title=locked.title, status=IdeaStatus(status).label),
        )
    return change


@transaction.atomic
def idea_merge(*, duplicate: Idea, target: Idea, staff) -> Idea:
    """Merge ``duplicate`` into ``target``; return the target as it is now.

    Votes move to the target: a member who voted on both keeps their vote on the target, and
    votes by the target's author are dropped (nobody votes on their own item). The duplicate's
    author gets an up vote on the target unless they already voted on it or wrote it (their
    item was their vote, as UserVoice and Canny count it). Followers move too, without
    duplicates; items earlier merged into the duplicate now point at the target. The scores
    and follower counts of both are recomputed from the rows. The duplicate keeps its comments
    and history, shows "Merged into …" and takes no more votes, comments or follows; its
    followers are told. Both rows are locked in primary-key order first.

    Refused: merging into itself, into a merged or hidden item, or a duplicate merged already.
    """
    _refuse(manage_refusal(member=staff))
    if duplicate.pk == target.pk:
        raise IdeaError(MERGE_SELF, field="target")
    locked = {pk: _locked(pk, exclusive=True) for pk in sorted((duplicate.pk, target.pk))}
    duplicate, target = locked[duplicate.pk], locked[target.pk]
    if duplicate.merged_into_id is not None:
        raise IdeaError(MERGE_ALREADY.format(title=_title_of(duplicate.merged_into_id)))
    if target.merged_into_id is not None:
        raise IdeaError(MERGE_INTO_MERGED.format(title=target.title), field="target")
    if target.hidden_at is not None:
        raise IdeaError(MERGE_INTO_HIDDEN.format(title=target.title), field="target")
    now = timezone.now()

    target_voters = IdeaVote.objects.filter(idea=target).values("member_id")
    IdeaVote.objects.filter(idea=duplicate).filter(
        Q(member_id=target.author_id) | Q(member_id__in=target_voters)
    ).delete()
    IdeaVote.objects.filter(idea=duplicate).update(idea=target, updated_at=now)
    if (
        duplicate.author_id != target.author_id
        and not IdeaVote.objects.filter(idea=target, member_id=duplicate.author_id).exists()
    ):
        IdeaVote.objects.create(
            member_id=duplicate.author_id, idea=target, value=UP, created_at=now, updated_at=now
        )

    follower_ids = _followers(duplicate.pk)
    IdeaFollow.objects.bulk_create(
        [IdeaFollow(member_id=pk, idea=target, created_at=now) for pk in follower_ids],
        ignore_conflicts=True,
    )
    IdeaFollow.objects.filter(idea=duplicate).delete()
    Idea.objects.filter(merged_into=duplicate).update(merged_into=target)

    score = (
        IdeaVote.objects.filter(idea=OuterRef("pk"))
        .values("idea")
        .annotate(total=Sum("value"))
        .values("total")
    )
    followers = (
        IdeaFollow.objects.filter(idea=OuterRef("pk"))
        .values("idea")
        .annotate(total=Count("pk"))
        .values("total")
    )
    Idea.objects.filter(pk=target.pk).update(
        score=Coalesce(Subquery(score), 0),
        follower_count=Coalesce(Subquery(followers), 0),
        last_activity_at=now,
    )
    Idea.objects.filter(pk=duplicate.pk).update(
        score=0,
        follower_count=0,
        merged_into=target,
        merged_at=now,
        merged_by=staff,
        last_activity_at=now,
        first_staff_response_at=Coalesce(F("first_staff_response_at"), Value(now)),
    )
    notify(
        recipients=dict.fromkeys(follower_ids, Notification.Kind.IDEA_STATUS),
        actor=staff,
        idea=target,
        text=MERGE_TEXT.format(duplicate=duplicate.title, target=target.title),
    )
    target.refresh_from_db()
    return target


@transaction.atomic
def idea_hide(*, idea: Idea, staff, hidden: bool = True) -> Idea:
    """Hide an abusive item (``hidden=True``) or show it again: hidden items leave every list
    and are a 404 for everyone but the staff who manage ideas."""
    _refuse(manage_refusal(member=staff))
    locked = _locked(idea.pk, exclusive=True)
    if hidden and locked.hidden_at is not None:
        raise IdeaError(ALREADY_HIDDEN)
    if not hidden and locked.hidden_at is None:
        raise IdeaError(NOT_HIDDEN)
    locked.hidden_at = timezone.now() if hidden else None
    locked.hidden_by = staff if hidden else None
    locked.save(update_fields=["hidden_at", "hidden_by"])
    return locked


@transaction.atomic
def idea_comment_hide(*, comment: IdeaComment, staff, hidden: bool = True) -> IdeaComment:
    """Hide an abusive comment or show it again; the item's ``comment_count`` counts visible
    comments only."""
    _refuse(manage_refusal(member=staff))
    _locked(comment.idea_id)
    comment = IdeaComment.objects.select_for_update().get(pk=comment.pk)
    if hidden and comment.hidden_at is not None:
        raise IdeaError(COMMENT_ALREADY_HIDDEN)
    if not hidden and comment.hidden_at is None:
        raise IdeaError(COMMENT_NOT_HIDDEN)
    comment.hidden_at = timezone.now() if hidden else None
    comment.hidden_by = staff if hidden else None
    comment.save(update_fields=["hidden_at", "hidden_by"])
    step = -1 if hidden else 1
    Idea.objects.filter(pk=comment.idea_id).update(comment_count=F("comment_count") + step)
    return comment
