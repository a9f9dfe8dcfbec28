"""Demo data for testimonials (a step of ``portal.demo.SEED_STEPS``): the testimonials page,
the home page's testimonials block, three published testimonials (one proofread by staff and
approved, one sent unedited, one about the demo's top-rated course) and one whose staff edit
waits for its author (Jonas), all made through the real services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

TESTIMONIALS_SLUG = "testimonials"
PAGE_INTRO = (
    "<p>Learners in their own words. Every testimonial is published with its author's approval, "
    "and they can withdraw it at any time.</p>"
)
BLOCK = {"heading": "What our learners say", "count": 3}

# Who writes what: (e-mail, course slug or None, what they wrote, staff's version or None to
# send it unedited, staff's note, rating, how they are introduced, approve?, days ago).
SPECS = [
    (
        "learner1@demo.localhost",
        "getting-started",
        "I deployed my first service in the second lesson and it just worked. The lessons are "
        "short and to the point, and the labs made me confident enough to move our team's "
        "staging enviroment over the same week.",
        "I deployed my first service in the second lesson and it just worked. The lessons are "
        "short and to the point, and the labs gave me the confidence to move our team's staging "
        "environment over the same week.",
        "We fixed a typo and smoothed one phrase; the meaning is yours.",
        5,
        "Platform engineer, Lagos Freight",
        True,
        20,
    ),
    (
        "learner2@demo.localhost",
        None,
        "The certification exam was fair and hard in the right places. Having a badge my "
        "manager could verify herself made the difference at my review.",
        None,
        "",
        5,
        "Data engineer",
        True,
        9,
    ),
    (
        "sofia@demo.localhost",
        None,
        "Whenever I got stuck, somebody in the community answered within the hour, often an "
        "actual engineer from the team!!! Best support forum I have used, honestly.",
        "Whenever I got stuck, someone in the community answered within the hour, often an "
        "engineer from the team. The best support forum I have used.",
        "A little shorter and calmer; tell us if it no longer sounds like you.",
        4,
        "SRE, Marín & Co",
        True,
        3,
    ),
    (
        "jonas@demo.localhost",
        "getting-started",
        "Good course. Could of been longer on the logs part but overall I learned alot and "
        "would recommend it to any backend developer starting out on the platform.",
        "Good course. It could have been longer on logs, but overall I learned a lot and would "
        "recommend it to any backend developer starting out on the platform.",
        "Spelling fixes only. Please check it still says what you meant.",
        4,
        "Backend developer",
        False,
        1,
    ),
]


def _ensure_page(lines: list[str]):
    """The live testimonials page under the home page, made when missing."""
    from wagtail.models import Site

    from community.models import TestimonialsPage
    from portal.models import HomePage

    page = TestimonialsPage.objects.first()
    if page is not None:
        return page
    home = HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
    page = TestimonialsPage(title="What our learners say", slug=TESTIMONIALS_SLUG, intro=PAGE_INTRO)
    home.add_child(instance=page)
    page.save_revision().publish()
    lines.append(f"Testimonials page published at {page.url}.")
    return page


def _ensure_block(lines: list[str]) -> None:
    """The home page's testimonials block, after the news, when the seeded home page lacks it
    (a home page staff composed without the seeded cards is left alone)."""
    from wagtail.models import Site

    from portal.models import HomePage

    home = HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
    kinds = [block.block_type for block in home.body]
    if "testimonials" in kinds or "features" not in kinds:
        return
    raw = list(home.body.raw_data)
    after = kinds.index("latest_announcements") + 1 if "latest_announcements" in kinds else 2
    raw.insert(after, {"type": "testimonials", "value": BLOCK})
    home.body = raw
    home.save_revision().publish()
    lines.append("Home page: testimonials block added.")


def _testimonial_for(member, course):
    """The member's testimonial for this course (or none), invited through the services."""
    from community.models import Testimonial
    from community.testimonial_services import testimonial_invite

    existing = Testimonial.objects.filter(author=member, course=course).order_by("pk").first()
    if existing is not None:
        return existing
    testimonial, _ = testimonial_invite(
        member=member, source=Testimonial.Source.STAFF, course=course
    )
    return testimonial


def seed(*, staff_email: str, password: str) -> list[str]:
    """Create the demo's testimonials; return lines to print. Running it again changes nothing
    (each member's testimonial is taken as far as it should go, and left there)."""
    from community.models import Testimonial
    from community.testimonial_services import (
        testimonial_approve,
        testimonial_invite_eligible,
        testimonial_proofread,
        testimonial_version,
        testimonial_write,
    )
    from courses.models import CoursePage
    from portal.accounts.models import User

    lines: list[str] = []
    _ensure_page(lines)
    _ensure_block(lines)
    staff = User.objects.filter(email=staff_email).first()
    if staff is None:
        return lines
    invited = testimonial_invite_eligible()  # e.g. the learner who rated a course 10
    if invited:
        lines.append(f"{invited} member(s) invited to write a testimonial.")
    Status = Testimonial.Status
    now = timezone.now()
    for email, slug, text, edit, note, rating, title, approve, days in SPECS:
        member = User.objects.filter(email=email).first()
        course = CoursePage.objects.live().filter(slug=slug).first() if slug else None
        if member is None or (slug and course is None):
            continue
        testimonial = _testimonial_for(member, course)
        if testimonial.status == Status.INVITED:
            testimonial = testimonial_write(
                member=member, testimonial=testimonial, text=text, rating=rating, author_title=title
            )
        proofread = testimonial.status == Status.SUBMITTED
        if proofread:
            testimonial = testimonial_proofread(
                staff=staff,
                testimonial=testimonial,
                edited_text=edit or text,
                staff_note=note,
                version=testimonial_version(testimonial),
            )
        if approve and testimonial.status == Status.AWAITING_AUTHOR:
            testimonial = testimonial_approve(
                member=member, testimonial=testimonial, version=testimonial_version(testimonial)
            )
            # Spread the demo's dates over the past weeks (the services stamp "now").
            when = now - timedelta(days=days)
            Testimonial.objects.filter(pk=testimonial.pk).update(
                invited_at=when - timedelta(days=3),
                submitted_at=when - timedelta(days=2),
                edited_at=when - timedelta(days=1),
                approved_at=when,
                published_at=when,
            )
            lines.append(f"Testimonial by {member.public_name} published.")
        elif proofread:
            lines.append(f"Testimonial by {member.public_name} waits for its author's approval.")
    return lines
