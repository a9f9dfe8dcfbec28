"""Writes of moderation: members flag posts; moderators hide and restore posts, dismiss flags,
warn members and suspend them (for a number of days or for good) or lift a suspension.

Every moderator action writes a ``ModerationAction`` row in the same transaction, so the log is
complete or the action did not happen. Only moderators (``permissions.is_moderator``) act;
anyone else gets ``PermissionDenied``.

Races:

- One open flag per reporter and post is the partial unique constraint's job: the second of two
  identical flags sent at once fails on it and the reporter is told they already flagged.
- Moderators acting on the same post lock its row first (``select_for_update``), so hide,
  restore and dismiss on one post run one after the other. Actions taken from the queue name the
  flags the moderator saw (``flag_ids``): when none of them is open any more, another moderator
  has already dealt with the post and the second action is refused, so a post gets one outcome.
- Suspending locks the member's row, so two suspensions at once leave exactly one in force.

Counters: ``Question.answer_count`` counts visible answers and ``comment_count`` visible
comments, so hiding an answer or a comment decrements its parent's counter with ``F()`` and
restoring increments it. Hiding the accepted answer keeps the acceptance (restoring brings it
back as it was) but hides the answer.

E-mails (warning, suspension, lifted suspension) are sent once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from community.models import (
    Answer,
    Comment,
    Flag,
    ModerationAction,
    Notification,
    Question,
    Suspension,
    Warning,
)
from community.permissions import CommunityError, is_moderator, participation_refusal
from portal.links import portal_url

NOTE_MAX_LENGTH = 500
REASON_MAX_LENGTH = 1000
MESSAGE_MAX_LENGTH = 2000
SUSPENSION_MAX_DAYS = 3650

FLAG_REASON_INVALID = "Choose why you are flagging this post."
FLAG_NOTE_TOO_LONG = f"Keep the note under {NOTE_MAX_LENGTH} characters."
FLAG_NOTE_NEEDED = "Say in the note what is wrong with this post."
FLAG_OWN_POST = "You cannot flag your own post."
FLAG_HIDDEN_POST = "This post is already hidden by the moderators."
FLAG_DUPLICATE = "You have already flagged this post; a moderator will look at it soon."
FLAG_THANKS = "Thank you: a moderator will look at this post."
REASON_REQUIRED = "Give a reason: it is kept in the moderation log."
MEMBER_REASON_REQUIRED = "Give the reason: the member is told it."
REASON_TOO_LONG = f"Keep the reason under {REASON_MAX_LENGTH} characters."
MESSAGE_REQUIRED = "Write the warning: the member reads it."
MESSAGE_TOO_LONG = f"Keep the warning under {MESSAGE_MAX_LENGTH} characters."
ALREADY_HIDDEN = "This post is already hidden (perhaps by another moderator)."
NOT_HIDDEN = "This post is not hidden (perhaps another moderator restored it)."
ALREADY_HANDLED = (
    "Another moderator has already dealt with these flags; the moderation log says how."
)
NOTHING_TO_DISMISS = "This post has no open flags."
NOT_YOURSELF = "You cannot {action} yourself."
STAFF_ONLY_BY_SUPERUSER = "Only a superuser can suspend a member of staff."
DAYS_INVALID = f"Suspend for 1 to {SUSPENSION_MAX_DAYS} days, or for good."
ALREADY_LIFTED = "This suspension is no longer in force (it ended or was lifted)."
REPLACED = "Replaced by a new suspension."

HIDE_DONE = "The post is hidden and its flags are closed."
RESTORE_DONE = "The post is visible again."
DISMISS_DONE = "The flags are dismissed; the post stays as it is."
WARN_DONE = "{name} is warned: they see it in the site and by e-mail."
SUSPEND_DONE = "{name} is suspended {period}; they are e-mailed the reason."
LIFT_DONE = "The suspension of {name} is lifted."


class ModerationError(CommunityError):
    """A flag or moderator action that cannot be carried out; the message is fit to show.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


Post = Question | Answer | Comment


def post_kind(post: Post) -> str:
    """``"question"``, ``"answer"`` or ``"comment"``: the name of the post's foreign keys."""
    return type(post)._meta.model_name


def _require_moderator(moderator) -> None:
    if not is_moderator(member=moderator):
        raise PermissionDenied


