"""Who may do what with ideas and complaints: one function per action, asked by the services,
the views and the templates alike, so a hidden button and a refused request never disagree.

Each ``*_refusal`` returns ``None`` when the action is allowed, else a message fit to show.
Members take part unless signed out or suspended (``community.permissions.participation_refusal``);
staff who hold ``community.manage_ideas`` (and superusers) answer: set statuses, merge
duplicates, hide abusive items. A page that already read the viewer's suspension (the
suspension notice does, once per request) passes it on to save the query.
"""

from __future__ import annotations

from community.models import Idea
from community.permissions import UNSET, participation_refusal

MANAGE_PERMISSION = "manage_ideas"
NOT_STAFF = "Only staff who manage ideas can do this."
OWN_IDEA_VOTE = "You cannot vote on your own {kind}: it already counts as yours."
MERGED = "This {kind} was merged into “{title}”: vote, comment and follow there."
HIDDEN = "This {kind} is hidden by the staff."
NOT_YOURS = "Only its author and the staff can edit this {kind}."
EDIT_LOCKED = (
    "The staff have started answering this {kind}, so its text stays as it is: add a comment "
    "instead."
)

_CACHE = "_community_manages_ideas"


def kind_noun(idea: Idea) -> str:
    """ "idea" or "complaint", for messages."""
    return "complaint" if idea.kind == Idea.Kind.COMPLAINT else "idea"


def can_manage_ideas(*, member) -> bool:
    """Whether ``member`` answers ideas: a superuser, or staff holding
    ``community.manage_ideas`` directly or through a group. One query at most, remembered on
    the member object for the request (the idea page reads it with the idea instead)."""
    if member is None or not member.is_authenticated or not member.is_active:
        return False
    if member.is_superuser:
        return True
    if not member.is_staff:
        return False
    if not hasattr(member, _CACHE):
        from community.permissions import holds_permission

        setattr(
            member, _CACHE, holds_permission(member=member, perm=f"community.{MANAGE_PERMISSION}")
        )
    return getattr(member, _CACHE)


def remember_manages_ideas(*, member, manages: bool) -> None:
    """Record what a selector already read about ``member`` (saves ``can_manage_ideas``'s
    query on pages that read it with their data)."""
    if member is not None and member.is_authenticated and member.is_staff:
        setattr(member, _CACHE, bool(manages))


def manage_refusal(*, member) -> str | None:
    """Why ``member`` may not set statuses, merge or hide ideas, or None."""
    return None if can_manage_ideas(member=member) else NOT_STAFF


def _closed_refusal(idea: Idea) -> str | None:
    """Merged and hidden items take no votes, comments or follows."""
    if idea.merged_into_id is not None:
        if _loaded(idea, "merged_into"):
            title = idea.merged_into.title
        else:
            titles = Idea.objects.filter(pk=idea.merged_into_id).values_list("title", flat=True)
            title = titles.first() or "another item"
        return MERGED.format(kind=kind_noun(idea), title=title)
    if idea.hidden_at is not None:
        return HIDDEN.format(kind=kind_noun(idea))
    return None


def _loaded(instance, field: str) -> bool:
    return instance._meta.get_field(field).is_cached(instance)


def submit_refusal(*, member, suspension=UNSET) -> str | None:
    """Why ``member`` may not submit an idea or a complaint (signed out, suspended), or None."""
    return participation_refusal(member=member, suspension=suspension)


def vote_refusal(*, member, idea: Idea, suspension=UNSET) -> str | None:
    """Why ``member`` may not vote on ``idea`` (either direction), or None."""
    refusal = participation_refusal(member=member, suspension=suspension)
    if refusal:
        return refusal
    if idea.author_id == member.pk:
        return OWN_IDEA_VOTE.format(kind=kind_noun(idea))
    return _closed_refusal(idea)


def comment_refusal(*, member, idea: Idea, suspension=UNSET) -> str | None:
    """Why ``member`` may not comment on ``idea``, or None."""
    return participation_refusal(member=member, suspension=suspension) or _closed_refusal(idea)


def follow_refusal(*, member, idea: Idea, suspension=UNSET) -> str | None:
    """Why ``member`` may not follow ``idea`` (unfollowing is always allowed), or None."""
    return participation_refusal(member=member, suspension=suspension) or _closed_refusal(idea)


def edit_refusal(*, member, idea: Idea, suspension=UNSET) -> str | None:
    """Why ``member`` may not edit ``idea``'s title, text and area, or None.

    The staff who manage ideas may while it is not merged; its author only while it is still
    new (once the staff answered, voters must be able to trust what they voted for)."""
    refusal = participation_refusal(member=member, suspension=suspension)
    if refusal:
        return refusal
    if idea.merged_into_id is not None:
        return _closed_refusal(idea)
    if can_manage_ideas(member=member):
        return None
    if idea.author_id != member.pk:
        return NOT_YOURS.format(kind=kind_noun(idea))
    if idea.status != Idea.Status.NEW:
        return EDIT_LOCKED.format(kind=kind_noun(idea))
    return None


def can_see_hidden(*, member) -> bool:
    """Hidden items are shown to the staff who manage ideas only (a 404 for everyone else)."""
    return can_manage_ideas(member=member)
