"""Notifications, follows and the daily digest.

Events (a new question, answer or comment, an accepted answer) call one ``notify_*`` function
inside the transaction that wrote them. Each creates its ``Notification`` rows with one
``bulk_create`` (never one for the actor themself, never two for one member and event), reads
every recipient's ``NotificationPreference`` in one query and, for "instant", sends one e-mail
per recipient once the transaction commits (nothing if it rolls back). "daily" ones wait for
``digest_send`` (run by ``send_community_digest``); "never" ones are only shown in the site.

Following: the asker follows their question, an answerer the question they answered; members
follow questions and tags with ``follow_toggle``. Followers hear of new answers and comments
on a followed question and of new questions in a followed tag.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from community.models import (
    Answer,
    Comment,
    Follow,
    Notification,
    NotificationPreference,
    Question,
    Tag,
)
from portal.accounts.api import public_profile
from portal.links import portal_url

Kind = Notification.Kind
Email = NotificationPreference.Email

# Which preference field decides the e-mail of each kind (moderation messages: in the site only).
PREFERENCE_OF = {
    Kind.ANSWER_ON_MY_QUESTION: "answers",
    Kind.COMMENT_ON_MY_POST: "comments",
    Kind.MY_ANSWER_ACCEPTED: "accepted",
    Kind.FOLLOWED_QUESTION: "followed",
    Kind.FOLLOWED_TAG: "followed",
    Kind.IDEA_STATUS: "followed",
    Kind.IDEA_COMMENT: "followed",
    Kind.THANKED: "comments",
    Kind.GIVEAWAY_WON: "accepted",
    Kind.TESTIMONIAL: "answers",
}
EMAIL_TEMPLATE = "community/email/notify_{kind}.txt"
DIGEST_TEMPLATE = "community/email/digest.txt"
DIGEST_SUBJECT = "Your community digest: {count} update{plural}"
TEXT_MAX = 300


def _portal_name() -> str:
    from portal.accounts.adapters import portal_name

    return portal_name()


def _subject(name: str, subject: str) -> str:
    return " ".join(f"[{name}] {subject}".split())


def _preferences(member_ids: Iterable[int]) -> dict[int, NotificationPreference]:
    """Each member's preferences (an unsaved default row for those without one): one query."""
    member_ids = list(member_ids)
    saved = {
        p.member_id: p for p in NotificationPreference.objects.filter(member_id__in=member_ids)
    }
    return {pk: saved.get(pk) or NotificationPreference(member_id=pk) for pk in member_ids}


def preference_for(*, member) -> NotificationPreference:
    """The member's preferences, unsaved defaults if they never chose."""
    return _preferences([member.pk])[member.pk]


def _email_choice(preferences: NotificationPreference, kind: str) -> str:
    field = PREFERENCE_OF.get(kind)
    return getattr(preferences, field) if field else Email.NEVER


def _emit(
    *,
    recipients: dict[int, str],
    actor,
    question: Question | None = None,
    answer: Answer | None = None,
    idea=None,
    url: str = "",
    text: str = "",
) -> list[Notification]:
    """Notify ``recipients`` ({member id: kind}) about ``question``, ``idea`` or the page at
    ``url`` (a path): rows in one query, instant e-mails on commit. The actor is never notified.
    ``text`` (the title shown) defaults to the question's or idea's title."""
    actor_id = actor.pk if actor is not None else None
    recipients = {pk: kind for pk, kind in recipients.items() if pk and pk != actor_id}
    if not recipients:
        return []
    now = timezone.now()
    preferences = _preferences(recipients)
    instant = {
        pk
        for pk, kind in recipients.items()
        if _email_choice(preferences[pk], kind) == Email.INSTANT
    }
    rows = Notification.objects.bulk_create(
        [
            Notification(
                member_id=pk,
                kind=kind,
                actor_id=actor_id,
                question=question,
                answer=answer,
                idea=idea,
                url=url,
                text=(text or (question or idea).title)[:TEXT_MAX],
                created_at=now,
                emailed_at=now if pk in instant else None,
            )
            for pk, kind in recipients.items()
        ]
    )
    if instant:
        _send_instant_on_commit([row for row in rows if row.member_id in instant], actor=actor)
    return rows