def _clean(text: str, *, required: str, limit: int, too_long: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ModerationError(required, field=field)
    if len(text) > limit:
        raise ModerationError(too_long, field=field)
    return text


def _email(*, member, template: str, subject: str, **context) -> EmailMessage:
    from portal.accounts.adapters import portal_name

    name = portal_name()
    body = render_to_string(
        template,
        {
            "member": member,
            "portal_name": name,
            "community_url": portal_url(reverse("community:index")),
            **context,
        },
    )
    return EmailMessage(subject=f"[{name}] {subject}", body=body, to=[member.email])


def _send_on_commit(message: EmailMessage) -> None:
    transaction.on_commit(lambda: get_connection().send_messages([message]), robust=True)


def _log(
    *,
    moderator,
    action: str,
    member=None,
    member_id: int | None = None,
    post: Post | None = None,
    reason: str = "",
) -> ModerationAction:
    fields = {post_kind(post): post} if post is not None else {}
    return ModerationAction.objects.create(
        moderator=moderator,
        action=action,
        member_id=member.pk if member is not None else member_id,
        reason=reason,
        **fields,
    )


# Flags


@transaction.atomic
def flag_create(
    *,
    reporter,
    question: Question | None = None,
    answer: Answer | None = None,
    comment: Comment | None = None,
    reason: str,
    note: str = "",
) -> Flag:
    """``reporter`` flags one post for the moderators with a reason and an optional note.

    Raises ``ModerationError`` when the reporter may not take part (signed out, suspended), the
    reason is not one of ``Flag.Reason``, the note is too long (or missing for "Something
    else"), the post is their own or already hidden, or they already have an open flag on it.
    """
    posts = [post for post in (question, answer, comment) if post is not None]
    if len(posts) != 1:
        raise ValueError("Flag exactly one post.")
    post = posts[0]
    refusal = participation_refusal(member=reporter)
    if refusal:
        raise ModerationError(refusal)
    if reason not in Flag.Reason.values:
        raise ModerationError(FLAG_REASON_INVALID, field="reason")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ModerationError(FLAG_NOTE_TOO_LONG, field="note")
    if reason == Flag.Reason.OTHER and not note:
        raise ModerationError(FLAG_NOTE_NEEDED, field="note")
    if post.author_id == reporter.pk:
        raise ModerationError(FLAG_OWN_POST)
    if post.hidden_at is not None:
        raise ModerationError(FLAG_HIDDEN_POST)
    try:
        with transaction.atomic():
            return Flag.objects.create(
                reporter=reporter, reason=reason, note=note, **{post_kind(post): post}
            )
    except IntegrityError as error:  # flag_one_open_per_<kind>: an open flag exists already
        raise ModerationError(FLAG_DUPLICATE) from error


def _lock(post: Post) -> Post:
    """The post's row, locked until the transaction ends: moderators on one post queue up."""
    return type(post).objects.select_for_update().get(pk=post.pk)


def _open_flags(post: Post):
    return Flag.objects.filter(status=Flag.Status.OPEN, **{post_kind(post): post.pk})


def _check_flags_seen(post: Post, flag_ids: Collection[int] | None) -> None:
    if flag_ids and not _open_flags(post).filter(pk__in=list(flag_ids)).exists():
        raise ModerationError(ALREADY_HANDLED)


def _visible_counter(post: Post, step: int) -> None:
    """Keep the parent's counter of visible answers or comments right, with ``F()``."""
    if isinstance(post, Answer):
        parents = Question.objects.filter(pk=post.question_id)
        field = "answer_count"
    elif isinstance(post, Comment):
        parent_model = Question if post.question_id else Answer
        parents = parent_model.objects.filter(pk=post.question_id or post.answer_id)
        field = "comment_count"
    else:
        return
    if step < 0:
        parents = parents.filter(**{f"{field}__gt": 0})
    parents.update(**{field: F(field) + step})


@transaction.atomic
def post_hide(
    *, moderator, post: Post, reason: str, flag_ids: Collection[int] | None = None
) -> Post:
    """Hide a question, answer or comment; its open flags become ACTIONED.

    ``flag_ids``: the open flags the moderator saw in the queue; when none is still open,
    another moderator got there first and this raises ``ModerationError(ALREADY_HANDLED)``.
    Also raises it without a reason or when the post is already hidden.
    """
    _require_moderator(moderator)
    reason = _clean(
        reason, required=REASON_REQUIRED, limit=REASON_MAX_LENGTH, too_long=REASON_TOO_LONG,
        field="reason",
    )  # fmt: skip
    post = _lock(post)
    if post.hidden_at is not None:
        raise ModerationError(ALREADY_HIDDEN)
    _check_flags_seen(post, flag_ids)
    now = timezone.now()
    type(post).objects.filter(pk=post.pk).update(hidden_at=now, hidden_by=moderator)
    post.hidden_at, post.hidden_by = now, moderator
    _visible_counter(post, -1)
    _open_flags(post).update(status=Flag.Status.ACTIONED, resolved_at=now, resolved_by=moderator)
    _log(
        moderator=moderator,
        action=ModerationAction.Action.HIDE,
        member_id=post.author_id,
        post=post,
        reason=reason,
    )
    return post


@transaction.atomic
def post_restore(*, moderator, post: Post, reason: str = "") -> Post:
    """Show a hidden post again (counters follow). Raises ``ModerationError`` if it is not
    hidden. Flags closed when it was hidden stay closed."""
    _require_moderator(moderator)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ModerationError(REASON_TOO_LONG, field="reason")
    post = _lock(post)
    if post.hidden_at is None:
        raise ModerationError(NOT_HIDDEN)
    type(post).objects.filter(pk=post.pk).update(hidden_at=None, hidden_by=None)
    post.hidden_at, post.hidden_by = None, None
    _visible_counter(post, +1)
    _log(
        moderator=moderator,
        action=ModerationAction.Action.RESTORE,
        member_id=post.author_id,
        post=post,
        reason=reason,
    )
    return post


@transaction.atomic
def flag_dismiss(
    *, moderator, post: Post, flag_ids: Collection[int] | None = None, reason: str = ""
) -> int:
    """Dismiss the open flags of a post (only ``flag_ids`` when given): the post stays.

    Returns how many flags were dismissed. Raises ``ModerationError`` when there is nothing
    left to dismiss (another moderator acted first, or the post had no open flags).
    """
    _require_moderator(moderator)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ModerationError(REASON_TOO_LONG, field="reason")
    post = _lock(post)
    flags = _open_flags(post)
    if flag_ids:
        flags = flags.filter(pk__in=list(flag_ids))
    labels = sorted(
        {Flag.Reason(value).label.lower() for value in flags.values_list("reason", flat=True)}
    )
    dismissed = flags.update(
        status=Flag.Status.DISMISSED, resolved_at=timezone.now(), resolved_by=moderator
    )
    if not dismissed:
        raise ModerationError(ALREADY_HANDLED if flag_ids else NOTHING_TO_DISMISS)
    summary = f"{dismissed} flag{'s' if dismissed > 1 else ''} ({', '.join(labels)})"
    _log(
        moderator=moderator,
        action=ModerationAction.Action.DISMISS_FLAG,
        member_id=post.author_id,
        post=post,
        reason=f"{summary}. {reason}".strip() if reason else summary,
    )
    return dismissed


# Members


def _refuse_self(moderator, member, action: str) -> None:
    if moderator.pk == member.pk:
        raise ModerationError(NOT_YOURSELF.format(action=action))


@transaction.atomic
def member_warn(*, moderator, member, message: str) -> Warning:
    """Warn a member: a ``Warning``, a notification in the site and an e-mail after commit."""
    _require_moderator(moderator)
    _refuse_self(moderator, member, "warn")
    message = _clean(
        message, required=MESSAGE_REQUIRED, limit=MESSAGE_MAX_LENGTH, too_long=MESSAGE_TOO_LONG,
        field="message",
    )  # fmt: skip
    warning = Warning.objects.create(member=member, message=message, created_by=moderator)
    Notification.objects.create(
        member=member,
        kind=Notification.Kind.MODERATION,
        actor=moderator,
        text=Truncator(f"Warning from the moderators: {message}").chars(300),
    )
    _log(moderator=moderator, action=ModerationAction.Action.WARN, member=member, reason=message)
    _send_on_commit(
        _email(
            member=member,
            template="community/email/moderation_warning.txt",
            subject="A warning from the community moderators",
            warning=warning,
        )
    )
    return warning


def suspension_period(suspension: Suspension) -> str:
    """ "for 7 days" or "for good": how the log, messages and e-mails describe the length."""
    if suspension.ends_at is None:
        return "for good"
    days = round((suspension.ends_at - suspension.starts_at) / timedelta(days=1))
    return f"for {days} day{'s' if days != 1 else ''}"


def _lift_active(*, member, moderator, now, reason: str) -> int:
    active = Suspension.objects.filter(
        member=member, lifted_at__isnull=True, starts_at__lte=now
    ).exclude(ends_at__lte=now)
    lifted = 0
    for suspension in active.select_for_update():
        Suspension.objects.filter(pk=suspension.pk).update(lifted_at=now, lifted_by=moderator)
        _log(moderator=moderator, action=ModerationAction.Action.LIFT, member=member, reason=reason)
        lifted += 1
    return lifted


@transaction.atomic
def member_suspend(*, moderator, member, reason: str, days: int | None = None) -> Suspension:
    """Suspend ``member`` from posting, voting and flagging for ``days`` (None: for good).

    A member has one suspension in force at a time: a new one lifts the old (logged). The
    member is e-mailed the reason after commit and sees it on every community page. Raises
    ``ModerationError`` without a reason, with days outside 1..3650, for oneself, and for a
    member of staff unless the moderator is a superuser.
    """
    _require_moderator(moderator)
    _refuse_self(moderator, member, "suspend")
    if (member.is_staff or member.is_superuser) and not moderator.is_superuser:
        raise ModerationError(STAFF_ONLY_BY_SUPERUSER)
    reason = _clean(
        reason, required=MEMBER_REASON_REQUIRED, limit=REASON_MAX_LENGTH, too_long=REASON_TOO_LONG,
        field="reason",
    )  # fmt: skip
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= SUSPENSION_MAX_DAYS
    ):
        raise ModerationError(DAYS_INVALID, field="days")
    get_user_model().objects.select_for_update().filter(pk=member.pk).first()
    now = timezone.now()
    _lift_active(member=member, moderator=moderator, now=now, reason=REPLACED)
    suspension = Suspension.objects.create(
        member=member,
        reason=reason,
        starts_at=now,
        ends_at=now + timedelta(days=days) if days else None,
        created_by=moderator,
    )
    period = suspension_period(suspension)
    _log(
        moderator=moderator,
        action=ModerationAction.Action.SUSPEND,
        member=member,
        reason=f"{period.capitalize()}: {reason}",
    )
    Notification.objects.create(
        member=member,
        kind=Notification.Kind.MODERATION,
        actor=moderator,
        text=Truncator(f"Your community access is suspended {period}: {reason}").chars(300),
    )
    _send_on_commit(
        _email(
            member=member,
            template="community/email/moderation_suspended.txt",
            subject="Your community access is suspended",
            suspension=suspension,
            period=period,
        )
    )
    return suspension


