"""Template tags of moderation: the signed-in member's suspension notice, the "Flag" control
and links to flagged posts.

``{% community_suspension as suspension %}`` asks the database once per request, and only for
a signed-in member; the "Flag" control reuses the answer, so a question page with 50 answers
still costs one query for it. Both read ``context.request``, which survives ``{% include ...
only %}`` (the template context's processors do not, hence the CSRF token from the request).
"""

from __future__ import annotations

from django import template

from community import moderation_selectors as selectors
from community.permissions import active_suspension
from portal.accounts.api import viewer_zone

register = template.Library()

_CACHE = "_community_suspension"


def suspension_of_request(request):
    """The requesting member's suspension in force (None for visitors): one query, once."""
    if request is None:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(request, _CACHE):
        setattr(request, _CACHE, active_suspension(member=user))
    return getattr(request, _CACHE)


@register.simple_tag(takes_context=True)
def community_suspension(context):
    """``{"suspension": ..., "zone": ...}`` for a suspended signed-in member, else None."""
    request = getattr(context, "request", None)
    suspension = suspension_of_request(request)
    if suspension is None:
        return None
    return {"suspension": suspension, "zone": viewer_zone(member=request.user)}


@register.simple_tag(takes_context=True)
def flag_control(context, author_id=None):
    """Whether to show the "Flag" link (``{"shown": bool}``).

    Shown to signed-in members who are not suspended, except on their own posts (when the
    including template passes ``author_id``; the flag view refuses it anyway).
    """
    request = getattr(context, "request", None)
    user = getattr(request, "user", None)
    shown = bool(
        user is not None
        and user.is_authenticated
        and suspension_of_request(request) is None
        and (author_id in (None, "") or str(author_id) != str(user.pk))
    )
    return {"shown": shown}


@register.filter
def post_url(post) -> str:
    """The public address of a question, an answer or a comment (with its anchor)."""
    return selectors.post_url(post) if post is not None else ""


@register.filter
def post_kind(post) -> str:
    return type(post)._meta.model_name if post is not None else ""


@register.filter
def post_title(post) -> str:
    """The title of the question a post belongs to."""
    return selectors.question_of(post).title if post is not None else ""
