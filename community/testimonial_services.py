"""Testimonials: invitations, the author's text, the staff's proofreading and the author's
approval, publication and withdrawal.

The life of a testimonial (``Testimonial.Status``)::

    invited ──write──▶ submitted ──staff proofread / send unedited──▶ awaiting_author
       │                  ▲  │                                          │  │
       │                  └──┼───────────── author changes the text ────┘  │ author approves
       │                     │                                             ▼
       └──── author withdraws (any time) ──▶ withdrawn ◀── author ── published
                 staff decline (with a reason) ──▶ declined

Nothing is published without the author's approval of the exact text shown to them:
``testimonial_approve`` copies the staff's version into ``approved_text`` and publishes, and
it carries the version token of what the author read (``testimonial_version``), so an approval
of a text staff changed since is refused. Every write locks the testimonial's row
(``select_for_update``) and checks its state inside the lock, so an approval, a withdrawal and a
staff edit at the same moment end in one consistent state. Withdrawing unpublishes at once:
the page and the home block read ``status = published`` on every request (nothing is cached).

Invitations: ``testimonial_invite`` (one open invitation per member, source and course), the
automatic ones ``testimonial_invite_after_feedback`` / ``testimonial_invite_after_thanks``
(called where feedback and thanks are saved) and the daily sweep
``testimonial_invite_eligible`` (``manage.py invite_testimonials``), which never invite a
member twice for the same reason.

Services raise ``TestimonialError`` with a message fit to show; nothing changes then.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from community.models import Notification, Testimonial, Thanks
from community.notification_services import notify
from community.permissions import CommunityError

Status = Testimonial.Status
Source = Testimonial.Source

TEXT_MIN = 20
TEXT_MAX = 2000
TITLE_MAX = 120
NOTE_MAX = 300
REASON_MAX = 300
PROMOTER_SCORE = 9  # a course recommended 9 or 10 out of 10 (an NPS "promoter")

OPEN = (Status.INVITED, Status.SUBMITTED, Status.AWAITING_AUTHOR)
WRITABLE = OPEN
WITHDRAWABLE = (*OPEN, Status.PUBLISHED)
PROOFREADABLE = (Status.SUBMITTED, Status.AWAITING_AUTHOR)
DECLINABLE = (*OPEN, Status.PUBLISHED)

# Messages (shown to members and staff; tests assert them).
TEXT_TOO_SHORT = f"Write at least {TEXT_MIN} characters."
TEXT_TOO_LONG = f"Keep it under {TEXT_MAX:,} characters."
EDIT_TOO_SHORT = f"The edited text needs at least {TEXT_MIN} characters."
RATING_INVALID = "Choose a rating from 1 to 5, or none."
TITLE_TOO_LONG = f"Keep how you are introduced under {TITLE_MAX} characters."
TITLE_ONE_LINE = "Write how you are introduced on one line."
NOTE_TOO_LONG = f"Keep the note under {NOTE_MAX} characters."
REASON_REQUIRED = "Give a reason: the author reads it."
REASON_TOO_LONG = f"Keep the reason under {REASON_MAX} characters."
NOT_WRITABLE = {
    Status.PUBLISHED: "This testimonial is published: withdraw it first to write a new one.",
    Status.WITHDRAWN: "You withdrew this testimonial; it can no longer be changed.",
    Status.DECLINED: "This testimonial was not published by staff; it can no longer be changed.",
}
NOT_AWAITING = "There is nothing waiting for your approval on this testimonial."
STALE = (
    "Staff changed this testimonial since you opened the page. Read the text now shown "
    "before approving it."
)
STAFF_STALE = "The author changed this testimonial since you opened it. Read it again."
NOT_PROOFREADABLE = "Only a written testimonial that is not yet published can be proofread."
NOTHING_CHANGED = "Nothing changed: the author already has this text and note."
NOT_WITHDRAWABLE = "This testimonial is already withdrawn or was not published by staff."
NOT_DECLINABLE = "This testimonial is already withdrawn or declined."
NOT_ALLOWED = "You do not have permission to manage testimonials."
INACTIVE_MEMBER = "This member's account is closed."
COURSE_SOURCE = "Name the course for an invitation from a course rating."
NO_COURSE_FOR_THANKS = "An invitation for thanking the team is not about a course."

# What the author is told (notification titles; the links lead to the pages).
INVITED_ABOUT_COURSE = "Would you write a testimonial about “{course}”?"
INVITED = "Would you write a testimonial about your experience with us?"
READY_FOR_APPROVAL = "Your testimonial is ready for your approval"
DECLINED = "Your testimonial will not be published"


class TestimonialError(CommunityError):
    """A testimonial action that cannot be carried out; the message is fit to show.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