@transaction.atomic
def suspension_lift(*, moderator, suspension: Suspension, reason: str = "") -> Suspension:
    """End a suspension in force now; the member is told in the site and by e-mail.

    Raises ``ModerationError(ALREADY_LIFTED)`` when it already ended or was lifted (perhaps
    by another moderator a moment ago).
    """
    _require_moderator(moderator)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ModerationError(REASON_TOO_LONG, field="reason")
    now = timezone.now()
    lifted = (
        Suspension.objects.filter(pk=suspension.pk, lifted_at__isnull=True)
        .exclude(ends_at__lte=now)
        .update(lifted_at=now, lifted_by=moderator)
    )
    if not lifted:
        raise ModerationError(ALREADY_LIFTED)
    suspension = Suspension.objects.select_related("member").get(pk=suspension.pk)
    member = suspension.member
    _log(moderator=moderator, action=ModerationAction.Action.LIFT, member=member, reason=reason)
    Notification.objects.create(
        member=member,
        kind=Notification.Kind.MODERATION,
        actor=moderator,
        text="Your community suspension is lifted: you can post, vote and flag again.",
    )
    _send_on_commit(
        _email(
            member=member,
            template="community/email/moderation_lifted.txt",
            subject="Your community suspension is lifted",
            suspension=suspension,
        )
    )
    return suspension
