"""``{% feedback_prompt page request.user %}``: the course page's invitation to the survey."""

from django import template

from courses.feedback_selectors import survey_due

register = template.Library()


@register.inclusion_tag("courses/components/feedback_prompt.html")
def feedback_prompt(course, member) -> dict:
    """Shown once the member completed ``course`` until they answer (one query, none if not
    signed in); the page calls it only for a completed enrolment."""
    return {"course_id": survey_due(member=member, course_path=course.path)}
