"""Template tags other apps' templates use to show courses without importing courses models."""

from django import template

from courses import api

register = template.Library()


@register.inclusion_tag("courses/components/continue_learning.html", takes_context=True)
def continue_learning(context) -> dict:
    """The "Continue where you left off" strip: the signed-in member's unfinished courses.

    Renders nothing (and queries nothing) for anonymous visitors or members without any.
    """
    request = context.get("request")
    member = getattr(request, "user", None)
    return {"request": request, "enrollments": api.continue_learning(member=member)}