# Who may do what ----------------------------------------------------------------------------


def can_manage_testimonials(*, member) -> bool:
    """Staff who invite, proofread, decline and see every testimonial: superusers and holders
    of ``community.manage_testimonials`` (directly or through a group)."""
    return bool(
        member is not None
        and member.is_authenticated
        and member.is_active
        and member.has_perm("community.manage_testimonials")
    )


def testimonial_version(testimonial: Testimonial) -> str:
    """A token of what a reader of ``testimonial`` saw: its status and both texts and when they
    were last written. Approvals and staff edits carry it; a different token means someone
    changed the testimonial in between, and the action is refused."""
    parts = [
        testimonial.status,
        testimonial.submitted_at.isoformat() if testimonial.submitted_at else "",
        testimonial.edited_at.isoformat() if testimonial.edited_at else "",
        testimonial.original_text,
        testimonial.edited_text,
        testimonial.staff_note,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def _locked(testimonial: Testimonial) -> Testimonial:
    """The testimonial's row, locked until the transaction ends (read afresh)."""
    return (
        Testimonial.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=testimonial.pk)
    )


def _clean_text(text: str, *, field: str = "text", short: str = TEXT_TOO_SHORT) -> str:
    text = "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n"))
    text = text.strip()
    if len(text) < TEXT_MIN:
        raise TestimonialError(short, field=field)
    if len(text) > TEXT_MAX:
        raise TestimonialError(TEXT_TOO_LONG, field=field)
    return text


def _path(name: str, testimonial: Testimonial) -> str:
    return reverse(f"community:{name}", args=[testimonial.pk])


def _tell_author(testimonial: Testimonial, *, actor, text: str, page: str) -> None:
    notify(
        recipients={testimonial.author_id: Notification.Kind.TESTIMONIAL},
        actor=actor,
        url=_path(page, testimonial),
        text=text,
    )


# Invitations --------------------------------------------------------------------------------


def _lock_member(member_id: int):
    """Lock the member's row: invitations for one member are made one at a time, so two at
    once (the daily sweep and a new survey answer) never make two."""
    return get_user_model().objects.select_for_update().filter(pk=member_id).first()


@transaction.atomic
def testimonial_invite(*, member, source: str, course=None, actor=None) -> tuple[Testimonial, bool]:
    """Invite ``member`` to write a testimonial (about ``course``, if given) and tell them.

    Idempotent: while an invitation for the same member, source and course is open (invited,
    written or waiting for the author) that one is returned, with ``False``. ``actor`` is the
    staff member who invited, or None for automatic invitations. Raises ``TestimonialError``
    for a closed account or a source that does not fit the course.
    """
    if source not in Source.values:
        raise TestimonialError("Unknown source of invitation.")
    if source == Source.COURSE_RATING and course is None:
        raise TestimonialError(COURSE_SOURCE, field="course")
    if source == Source.THANKS and course is not None:
        raise TestimonialError(NO_COURSE_FOR_THANKS, field="course")
    locked = _lock_member(member.pk)
    if locked is None or not locked.is_active:
        raise TestimonialError(INACTIVE_MEMBER)
    existing = Testimonial.objects.filter(
        author_id=member.pk, source=source, course=course, status__in=OPEN
    ).first()
    if existing is not None:
        return existing, False
    testimonial = Testimonial(author_id=member.pk, source=source, course=course)
    testimonial.full_clean()
    testimonial.save()
    title = INVITED_ABOUT_COURSE.format(course=course.title) if course is not None else INVITED
    _tell_author(testimonial, actor=actor, text=title, page="testimonial_write")
    return testimonial, True


def _invitable_members():
    """Members who may be invited automatically: active, not staff (no self-praise)."""
    return get_user_model().objects.filter(is_active=True, is_staff=False, is_superuser=False)


