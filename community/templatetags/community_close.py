"""Template tags of closing questions (``community/includes/close.html``).

``{% close_refusal_for viewer as refusal %}`` asks ``permissions.close_refusal``, the same
function the close and reopen views obey, so the form shown and the request refused never
disagree (no query for visitors). ``{% close_csrf_token %}`` gives the forms their CSRF token
from the request, which survives ``{% include ... only %}``.
"""

from __future__ import annotations

from django import template
from django.middleware.csrf import get_token

from community.close_services import CLOSE_REASONS
from community.permissions import SIGN_IN, close_refusal

register = template.Library()


@register.simple_tag
def close_refusal_for(viewer) -> str:
    """Why ``viewer`` may not close or reopen questions ("" when they may)."""
    if viewer is None or not viewer.is_authenticated:
        return SIGN_IN
    return close_refusal(member=viewer) or ""


@register.simple_tag
def close_reasons() -> list[tuple[str, str]]:
    return list(CLOSE_REASONS.items())


@register.simple_tag(takes_context=True)
def close_csrf_token(context) -> str:
    request = getattr(context, "request", None)
    return get_token(request) if request is not None else ""
