"""Posts, flags and moderators for the moderation tests; call inside a portal's schema.

Posts are made with the ORM (counters kept as the posting services keep them) so that these
tests do not depend on the posting part; ``body_html`` is the escaped body in a paragraph.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import F
from django.utils.html import escape

from community.models import Answer, Comment, Flag, Question
from community.moderation_services import flag_create
from tests.factories.accounts import make_member


def _html(body: str) -> str:
    return f"<p>{escape(body)}</p>"


def make_question(
    *, author, title: str = "How do I rotate the API keys?", body: str = ""
) -> Question:
    body = body or f"{title} I tried the settings page but found nothing."
    return Question.objects.create(author=author, title=title, body_md=body, body_html=_html(body))


def make_answer(*, question: Question, author, body: str = "Use the key manager.") -> Answer:
    answer = Answer.objects.create(
        question=question, author=author, body_md=body, body_html=_html(body)
    )
    Question.objects.filter(pk=question.pk).update(answer_count=F("answer_count") + 1)
    return answer


def make_comment(*, author, question=None, answer=None, body: str = "Which version?") -> Comment:
    comment = Comment.objects.create(
        author=author, question=question, answer=answer, body_md=body, body_html=_html(body)
    )
    parent = question or answer
    type(parent).objects.filter(pk=parent.pk).update(comment_count=F("comment_count") + 1)
    return comment


def make_flag(*, reporter, post, reason: str = Flag.Reason.SPAM, note: str = "") -> Flag:
    return flag_create(
        reporter=reporter, reason=reason, note=note, **{type(post)._meta.model_name: post}
    )


def make_moderator(*, email: str, superuser: bool = False, moderate: bool = True, **fields):
    """Staff with admin access and (unless ``moderate=False``) the moderation permission; MFA on.

    ``superuser=True`` makes a superuser (who moderates without the permission).
    """
    user = make_member(email=email, staff=superuser, mfa=True, **fields)
    if superuser:
        return user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    name = "Community moderators" if moderate else "Admin access without moderation"
    group, _ = Group.objects.get_or_create(name=name)  # not Wagtail's own "Moderators"
    codenames = ["access_admin", "moderate_community"] if moderate else ["access_admin"]
    group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    user.groups.add(group)
    return user
