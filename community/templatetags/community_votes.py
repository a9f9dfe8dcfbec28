"""Template tags of votes and acceptance.

``{% vote_csrf_token %}`` gives the vote and accept forms their CSRF token from the request,
which survives ``{% include ... only %}`` (the ``csrf_token`` context variable does not).
``{% if viewer|may_accept:question %}`` asks ``accept_services.can_accept``, the same function
the accept view obeys, so the button and the refusal never disagree.
"""

from __future__ import annotations

from django import template
from django.middleware.csrf import get_token

from community.accept_services import can_accept

register = template.Library()


@register.simple_tag(takes_context=True)
def vote_csrf_token(context) -> str:
    request = getattr(context, "request", None)
    return get_token(request) if request is not None else ""


@register.filter
def may_accept(viewer, question) -> bool:
    """Whether ``viewer`` may accept (or unaccept) answers of ``question``."""
    return can_accept(member=viewer, question=question)
