"""Recognition awards: staff give a member a recognition badge ("Member of the month") with a
citation saying why, issued as a ``BadgeAward`` so it is a credential like the others (verify
page, Open Badges assertion, baked PNG, PDF certificate).

A recognition badge is a ``Badge`` of kind ``recognition`` that staff make as a snippet
(Certification › Badges). The same badge can be given to the same member again later (Member
of the month in March and again in June): each time is a new award with its own verify page.
The newest one is the member's *current* award of that badge (the partial unique constraint
``badgeaward_one_current_per_member_badge``); the older ones stop being current but keep their
status (valid, or expired after the badge's validity), because they stay true: the member *was*
Member of the month in March. They are not marked "renewed", which would read as replaced.

Race safety: the member's row is locked first, so two staff giving the same badge to the same
member at once run one after the other; the second is refused while the first award is less
than ``REPEAT_GAP`` old (a double submission, or two staff with the same idea). The unique
constraint backs this up.

The citation is kept in ``BadgeAward.citation`` and shown on the verify page and in the
assertion (``narrative``).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from dateutil.relativedelta import relativedelta

from certification.emails import credential_email, send_on_commit
from certification.models import Badge, BadgeAward
from certification.mvp_services import MvpError, badge_award_revoke

PERMISSION = "certification.manage_badges"
CITATION_MIN_LENGTH = 10
CITATION_MAX_LENGTH = 200  # the length of ``BadgeAward.citation``
REPEAT_GAP = timedelta(days=1)

NOT_ALLOWED = "Giving recognition awards needs the permission “Can review MVP nominations and "
NOT_ALLOWED += "revoke badges” (certification.manage_badges)."
BADGE_NOT_RECOGNITION = "Choose a recognition badge (Certification › Badges, kind “Recognition”)."
BADGE_INACTIVE = "“{name}” is switched off (Certification › Badges): switch it on to give it."
MEMBER_UNKNOWN = "Choose an active member of this portal."
MEMBER_IS_SELF = "You cannot give yourself a recognition award."
CITATION_REQUIRED = "Write the citation: say what the member is recognised for."
CITATION_TOO_SHORT = f"Say a little more: at least {CITATION_MIN_LENGTH} characters."
CITATION_TOO_LONG = f"Keep the citation under {CITATION_MAX_LENGTH} characters."
ALREADY_GIVEN = (
    "{name} was given “{badge}” less than a day ago (perhaps by another member of staff): "
    "see their verify page."
)
NOT_RECOGNITION_AWARD = "This award is not a recognition award."


class RecognitionError(Exception):
    """A recognition award that cannot be given or revoked; the message is fit to show.

    ``field`` names the form field the message belongs to ("member", "badge", "citation",
    "reason"), when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def can_give_recognition(*, user) -> bool:
    """Superusers, and staff holding ``certification.manage_badges``, give recognition awards:
    the one rule the staff screen and ``award_recognition`` ask."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or (user.is_staff and user.has_perm(PERMISSION)))


def recognition_badges() -> QuerySet[Badge]:
    """The active recognition badges staff can give, by name (the image joined)."""
    return Badge.objects.filter(kind=Badge.Kind.RECOGNITION, active=True).select_related("image")


def citation_clean(citation: str) -> str:
    """The citation with its whitespace tidied, or ``RecognitionError`` (10..200 characters)."""
    citation = " ".join((citation or "").split())
    if not citation:
        raise RecognitionError(CITATION_REQUIRED, field="citation")
    if len(citation) < CITATION_MIN_LENGTH:
        raise RecognitionError(CITATION_TOO_SHORT, field="citation")
    if len(citation) > CITATION_MAX_LENGTH:
        raise RecognitionError(CITATION_TOO_LONG, field="citation")
    return citation


@transaction.atomic
def award_recognition(*, staff, member, badge: Badge, citation: str) -> BadgeAward:
    """``staff`` gives ``member`` the recognition ``badge`` for ``citation``; returns the award.

    The award is issued now, valid for the badge's ``validity_months`` (0: for ever), made the
    member's current award of the badge (an older one stays valid history), and the member is
    e-mailed its verify link once the transaction commits. Raises ``RecognitionError`` when
    ``staff`` may not give recognition, for a badge that is not an active recognition badge, an
    inactive or unknown member, oneself, a citation outside 10..200 characters, or when the
    same badge went to the same member less than a day ago (two staff at once: one wins).
    """
    if not can_give_recognition(user=staff):
        raise RecognitionError(NOT_ALLOWED)
    if badge is None or badge.kind != Badge.Kind.RECOGNITION:
        raise RecognitionError(BADGE_NOT_RECOGNITION, field="badge")
    if not badge.active:
        raise RecognitionError(BADGE_INACTIVE.format(name=badge.name), field="badge")
    if member is None:
        raise RecognitionError(MEMBER_UNKNOWN, field="member")
    if member.pk == staff.pk:
        raise RecognitionError(MEMBER_IS_SELF, field="member")
    citation = citation_clean(citation)
    member = get_user_model().objects.select_for_update().filter(pk=member.pk).first()
    if member is None or not member.is_active:
        raise RecognitionError(MEMBER_UNKNOWN, field="member")
    now = timezone.now()
    previous = (
        BadgeAward.objects.select_for_update()
        .filter(member=member, badge=badge, current=True)
        .first()
    )
    if previous is not None and previous.issued_at > now - REPEAT_GAP:
        raise RecognitionError(ALREADY_GIVEN.format(name=member.public_name, badge=badge.name))
    if previous is not None:
        previous.current = False
        previous.save(update_fields=["current"])
    expires_at = (
        now + relativedelta(months=badge.validity_months) if badge.validity_months else None
    )
    try:
        with transaction.atomic():
            award = BadgeAward.objects.create(
                member=member,
                badge=badge,
                issued_at=now,
                expires_at=expires_at,
                awarded_by=staff,
                citation=citation,
            )
    except IntegrityError as error:  # the constraint, should the lock ever be bypassed
        raise RecognitionError(
            ALREADY_GIVEN.format(name=member.public_name, badge=badge.name)
        ) from error
    send_on_commit(
        credential_email(
            template="certification/email/recognition_awarded.txt",
            subject=f"Recognised: {badge.name}",
            award=award,
            badge=badge,
            citation=citation,
        )
    )
    return award


def recognition_revoke(*, staff, award: BadgeAward, reason: str) -> BadgeAward:
    """Staff revoke a recognition award given by mistake, with a reason the member is e-mailed.

    The award stays in the member's history as revoked (its verify page says why) and leaves
    the wall of thanks. Raises ``RecognitionError`` when ``staff`` may not, for an award of
    another kind, without a reason or when it is already revoked.
    """
    if not can_give_recognition(user=staff):
        raise RecognitionError(NOT_ALLOWED)
    if award.badge.kind != Badge.Kind.RECOGNITION:
        raise RecognitionError(NOT_RECOGNITION_AWARD)
    try:
        return badge_award_revoke(award=award, reason=reason, revoked_by=staff)
    except MvpError as error:
        raise RecognitionError(str(error), field=error.field) from error
