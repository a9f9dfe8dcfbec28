"""Writes of the wall of thanks: members thank a helper, staff post customers' compliments,
moderators hide and restore messages, and staff give recognition awards (which the wall shows).

Who is thanked:

- **an answer**: its author, once per member and answer (the partial unique constraint
  ``thanks_once_per_answer``; a second thanks, even sent at once, is refused). Not one's own
  answer, and not a hidden answer or an answer on a hidden question;
- **a live session**: the session's host is a name editors type (``LiveSessionPage.expert``),
  not a member account, so the thanks goes to the team, naming the session and its host. Once
  per member and session, from the time it starts;
- **the team**: no answer or session; at most one a day per member.

The thanked member is notified (``Notification.Kind.THANKED``: in the site, and by e-mail as
their "comments" preference says). Thanks to the team notify nobody: staff read the wall.

Races: the author's row is locked (``select_for_update``) while a thanks is checked and
written, so two submissions of the same form at once run one after the other and the second is
refused; for answers the unique constraint backs this up. Hiding and restoring are conditional
updates, so two moderators at once give one outcome.

Messages are inline Markdown (emphasis, code, links), sanitised on save by
``portal.sanitize.render_markdown``; templates show only ``message_html``.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from certification import api as certification_api
from community.models import Answer, Notification, Thanks
from community.notification_services import notify
from community.permissions import CommunityError, is_moderator, participation_refusal
from portal.sanitize import render_markdown

MESSAGE_MIN_LENGTH = 10
MESSAGE_MAX_LENGTH = 1000
CUSTOMER_NAME_MAX_LENGTH = 120
THANKS_PER_HOUR = 10
TEAM_THANKS_GAP = timedelta(days=1)

MESSAGE_REQUIRED = "Write a few words: say what helped you."
MESSAGE_TOO_SHORT = f"Say a little more: at least {MESSAGE_MIN_LENGTH} characters."
MESSAGE_TOO_LONG = f"Keep the message under {MESSAGE_MAX_LENGTH} characters."
ANSWER_GONE = "That answer is not available any more: nothing was sent."
ANSWER_OWN = "You cannot thank yourself for your own answer."
ANSWER_ALREADY = "You have already thanked {name} for this answer."
SESSION_GONE = "That live session is not available: nothing was sent."
SESSION_NOT_STARTED = "You can thank the host once the session has started."
SESSION_ALREADY = "You have already thanked the team for this session."
TEAM_ALREADY = "You thanked the team less than a day ago: thank you! Come back tomorrow."
TOO_MANY = f"You have sent {THANKS_PER_HOUR} thanks in the last hour: please wait a little."
COMPLIMENT_STAFF_ONLY = "Only staff post customers' compliments."
CUSTOMER_NAME_REQUIRED = (
    "Give the customer's name as they agreed to be shown (e.g. “Maria, Lisbon”)."
)
CUSTOMER_NAME_TOO_LONG = f"Keep the name under {CUSTOMER_NAME_MAX_LENGTH} characters."
HIDE_NOT_ALLOWED = "Only moderators hide messages on the wall of thanks."
ALREADY_HIDDEN = "This message is already hidden."
NOT_HIDDEN = "This message is not hidden."

SENT = "Thank you! Your message is on the wall of thanks."
COMPLIMENT_POSTED = "The compliment is on the wall of thanks."
HIDDEN = "The message is hidden from the wall."
RESTORED = "The message is back on the wall."


def message_clean(message_md: str) -> str:
    """The message trimmed, or ``CommunityError`` outside 10..1000 characters."""
    message_md = (message_md or "").strip()
    if not message_md:
        raise CommunityError(MESSAGE_REQUIRED)
    if len(message_md) < MESSAGE_MIN_LENGTH:
        raise CommunityError(MESSAGE_TOO_SHORT)
    if len(message_md) > MESSAGE_MAX_LENGTH:
        raise CommunityError(MESSAGE_TOO_LONG)
    return message_md


def thanks_refusal(*, member, answer: Answer | None = None, session=None) -> str | None:
    """Why ``member`` may not thank for ``answer`` (its question and author joined), for
    ``session`` or, with neither, the team; None when they may. The form asks it to show or
    hide itself and ``thanks_create`` asks again (with the member's row locked).

    Checks, in order: signed in and not suspended; the target is visible (an answer and its
    question not hidden, a live session that has started) and not one's own answer; not
    already thanked (once per answer, once per session, the team once a day); at most
    ``THANKS_PER_HOUR`` thanks an hour (staff are not limited).
    """
    refusal = participation_refusal(member=member)
    if refusal:
        return refusal
    now = timezone.now()
    given = Thanks.objects.filter(author=member, kind=Thanks.Kind.THANKS)
    if answer is not None:
        if answer.hidden_at is not None or answer.question.hidden_at is not None:
            return ANSWER_GONE
        if answer.author_id == member.pk:
            return ANSWER_OWN
        if given.filter(answer=answer).exists():
            return ANSWER_ALREADY.format(name=answer.author.public_name)
    elif session is not None:
        if not session.live:
            return SESSION_GONE
        if session.starts_at > now:
            return SESSION_NOT_STARTED
        if given.filter(session=session).exists():
            return SESSION_ALREADY
    elif given.filter(
        answer__isnull=True,
        session__isnull=True,
        recipient__isnull=True,
        created_at__gt=now - TEAM_THANKS_GAP,
    ).exists():
        return TEAM_ALREADY
    if not member.is_staff and given.filter(created_at__gt=now - timedelta(hours=1)).count() >= (
        THANKS_PER_HOUR
    ):
        return TOO_MANY
    return None


def _wall_url(thanks: Thanks) -> str:
    return f"{reverse('community:thanks')}#thanks-{thanks.pk}"


@transaction.atomic
def thanks_create(*, author, message_md: str, answer: Answer | None = None, session=None) -> Thanks:
    """``author`` thanks the author of ``answer``, the team for ``session``, or the team.

    Raises ``CommunityError`` (message fit to show) when ``thanks_refusal`` refuses or the
    message is outside 10..1000 characters; nothing is written then. The thanked member is
    notified once this commits; thanks to the team invite the author to write a testimonial.
    """
    message_md = message_clean(message_md)
    get_user_model().objects.select_for_update().filter(pk=author.pk).first()
    if answer is not None:
        answer = Answer.objects.select_related("question", "author").filter(pk=answer.pk).first()
        if answer is None:
            raise CommunityError(ANSWER_GONE)
    refusal = thanks_refusal(member=author, answer=answer, session=session)
    if refusal:
        raise CommunityError(refusal)
    recipient = answer.author if answer is not None else None
    try:
        with transaction.atomic():
            thanks = Thanks.objects.create(
                kind=Thanks.Kind.THANKS,
                author=author,
                recipient=recipient,
                answer=answer,
                session=session,
                message_md=message_md,
                message_html=render_markdown(message_md, inline=True),
            )
    except IntegrityError as error:  # thanks_once_per_answer, should two slip past the lock
        raise CommunityError(ANSWER_ALREADY.format(name=recipient.public_name)) from error
    if recipient is not None:
        notify(
            recipients={recipient.pk: Notification.Kind.THANKED},
            actor=author,
            url=_wall_url(thanks),
            text=f"Thanks for your answer to “{answer.question.title}”",
        )
    else:
        # Thanking the team is one way a customer becomes an advocate: ask for a testimonial.
        from community.testimonial_services import testimonial_invite_after_thanks

        testimonial_invite_after_thanks(thanks=thanks)
    return thanks


def can_post_compliment(*, user) -> bool:
    """Staff post the compliments customers sent (by e-mail, in a survey, on the phone)."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


@transaction.atomic
def compliment_create(*, staff, customer_name: str, message_md: str) -> Thanks:
    """``staff`` posts a customer's compliment to the team, naming the customer as they agreed
    to be shown. Raises ``CommunityError`` for non-staff, a missing or long name, or a message
    outside 10..1000 characters."""
    if not can_post_compliment(user=staff):
        raise CommunityError(COMPLIMENT_STAFF_ONLY)
    customer_name = " ".join((customer_name or "").split())
    if not customer_name:
        raise CommunityError(CUSTOMER_NAME_REQUIRED)
    if len(customer_name) > CUSTOMER_NAME_MAX_LENGTH:
        raise CommunityError(CUSTOMER_NAME_TOO_LONG)
    message_md = message_clean(message_md)
    return Thanks.objects.create(
        kind=Thanks.Kind.COMPLIMENT,
        author=staff,
        customer_name=customer_name,
        message_md=message_md,
        message_html=render_markdown(message_md, inline=True),
    )


def can_hide_thanks(*, user) -> bool:
    """Moderators (``permissions.is_moderator``) hide and restore messages on the wall."""
    return is_moderator(member=user)


def thanks_hide(*, moderator, thanks: Thanks) -> None:
    """Hide a message from the wall (kept, with who hid it and when). ``CommunityError`` for
    non-moderators or when it is already hidden (another moderator was first)."""
    if not can_hide_thanks(user=moderator):
        raise CommunityError(HIDE_NOT_ALLOWED)
    hidden = Thanks.objects.filter(pk=thanks.pk, hidden_at__isnull=True).update(
        hidden_at=timezone.now(), hidden_by=moderator
    )
    if not hidden:
        raise CommunityError(ALREADY_HIDDEN)


def thanks_restore(*, moderator, thanks: Thanks) -> None:
    """Show a hidden message again. ``CommunityError`` for non-moderators or when it is shown."""
    if not can_hide_thanks(user=moderator):
        raise CommunityError(HIDE_NOT_ALLOWED)
    restored = Thanks.objects.filter(pk=thanks.pk, hidden_at__isnull=False).update(
        hidden_at=None, hidden_by=None
    )
    if not restored:
        raise CommunityError(NOT_HIDDEN)


@transaction.atomic
def recognition_give(*, staff, member, badge, citation: str):
    """``staff`` gives ``member`` a recognition award (``certification.api.award_recognition``:
    a verifiable badge, e-mailed to the member), shown on the wall of thanks as "Recognised";
    the member also finds it in their notifications. Raises ``certification.api.
    RecognitionError`` (message fit to show) when it cannot be given."""
    award = certification_api.award_recognition(
        staff=staff, member=member, badge=badge, citation=citation
    )
    notify(
        recipients={award.member_id: Notification.Kind.THANKED},
        actor=staff,
        url=reverse("credentials:verify", args=[award.public_id]),
        text=f"Recognised: {badge.name}",
    )
    return award