@transaction.atomic
def _invite_once(*, member_id: int, source: str, course=None) -> Testimonial | None:
    """Invite for ``source`` (and ``course``) unless the member was ever invited for it."""
    member = _lock_member(member_id)
    if member is None or not _invitable_members().filter(pk=member_id).exists():
        return None
    earlier = Testimonial.objects.filter(author_id=member_id)
    if course is not None:
        earlier = earlier.filter(course=course)
    else:
        earlier = earlier.filter(source=source, course__isnull=True)
    if earlier.exists():
        return None
    testimonial, _ = testimonial_invite(member=member, source=source, course=course)
    return testimonial


def testimonial_invite_after_feedback(*, feedback) -> Testimonial | None:
    """Call when a member saved their survey answer about a course (``CourseFeedback``): a
    recommendation of 9 or 10 for a live course invites them, once per course ever (later
    answers, a withdrawn or declined testimonial never invite again). Returns the new
    invitation or None."""
    if feedback.recommend is None or feedback.recommend < PROMOTER_SCORE:
        return None
    course = feedback.course
    if not course.live:
        return None
    return _invite_once(member_id=feedback.member_id, source=Source.COURSE_RATING, course=course)


def testimonial_invite_after_thanks(*, thanks: Thanks) -> Testimonial | None:
    """Call when a member thanked someone (``Thanks``): thanks to the whole team (no
    recipient), not hidden, invites them, once ever. Returns the new invitation or None."""
    if thanks.kind != Thanks.Kind.THANKS or thanks.recipient_id or thanks.hidden_at:
        return None
    return _invite_once(member_id=thanks.author_id, source=Source.THANKS)


def testimonial_invite_eligible() -> int:
    """Invite every member who recommended a live course 9 or 10 or thanked the whole team and
    was never invited for that course (or for thanking): how many were invited. Run daily by
    ``manage.py invite_testimonials``; safe to run while members answer surveys."""
    from courses.models import CourseFeedback  # the survey answers (courses has no api for it)

    members = _invitable_members()
    promoters = (
        CourseFeedback.objects.filter(
            recommend__gte=PROMOTER_SCORE, course__live=True, member__in=members
        )
        .exclude(
            Exists(Testimonial.objects.filter(author=OuterRef("member"), course=OuterRef("course")))
        )
        .select_related("course")
        .order_by("created_at", "pk")
    )
    thankers = (
        Thanks.objects.filter(
            kind=Thanks.Kind.THANKS,
            recipient__isnull=True,
            hidden_at__isnull=True,
            author__in=members,
        )
        .exclude(
            Exists(
                Testimonial.objects.filter(
                    author=OuterRef("author"), source=Source.THANKS, course__isnull=True
                )
            )
        )
        .values_list("author_id", flat=True)
        .distinct()
    )
    invited = 0
    for feedback in promoters:
        created = _invite_once(
            member_id=feedback.member_id, source=Source.COURSE_RATING, course=feedback.course
        )
        invited += created is not None
    for author_id in list(thankers):
        invited += _invite_once(member_id=author_id, source=Source.THANKS) is not None
    return invited


# The author ---------------------------------------------------------------------------------


def _own(testimonial: Testimonial, member) -> Testimonial:
    locked = _locked(testimonial)
    if locked.author_id != member.pk:
        raise Testimonial.DoesNotExist  # views fetch through access_testimonial first
    return locked