def _send_instant_on_commit(rows: list[Notification], *, actor) -> None:
    """One e-mail per row, built and sent once the transaction commits."""
    member_ids = [row.member_id for row in rows]

    def send() -> None:
        members = get_user_model().objects.in_bulk(member_ids)
        name = _portal_name()
        actor_name = public_profile(actor).name if actor is not None else ""
        messages = []
        for row in rows:
            member = members.get(row.member_id)
            if member is None or not member.email or not member.is_active:
                continue
            body = render_to_string(
                EMAIL_TEMPLATE.format(kind=row.kind),
                {
                    "member": public_profile(member),
                    "actor_name": actor_name,
                    "title": row.text,
                    "url": _link(row),
                    "preferences_url": portal_url(reverse("community:preferences")),
                    "portal_name": name,
                },
            )
            subject = _subject(name, f"{Kind(row.kind).label}: {row.text}")
            messages.append(EmailMessage(subject=subject[:200], body=body, to=[member.email]))
        if messages:
            get_connection().send_messages(messages)

    transaction.on_commit(send, robust=True)


def notify(
    *,
    recipients: dict[int, str],
    actor,
    idea=None,
    url: str = "",
    text: str = "",
) -> list[Notification]:
    """Notify ``recipients`` ({member id: ``Notification.Kind``}) about an idea or the page at
    ``url`` (a path on this portal), titled ``text``: for the advocacy features (ideas, thanks,
    giveaways, testimonials). Same rules as the Q&A events: one insert, the member's e-mail
    preference per kind, never the actor."""
    return _emit(recipients=recipients, actor=actor, idea=idea, url=url, text=text)


def row_path(row: Notification) -> str:
    """The path of what ``row`` is about (its answer's anchor if any), or "" when it is gone
    or hidden. Reads ``row.question`` / ``row.idea`` when they are loaded."""
    if row.url:
        return row.url
    if row.idea_id:
        return reverse("community:idea", args=[row.idea_id])
    if row.question_id:
        url = reverse("community:question", args=[row.question_id])
        return f"{url}#answer-{row.answer_id}" if row.answer_id else url
    return ""


def _link(row: Notification) -> str:
    """The full address of what ``row`` is about (its answer's anchor if any); no query."""
    if row.url or row.idea_id:
        return portal_url(row_path(row))
    if not row.question_id:
        return portal_url(reverse("community:notifications"))
    url = reverse("community:question", args=[row.question_id])
    return portal_url(f"{url}#answer-{row.answer_id}" if row.answer_id else url)


def _question_followers(question_id: int) -> list[int]:
    return list(Follow.objects.filter(question_id=question_id).values_list("member_id", flat=True))


def _follow(*, member_id: int, question: Question) -> None:
    """``member_id`` follows ``question`` (nothing if they already do)."""
    Follow.objects.bulk_create(
        [Follow(member_id=member_id, question=question)], ignore_conflicts=True
    )


@transaction.atomic
def notify_question(question: Question) -> list[Notification]:
    """A question was asked: its asker follows it; the followers of its tags hear of it."""
    _follow(member_id=question.author_id, question=question)
    followers = Follow.objects.filter(tag__questions=question).values_list("member_id", flat=True)
    return _emit(
        recipients=dict.fromkeys(followers, Kind.FOLLOWED_TAG),
        actor=question.author,
        question=question,
    )


@transaction.atomic
def notify_answer(answer: Answer) -> list[Notification]:
    """An answer was posted: the asker hears of it, the question's followers too; the answerer
    follows the question from now on."""
    question = answer.question
    recipients = dict.fromkeys(_question_followers(question.pk), Kind.FOLLOWED_QUESTION)
    recipients[question.author_id] = Kind.ANSWER_ON_MY_QUESTION
    rows = _emit(recipients=recipients, actor=answer.author, question=question, answer=answer)
    _follow(member_id=answer.author_id, question=question)
    return rows


@transaction.atomic
def notify_comment(comment: Comment) -> list[Notification]:
    """A comment was posted: the post's author hears of it, the question's followers too."""
    post = comment.question or comment.answer
    question = comment.question or comment.answer.question
    recipients = dict.fromkeys(_question_followers(question.pk), Kind.FOLLOWED_QUESTION)
    recipients[post.author_id] = Kind.COMMENT_ON_MY_POST
    return _emit(
        recipients=recipients, actor=comment.author, question=question, answer=comment.answer
    )


@transaction.atomic
def notify_accepted(answer: Answer, *, actor) -> list[Notification]:
    """``actor`` accepted ``answer``: its author hears of it (not when they accepted it)."""
    return _emit(
        recipients={answer.author_id: Kind.MY_ANSWER_ACCEPTED},
        actor=actor,
        question=answer.question,
        answer=answer,
    )


