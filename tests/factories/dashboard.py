"""Rows for the staff dashboard's tests, at the moments a test names; call inside a portal's
schema (``tenant.activate()``).

The dashboard only reads timestamps and states, so these write rows with the ORM as the apps'
services would leave them, with the dates a test needs (services stamp "now").
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from certification.models import Attempt, Award, Certification
from community.models import Idea, ProductArea, Question, Testimonial
from courses.models import CourseFeedback, CoursePage, Enrollment
from portal.accounts.models import Referral, User
from portal.sanitize import render_markdown
from tests.factories.certification import make_certification

_numbers = itertools.count(1)


def at(text: str) -> datetime:
    """``"2025-03-03 10:00"`` as an aware datetime in UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


def plain_member(**fields) -> User:
    """A member without password hashing or e-mail record (fast, for volume)."""
    number = next(_numbers)
    fields.setdefault("email", f"dash{number}@dashboard.test")
    fields.setdefault("display_name", f"Dash {number}")
    return User.objects.create(**fields)


def plain_members(count: int) -> list[User]:
    start = next(_numbers)
    for _ in range(count):
        next(_numbers)
    return User.objects.bulk_create(
        User(email=f"bulk{start + n}@dashboard.test", display_name=f"Bulk {start + n}")
        for n in range(count)
    )


def question(*, author, asked: datetime, answered_after: timedelta | None = None, **fields):
    body = "How do I make this work? I tried the obvious things first."
    return Question.objects.create(
        author=author,
        title=f"Dashboard question {next(_numbers)}",
        body_md=body,
        body_html=render_markdown(body),
        created_at=asked,
        last_activity_at=asked,
        first_answer_at=asked + answered_after if answered_after is not None else None,
        **fields,
    )


def area(name: str, position: int = 0) -> ProductArea:
    return ProductArea.objects.create(
        name=name, slug=name.lower().replace(" ", "-"), position=position
    )


def idea(
    *,
    author,
    area: ProductArea,
    created: datetime,
    response_after: timedelta | None = None,
    resolved_after: timedelta | None = None,
    **fields,
) -> Idea:
    body = "It would help us a lot if this worked."
    if resolved_after is not None:
        fields.setdefault("status", Idea.Status.DONE)
    return Idea.objects.create(
        author=author,
        area=area,
        title=f"Dashboard idea {next(_numbers)}",
        body_md=body,
        body_html=render_markdown(body),
        created_at=created,
        last_activity_at=created,
        first_staff_response_at=created + response_after if response_after is not None else None,
        resolved_at=created + resolved_after if resolved_after is not None else None,
        **fields,
    )


def enrollment(
    *, member, course: CoursePage, enrolled: datetime, completed: datetime | None = None
):
    return Enrollment.objects.create(
        member=member, course=course, enrolled_at=enrolled, completed_at=completed
    )


def certification(name: str = "Dashboard certified") -> Certification:
    return make_certification(name=name)


def attempt(
    *, member, certification: Certification, submitted: datetime | None, passed: bool | None
) -> Attempt:
    started = (submitted or timezone.now()) - timedelta(minutes=30)
    return Attempt.objects.create(
        member=member,
        exam=certification.exam,
        status=Attempt.Status.SUBMITTED if submitted else Attempt.Status.OPEN,
        started_at=started,
        deadline=started + timedelta(hours=1),
        submitted_at=submitted,
        pass_mark_percent=70,
        passed=passed,
        score_percent=None if passed is None else (90 if passed else 40),
    )


def award(
    *,
    member,
    certification: Certification,
    issued: datetime,
    expires: datetime | None = None,
    revoked: datetime | None = None,
    superseded: datetime | None = None,
) -> Award:
    earned = attempt(member=member, certification=certification, submitted=issued, passed=True)
    return Award.objects.create(
        member=member,
        certification=certification,
        attempt=earned,
        issued_at=issued,
        expires_at=expires,
        revoked_at=revoked,
        superseded_at=superseded,
        current=superseded is None,
    )


def feedback(*, member, course: CoursePage, recommend: int, answered: datetime) -> CourseFeedback:
    return CourseFeedback.objects.create(
        member=member,
        course=course,
        content_rating=4,
        instructor_rating=4,
        pace_rating=4,
        recommend=recommend,
        created_at=answered,
        updated_at=answered,
    )


def referral(*, referrer, referred, created: datetime) -> Referral:
    made = Referral.objects.create(referrer=referrer, referred=referred)
    Referral.objects.filter(pk=made.pk).update(created_at=created)  # auto_now_add
    return made


def testimonial(
    *,
    author,
    status: str,
    submitted: datetime | None = None,
    edited: datetime | None = None,
    approved: datetime | None = None,
    published: datetime | None = None,
    withdrawn: datetime | None = None,
) -> Testimonial:
    text = "The courses got our whole team certified in a month."
    return Testimonial.objects.create(
        author=author,
        source=Testimonial.Source.STAFF,
        status=status,
        invited_at=(submitted or timezone.now()) - timedelta(days=1),
        original_text=text if submitted else "",
        edited_text=text if edited else "",
        approved_text=text if approved else "",
        submitted_at=submitted,
        edited_at=edited,
        approved_at=approved,
        published_at=published,
        withdrawn_at=withdrawn,
    )
