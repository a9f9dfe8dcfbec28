"""Who may do what in the community: one function per action, asked by views, services and
templates alike, so a hidden button and a refused request never disagree.

Each ``*_refusal`` returns ``None`` when the action is allowed, else a message fit to show (and
``can_*`` is its boolean). Services raise ``CommunityError(refusal)``; templates show the
message and, where it helps, a link (to get certified, to sign in).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from certification import api as certification_api
from community.models import CommunitySettings, MemberReputation, Suspension


class CommunityError(Exception):
    """A community action that cannot be carried out; the message is fit to show."""


SIGN_IN = "Sign in to take part in the community."
SUSPENDED = "Your community access is suspended{until}. Reason: {reason}"
NOT_CERTIFIED_ANY = "Answers come from certified members: earn a certification to answer questions."
NOT_CERTIFIED_MATCHING = (
    "Answers to this question come from members certified in its topic ({names}): "
    "earn one of those certifications to answer."
)
NO_MATCHING_CERTIFICATION = (
    "Answers to this question come from members certified in its topic; its tags name no "
    "certification yet, so only MVPs and staff can answer."
)
REPUTATION_NEEDED = "You need {needed} reputation to {action} (you have {have})."
OWN_POST_VOTE = "You cannot vote on your own post."
RATE_LIMITED = (
    "New accounts may post {limit} times an hour; please wait a little before posting again."
)


def settings_for_portal() -> CommunitySettings:
    """The portal's community settings (Wagtail caches them per request when given one)."""
    return CommunitySettings.load()


def active_suspension(*, member) -> Suspension | None:
    """The member's suspension in force now, if any: one query."""
    now = timezone.now()
    return (
        Suspension.objects.filter(member=member, lifted_at__isnull=True, starts_at__lte=now)
        .exclude(ends_at__lte=now)
        .order_by("-starts_at")
        .first()
    )


def _suspension_message(suspension: Suspension) -> str:
    until = f" until {suspension.ends_at:%d %B %Y %H:%M} UTC" if suspension.ends_at else ""
    return SUSPENDED.format(until=until, reason=suspension.reason)


UNSET = object()


def participation_refusal(*, member, suspension=UNSET) -> str | None:
    """Why ``member`` may not post, vote or flag at all (signed out or suspended), or None.

    A page that already read the member's suspension (the suspension notice does, once per
    request) passes it as ``suspension`` to save the query.
    """
    if member is None or not member.is_authenticated:
        return SIGN_IN
    if suspension is UNSET:
        suspension = active_suspension(member=member)
    if suspension is not None:
        return _suspension_message(suspension)
    return None


_MODERATOR_CACHE = "_community_is_moderator"
MODERATE = "community.moderate_community"


def holds_permission(*, member, perm: str) -> bool:
    """Whether active ``member`` holds ``perm`` ("app_label.codename") directly or through a
    group: Django's loaded permissions when this request already read them (the Wagtail admin
    always has), else one query, remembered on the member object for the request."""
    remembered = getattr(member, "_community_permissions", None)
    if remembered is None:
        remembered = {}
        member._community_permissions = remembered
    if perm not in remembered:
        if hasattr(member, "_perm_cache"):
            remembered[perm] = member.has_perm(perm)
        else:
            from django.contrib.auth.models import Permission
            from django.db.models import Q

            app_label, codename = perm.split(".", 1)
            held = Permission.objects.filter(
                codename=codename, content_type__app_label=app_label
            ).filter(Q(user=member) | Q(group__user=member))
            remembered[perm] = held.exists()
    return remembered[perm]


def is_moderator(*, member) -> bool:
    """Superusers and holders of ``community.moderate_community`` (directly or through a group)
    moderate the community (``holds_permission``: at most one query a request)."""
    if member is None or not member.is_authenticated or not member.is_active:
        return False
    if member.is_superuser:
        return True
    if not hasattr(member, _MODERATOR_CACHE):
        setattr(member, _MODERATOR_CACHE, holds_permission(member=member, perm=MODERATE))
    return getattr(member, _MODERATOR_CACHE)