def notify_followers(
    *, question: Question, actor, answer: Answer | None = None
) -> list[Notification]:
    """Tell the followers of ``question`` of other activity on it (not the actor)."""
    return _emit(
        recipients=dict.fromkeys(_question_followers(question.pk), Kind.FOLLOWED_QUESTION),
        actor=actor,
        question=question,
        answer=answer,
    )


# Following -------------------------------------------------------------------------------


def is_following(*, member, question: Question | None = None, tag: Tag | None = None) -> bool:
    if not member.is_authenticated:
        return False
    return Follow.objects.filter(member=member, question=question, tag=tag).exists()


@transaction.atomic
def follow_toggle(*, member, question: Question | None = None, tag: Tag | None = None) -> bool:
    """Follow ``question`` or ``tag`` (exactly one), or stop following it: whether the member
    follows it now. Two presses at once end as one follow or none, never an error."""
    deleted, _ = Follow.objects.filter(member=member, question=question, tag=tag).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Follow.objects.create(member=member, question=question, tag=tag)
    except IntegrityError:
        pass
    return True


# Reading and the digest --------------------------------------------------------------------


def notifications_mark_read(*, member, notification_id: int | None = None) -> int:
    """Mark the member's unread notifications (or just one of them) read: how many changed."""
    unread = Notification.objects.filter(member=member, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def _daily_condition() -> Q:
    """Notifications whose member wants their kind in the daily digest (defaults included)."""
    condition = Q()
    defaults = NotificationPreference()
    for kind, field in PREFERENCE_OF.items():
        chose_daily = Q(**{f"member__community_preferences__{field}": Email.DAILY})
        if getattr(defaults, field) == Email.DAILY:
            chose_daily |= Q(member__community_preferences__isnull=True)
        condition |= Q(kind=kind) & chose_daily
    return condition


def digest_send() -> int:
    """Send each member one e-mail listing their notifications waiting for the daily digest,
    and mark them digested: how many e-mails were sent.

    Each member's row is locked (a run finding it locked skips the member), their rows are
    marked with a conditional UPDATE in the same transaction, and the e-mail goes on commit,
    so two runs at once never send a row twice nor split one digest in two.
    """
    pending = (
        Notification.objects.filter(digested_at__isnull=True, emailed_at__isnull=True)
        .filter(_daily_condition())
        .values_list("member_id", flat=True)
        .distinct()
    )
    sent = 0
    for member_id in list(pending):
        sent += _digest_member(member_id)
    return sent


@transaction.atomic
def _digest_member(member_id: int) -> int:
    # One run at a time per member: the member's row is the lock (another run holding it is
    # sending this digest, so this one skips the member). Locking the notification rows with
    # SKIP LOCKED instead let two runs split one member's rows into two e-mails.
    member_lock = get_user_model().objects.select_for_update(skip_locked=True)
    if not member_lock.filter(pk=member_id).exists():
        return 0
    rows = list(
        Notification.objects.select_for_update(of=("self",))
        .filter(member_id=member_id, digested_at__isnull=True, emailed_at__isnull=True)
        .filter(_daily_condition())
        .select_related("member", "actor", "question", "answer")
        .order_by("created_at", "pk")
    )
    if not rows:
        return 0
    now = timezone.now()
    marked = Notification.objects.filter(
        pk__in=[row.pk for row in rows], digested_at__isnull=True
    ).update(digested_at=now)
    member = rows[0].member
    if marked != len(rows) or not member.email or not member.is_active:
        return 0
    name = _portal_name()
    items = [
        {
            "label": Kind(row.kind).label,
            "title": row.text,
            "actor_name": public_profile(row.actor).name if row.actor else "",
            "url": _link(row),
        }
        for row in rows
    ]
    body = render_to_string(
        DIGEST_TEMPLATE,
        {
            "member": public_profile(member),
            "items": items,
            "portal_name": name,
            "notifications_url": portal_url(reverse("community:notifications")),
            "preferences_url": portal_url(reverse("community:preferences")),
        },
    )
    subject = _subject(
        name, DIGEST_SUBJECT.format(count=len(rows), plural="" if len(rows) == 1 else "s")
    )
    message = EmailMessage(subject=subject, body=body, to=[member.email])
    transaction.on_commit(lambda: get_connection().send_messages([message]), robust=True)
    return 1


def unread_count(*, member) -> int:
    """How many notifications the member has not read (for a badge in the navigation)."""
    if not member.is_authenticated:
        return 0
    return Notification.objects.filter(member=member, read_at__isnull=True).count()