@transaction.atomic
def testimonial_write(
    *,
    member,
    testimonial: Testimonial,
    text: str,
    rating: int | None = None,
    author_title: str = "",
) -> Testimonial:
    """The author writes (or rewrites) their testimonial: plain text of 20-2,000 characters,
    an optional rating from 1 to 5 and how they want to be introduced (job title, company).

    It goes to staff for proofreading (``submitted``). Rewriting while staff's version waits
    for approval sends the new text back to staff (it replaces their edit). Published,
    withdrawn and declined testimonials cannot be rewritten.
    """
    text = _clean_text(text)
    if rating is not None and not 1 <= int(rating) <= 5:
        raise TestimonialError(RATING_INVALID, field="rating")
    author_title = (author_title or "").strip()
    if "\n" in author_title or "\r" in author_title:
        raise TestimonialError(TITLE_ONE_LINE, field="author_title")
    if len(author_title) > TITLE_MAX:
        raise TestimonialError(TITLE_TOO_LONG, field="author_title")
    locked = _own(testimonial, member)
    if locked.status not in WRITABLE:
        raise TestimonialError(NOT_WRITABLE[locked.status])
    locked.original_text = text
    locked.rating = rating
    locked.author_title = author_title
    locked.status = Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.edited_text = ""
    locked.staff_note = ""
    locked.edited_at = None
    locked.edited_by = None
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def testimonial_approve(*, member, testimonial: Testimonial, version: str) -> Testimonial:
    """The author approves the staff's version they read (``version``, from
    ``testimonial_version``) and it is published: ``approved_text`` is exactly that text.

    Refused when nothing waits for their approval (withdrawn, already published, sent back to
    staff) or when staff changed the text since the page was shown (a stale ``version``).
    """
    locked = _own(testimonial, member)
    if locked.status != Status.AWAITING_AUTHOR:
        raise TestimonialError(NOT_AWAITING)
    if version != testimonial_version(locked):
        raise TestimonialError(STALE)
    now = timezone.now()
    locked.approved_text = locked.edited_text
    locked.approved_at = now
    locked.published_at = now
    locked.status = Status.PUBLISHED
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def testimonial_withdraw(*, member, testimonial: Testimonial) -> Testimonial:
    """The author withdraws consent: a published testimonial is unpublished at once (gone from
    the testimonials page and the home block from the next request), an unwritten invitation is
    declined. Final: the testimonial cannot be published again."""
    locked = _own(testimonial, member)
    if locked.status not in WITHDRAWABLE:
        raise TestimonialError(NOT_WITHDRAWABLE)
    locked.status = Status.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["status", "withdrawn_at"])
    return locked


# Staff --------------------------------------------------------------------------------------


def _staff_locked(testimonial: Testimonial, staff, version: str | None) -> Testimonial:
    if not can_manage_testimonials(member=staff):
        raise TestimonialError(NOT_ALLOWED)
    locked = _locked(testimonial)
    if version is not None and version != testimonial_version(locked):
        raise TestimonialError(STAFF_STALE)
    return locked


@transaction.atomic
def testimonial_proofread(
    *, staff, testimonial: Testimonial, edited_text: str, staff_note: str = "", version: str
) -> Testimonial:
    """Staff's proofread version, with a note saying why, sent to the author for approval.

    ``edited_text`` equal to what the author wrote sends it unedited: publishing still waits
    for the author's approval. Allowed on a written testimonial not yet published (``submitted``
    or ``awaiting_author``; a second edit replaces the first, and an approval of the first is
    then refused). ``version`` is the token of what staff read: if the author changed the
    testimonial since, the edit is refused.
    """
    edited_text = _clean_text(edited_text, field="edited_text", short=EDIT_TOO_SHORT)
    staff_note = (staff_note or "").strip()
    if len(staff_note) > NOTE_MAX:
        raise TestimonialError(NOTE_TOO_LONG, field="staff_note")
    locked = _staff_locked(testimonial, staff, version)
    if locked.status not in PROOFREADABLE:
        raise TestimonialError(NOT_PROOFREADABLE)
    if (
        locked.status == Status.AWAITING_AUTHOR
        and locked.edited_text == edited_text
        and locked.staff_note == staff_note
    ):
        raise TestimonialError(NOTHING_CHANGED)
    locked.edited_text = edited_text
    locked.staff_note = staff_note
    locked.edited_at = timezone.now()
    locked.edited_by = staff
    locked.status = Status.AWAITING_AUTHOR
    locked.full_clean()
    locked.save()
    _tell_author(locked, actor=staff, text=READY_FOR_APPROVAL, page="testimonial")
    return locked


@transaction.atomic
def testimonial_decline(
    *, staff, testimonial: Testimonial, reason: str, version: str | None = None
) -> Testimonial:
    """Staff decide not to publish (or to unpublish) a testimonial, with a reason the author
    reads. An unwritten invitation is cancelled the same way. Final."""
    reason = (reason or "").strip()
    if not reason:
        raise TestimonialError(REASON_REQUIRED, field="reason")
    if len(reason) > REASON_MAX:
        raise TestimonialError(REASON_TOO_LONG, field="reason")
    locked = _staff_locked(testimonial, staff, version)
    if locked.status not in DECLINABLE:
        raise TestimonialError(NOT_DECLINABLE)
    locked.status = Status.DECLINED
    locked.staff_note = reason
    locked.edited_by = staff
    locked.save(update_fields=["status", "staff_note", "edited_by"])
    _tell_author(locked, actor=staff, text=DECLINED, page="testimonial")
    return locked
