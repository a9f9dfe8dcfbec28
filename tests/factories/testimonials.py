"""Testimonials at each step of their life, made through the real services; staff who manage
them; thanks and course feedback that make a member eligible. Call inside a portal's schema."""

from __future__ import annotations

import itertools

from django.contrib.auth.models import Group, Permission
from django.utils.html import escape

from community.models import Testimonial, TestimonialsPage, Thanks
from community.testimonial_services import (
    testimonial_approve,
    testimonial_invite,
    testimonial_proofread,
    testimonial_version,
    testimonial_write,
)
from portal.models import HomePage
from tests.factories.accounts import make_member

_numbers = itertools.count(1)

TEXT = "The courses were short, clear and practical; I use what I learned every single day."
EDITED = "The courses were short, clear and practical: I use what I learned every day."


def make_testimonial_staff(*, email: str = "", manage: bool = True, **fields):
    """Staff with admin access and (unless ``manage=False``) ``manage_testimonials``; MFA on."""
    email = email or f"tstaff{next(_numbers)}@example.com"
    user = make_member(email=email, mfa=True, **fields)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    name = "Testimonial editors" if manage else "Admin access only"
    group, _ = Group.objects.get_or_create(name=name)
    codenames = ["access_admin", "manage_testimonials"] if manage else ["access_admin"]
    group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    user.groups.add(group)
    return user


def invited(*, member, course=None, source: str = Testimonial.Source.STAFF) -> Testimonial:
    testimonial, _ = testimonial_invite(member=member, source=source, course=course)
    return testimonial


def written(
    *, member, text: str = TEXT, rating: int | None = 5, title: str = "Engineer", course=None
) -> Testimonial:
    return testimonial_write(
        member=member,
        testimonial=invited(member=member, course=course),
        text=text,
        rating=rating,
        author_title=title,
    )


def awaiting(*, member, staff, edited: str = EDITED, note: str = "Tightened.", **kw) -> Testimonial:
    testimonial = written(member=member, **kw)
    return testimonial_proofread(
        staff=staff,
        testimonial=testimonial,
        edited_text=edited,
        staff_note=note,
        version=testimonial_version(testimonial),
    )


def published(*, member, staff, **kw) -> Testimonial:
    testimonial = awaiting(member=member, staff=staff, **kw)
    return testimonial_approve(
        member=member, testimonial=testimonial, version=testimonial_version(testimonial)
    )


def thank_the_team(*, author, message: str = "Thanks, team!", **fields) -> Thanks:
    return Thanks.objects.create(
        author=author, message_md=message, message_html=f"<p>{escape(message)}</p>", **fields
    )


def make_testimonials_page(*, title: str = "Testimonials", slug: str = "testimonials"):
    """The live testimonials page under the home page, made on first use."""
    page = TestimonialsPage.objects.first()
    if page is None:
        page = TestimonialsPage(title=title, slug=slug, intro="<p>In their words.</p>")
        HomePage.objects.get().add_child(instance=page)
    return page