def answer_refusal(
    *,
    member,
    question,
    settings: CommunitySettings | None = None,
    suspension=UNSET,
    credentials: list | None = None,
) -> str | None:
    """Why ``member`` may not answer ``question`` under the portal's answer policy, or None.

    Staff and MVPs always may; otherwise the policy decides: every member, any valid
    certification, or a certification tied to one of the question's tags (``Tag.certifications``).
    Certified means what ``certification.api`` says, nothing else. A page that already read the
    member's suspension and credentials (``member_badges_summary``) passes them to save queries.
    """
    refusal = participation_refusal(member=member, suspension=suspension)
    if refusal:
        return refusal
    if member.is_staff:
        return None
    settings = settings or settings_for_portal()
    if settings.answer_policy == CommunitySettings.AnswerPolicy.EVERYONE:
        return None
    if credentials is None:
        summary = certification_api.member_badges_summary(member_ids=[member.pk])
        credentials = summary.get(member.pk, [])
    if any(credential.kind == "mvp" for credential in credentials):
        return None
    if settings.answer_policy == CommunitySettings.AnswerPolicy.ANY_CERTIFICATION:
        if any(credential.kind == "certification" for credential in credentials):
            return None
        return NOT_CERTIFIED_ANY
    tied = {
        certification.pk: certification.name
        for tag in question.tags.all()
        for certification in tag.certifications.all()
    }
    if not tied:
        return NO_MATCHING_CERTIFICATION
    if certification_api.is_certified(member=member, certification_ids=tied.keys()):
        return None
    return NOT_CERTIFIED_MATCHING.format(names=", ".join(sorted(set(tied.values()))))


def reputation_of(*, member) -> int:
    """The member's reputation total (0 without any event): one query."""
    row = MemberReputation.objects.filter(member=member).values_list("total", flat=True).first()
    return row or 0


def _privilege_refusal(
    *, member, needed: int, action: str, suspension=UNSET, reputation: int | None = None
) -> str | None:
    refusal = participation_refusal(member=member, suspension=suspension)
    if refusal:
        return refusal
    if member.is_staff or is_moderator(member=member):
        return None
    have = reputation_of(member=member) if reputation is None else reputation
    if have < needed:
        return REPUTATION_NEEDED.format(needed=needed, action=action, have=have)
    return None


def downvote_refusal(*, member, settings: CommunitySettings | None = None) -> str | None:
    settings = settings or settings_for_portal()
    return _privilege_refusal(
        member=member, needed=settings.downvote_reputation, action="vote down"
    )


def edit_others_refusal(*, member, settings: CommunitySettings | None = None) -> str | None:
    settings = settings or settings_for_portal()
    return _privilege_refusal(
        member=member, needed=settings.edit_reputation, action="edit others' posts"
    )


def close_refusal(
    *,
    member,
    settings: CommunitySettings | None = None,
    suspension=UNSET,
    reputation: int | None = None,
) -> str | None:
    """Why ``member`` may not close or reopen questions, or None. A page that already read the
    member's suspension and reputation passes them to save queries."""
    settings = settings or settings_for_portal()
    return _privilege_refusal(
        member=member,
        needed=settings.close_reputation,
        action="close questions",
        suspension=suspension,
        reputation=reputation,
    )


def rate_limit_refusal(*, member, settings: CommunitySettings | None = None) -> str | None:
    """Why a new account may not post again yet (posts in the last hour), or None.

    Accounts older than ``new_account_days``, staff and moderators are not limited. Counts
    questions, answers and comments of the last hour: three small queries.
    """
    from community.models import Answer, Comment, Question

    settings = settings or settings_for_portal()
    now = timezone.now()
    if member.is_staff or member.date_joined <= now - timedelta(days=settings.new_account_days):
        return None
    since = now - timedelta(hours=1)
    posted = sum(
        model.objects.filter(author=member, created_at__gte=since).count()
        for model in (Question, Answer, Comment)
    )
    if posted >= settings.new_account_posts_per_hour:
        return RATE_LIMITED.format(limit=settings.new_account_posts_per_hour)
    return None
