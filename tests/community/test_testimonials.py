"""Testimonial services: invitations (one open per member, source and course; the automatic
ones once ever), the author's text, the staff's proofreading, the author's approval of exactly
the text shown (a stale approval refused), withdrawal, declining, and who may do what."""

from io import StringIO

from django.core import mail
from django.core.management import call_command

import pytest

from community import models
from community import testimonial_services as services
from community.models import Notification, Thanks
from community.testimonial_selectors import latest_published, text_diff
from courses.models import CourseFeedback
from tests.factories.accounts import make_member
from tests.factories.courses import make_course
from tests.factories.testimonials import (
    EDITED,
    TEXT,
    awaiting,
    invited,
    make_testimonial_staff,
    published,
    thank_the_team,
    written,
)

pytestmark = pytest.mark.django_db

Status = models.Testimonial.Status
Source = models.Testimonial.Source


@pytest.fixture
def people(tenant_a, member_factory):
    found = {
        "author": member_factory(tenant_a, display_name="Amara Author"),
        "other": member_factory(tenant_a, display_name="Otto Other"),
    }
    with tenant_a.activate():
        found["staff"] = make_testimonial_staff(display_name="Sam Staff")
    return found


def _feedback(*, member, course, recommend: int) -> CourseFeedback:
    return CourseFeedback.objects.create(
        member=member,
        course=course,
        content_rating=5,
        instructor_rating=5,
        pace_rating=4,
        recommend=recommend,
    )


# Invitations ------------------------------------------------------------------------------


def test_an_invitation_is_made_once_while_open_and_the_member_is_told(tenant_a, people):
    with tenant_a.activate():
        course = make_course(title="Getting started")
        first, created = services.testimonial_invite(
            member=people["author"], source=Source.STAFF, course=course, actor=people["staff"]
        )
        again, created_again = services.testimonial_invite(
            member=people["author"], source=Source.STAFF, course=course
        )
        assert created and not created_again and again.pk == first.pk
        assert first.status == Status.INVITED
        note = Notification.objects.get(member=people["author"], kind=Notification.Kind.TESTIMONIAL)
        assert note.url == f"/community/testimonials/{first.pk}/write/"
        assert "Getting started" in note.text
        # Another course, or no course, is another invitation.
        other, created_other = services.testimonial_invite(
            member=people["author"], source=Source.STAFF
        )
        assert created_other and other.pk != first.pk
        # Once closed, staff may invite again.
        services.testimonial_withdraw(member=people["author"], testimonial=first)
        _, created_after = services.testimonial_invite(
            member=people["author"], source=Source.STAFF, course=course
        )
        assert created_after


def test_the_invitation_email_links_to_the_write_page_and_promises_approval(
    tenant_a, people, django_capture_on_commit_callbacks
):
    with tenant_a.activate(), django_capture_on_commit_callbacks(execute=True):
        testimonial = invited(member=people["author"])
    (message,) = [m for m in mail.outbox if people["author"].email in m.to]
    assert f"/community/testimonials/{testimonial.pk}/write/" in message.body
    assert "Nothing is published without your approval" in message.body
    assert "Amara Author" in message.body


@pytest.mark.parametrize(
    ("source", "with_course", "message"),
    [(Source.COURSE_RATING, False, "Name the course"), (Source.THANKS, True, "not about a course")],
)
def test_a_source_that_does_not_fit_the_course_is_refused(
    tenant_a, people, source, with_course, message
):
    with tenant_a.activate():
        course = make_course(title="Networking") if with_course else None
        with pytest.raises(services.TestimonialError, match=message):
            services.testimonial_invite(member=people["author"], source=source, course=course)
        assert not models.Testimonial.objects.exists()


def test_members_who_rated_a_course_9_or_10_or_thanked_the_team_are_invited_once(
    tenant_a, people, member_factory
):
    with tenant_a.activate():
        course = make_course(title="Observability")
        other_course = make_course(title="Networking")
        promoter = people["author"]
        passive = people["other"]
        thanker = make_member(email="thanker@a.localhost")
        helper = make_member(email="helper@a.localhost")
        hidden_thanker = make_member(email="hidden@a.localhost")
        staff_fan = make_member(email="fan@a.localhost", staff=True)
        _feedback(member=promoter, course=course, recommend=10)
        _feedback(member=promoter, course=other_course, recommend=9)
        _feedback(member=passive, course=course, recommend=8)
        _feedback(member=staff_fan, course=course, recommend=10)
        thank_the_team(author=thanker)
        thank_the_team(author=thanker, message="And again!")
        thank_the_team(author=passive, recipient=helper)  # thanks to one member: not the team
        from django.utils import timezone

        thank_the_team(author=hidden_thanker, hidden_at=timezone.now())
        assert services.testimonial_invite_eligible() == 3
        rows = set(
            models.Testimonial.objects.values_list("author__email", "source", "course__title")
        )
        assert rows == {
            (promoter.email, Source.COURSE_RATING, "Observability"),
            (promoter.email, Source.COURSE_RATING, "Networking"),
            (thanker.email, Source.THANKS, None),
        }
        # Never twice for the same reason, even after declining the invitation.
        services.testimonial_withdraw(
            member=thanker, testimonial=models.Testimonial.objects.get(author=thanker)
        )
        assert services.testimonial_invite_eligible() == 0
        call_command("invite_testimonials", schema=tenant_a.schema, stdout=StringIO())
        assert models.Testimonial.objects.count() == 3


def test_the_direct_calls_invite_after_feedback_and_thanks_once(tenant_a, people):
    with tenant_a.activate():
        course = make_course(title="Observability")
        low = _feedback(member=people["other"], course=course, recommend=7)
        assert services.testimonial_invite_after_feedback(feedback=low) is None
        high = _feedback(member=people["author"], course=course, recommend=9)
        made = services.testimonial_invite_after_feedback(feedback=high)
        assert made is not None and made.source == Source.COURSE_RATING and made.course == course
        assert services.testimonial_invite_after_feedback(feedback=high) is None
        thanks = thank_the_team(author=people["other"])
        assert services.testimonial_invite_after_thanks(thanks=thanks).source == Source.THANKS
        assert services.testimonial_invite_after_thanks(thanks=thanks) is None
        compliment = thank_the_team(author=people["staff"], kind=Thanks.Kind.COMPLIMENT)
        assert services.testimonial_invite_after_thanks(thanks=compliment) is None
        assert services.testimonial_invite_eligible() == 0


# The author writes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "Too short"}, services.TEXT_TOO_SHORT),
        ({"text": "   " + "x" * 10 + "   "}, services.TEXT_TOO_SHORT),
        ({"text": "x" * 2001}, services.TEXT_TOO_LONG),
        ({"text": TEXT, "rating": 6}, services.RATING_INVALID),
        ({"text": TEXT, "rating": 0}, services.RATING_INVALID),
        ({"text": TEXT, "author_title": "CTO\nEvil line"}, services.TITLE_ONE_LINE),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(tenant_a, people, fields, message):
    with tenant_a.activate():
        testimonial = invited(member=people["author"])
        with pytest.raises(services.TestimonialError) as refused:
            services.testimonial_write(member=people["author"], testimonial=testimonial, **fields)
        assert str(refused.value) == message
        testimonial.refresh_from_db()
        assert testimonial.status == Status.INVITED and testimonial.original_text == ""


def test_writing_sends_it_to_staff_and_rewriting_replaces_the_staff_edit(tenant_a, people):
    with tenant_a.activate():
        testimonial = written(member=people["author"], text=f"  {TEXT}\r\n", title=" Engineer ")
        assert testimonial.status == Status.SUBMITTED
        assert testimonial.original_text == TEXT and testimonial.author_title == "Engineer"
        assert testimonial.submitted_at is not None
        edited = services.testimonial_proofread(
            staff=people["staff"],
            testimonial=testimonial,
            edited_text=EDITED,
            staff_note="Shorter.",
            version=services.testimonial_version(testimonial),
        )
        rewritten = services.testimonial_write(
            member=people["author"], testimonial=edited, text=TEXT + " Really.", rating=None
        )
        assert rewritten.status == Status.SUBMITTED
        assert rewritten.edited_text == "" and rewritten.staff_note == ""
        assert rewritten.rating is None


def test_a_published_withdrawn_or_declined_testimonial_cannot_be_rewritten(tenant_a, people):
    with tenant_a.activate():
        done = published(member=people["author"], staff=people["staff"])
        with pytest.raises(services.TestimonialError, match="withdraw it first"):
            services.testimonial_write(member=people["author"], testimonial=done, text=TEXT)
        services.testimonial_withdraw(member=people["author"], testimonial=done)
        with pytest.raises(services.TestimonialError) as refused:
            services.testimonial_write(member=people["author"], testimonial=done, text=TEXT)
        assert str(refused.value) == services.NOT_WRITABLE[Status.WITHDRAWN]


# Staff proofread, the author approves -----------------------------------------------------


def test_the_author_approves_exactly_the_staff_version_and_only_then_is_it_published(
    tenant_a, people
):
    with tenant_a.activate():
        testimonial = awaiting(member=people["author"], staff=people["staff"])
        assert testimonial.status == Status.AWAITING_AUTHOR
        assert testimonial.edited_by == people["staff"] and testimonial.edited_at is not None
        assert latest_published() == []  # staff's edit alone publishes nothing
        note = Notification.objects.filter(member=people["author"]).latest("pk")
        assert note.url == f"/community/testimonials/{testimonial.pk}/"
        done = services.testimonial_approve(
            member=people["author"],
            testimonial=testimonial,
            version=services.testimonial_version(testimonial),
        )
        assert done.status == Status.PUBLISHED
        assert done.approved_text == EDITED and done.approved_at == done.published_at
        assert [card.text for card in latest_published()] == [EDITED]


def test_staff_may_send_the_text_unedited_and_the_author_still_approves(tenant_a, people):
    with tenant_a.activate():
        testimonial = written(member=people["author"])
        sent = services.testimonial_proofread(
            staff=people["staff"],
            testimonial=testimonial,
            edited_text=testimonial.original_text,
            version=services.testimonial_version(testimonial),
        )
        assert (
            sent.status == Status.AWAITING_AUTHOR and not text_diff(TEXT, sent.edited_text).changed
        )
        assert latest_published() == []
        services.testimonial_approve(
            member=people["author"], testimonial=sent, version=services.testimonial_version(sent)
        )
        assert [card.text for card in latest_published()] == [TEXT]


def test_an_approval_of_a_text_staff_changed_since_is_refused(tenant_a, people):
    with tenant_a.activate():
        testimonial = awaiting(member=people["author"], staff=people["staff"])
        seen = services.testimonial_version(testimonial)
        services.testimonial_proofread(
            staff=people["staff"],
            testimonial=testimonial,
            edited_text=EDITED + " Second edit.",
            staff_note="Again.",
            version=seen,
        )
        with pytest.raises(services.TestimonialError) as refused:
            services.testimonial_approve(
                member=people["author"], testimonial=testimonial, version=seen
            )
        assert str(refused.value) == services.STALE
        testimonial.refresh_from_db()
        assert testimonial.status == Status.AWAITING_AUTHOR and testimonial.approved_at is None


def test_a_staff_edit_of_a_text_the_author_changed_since_is_refused(tenant_a, people):
    with tenant_a.activate():
        testimonial = written(member=people["author"])
        seen = services.testimonial_version(testimonial)
        services.testimonial_write(
            member=people["author"], testimonial=testimonial, text=TEXT + " More."
        )
        with pytest.raises(services.TestimonialError) as refused:
            services.testimonial_proofread(
                staff=people["staff"], testimonial=testimonial, edited_text=EDITED, version=seen
            )
        assert str(refused.value) == services.STAFF_STALE


def test_proofreading_rules(tenant_a, people):
    with tenant_a.activate():
        fresh = invited(member=people["author"])
        with pytest.raises(services.TestimonialError) as refused:
            services.testimonial_proofread(
                staff=people["staff"],
                testimonial=fresh,
                edited_text=EDITED,
                version=services.testimonial_version(fresh),
            )
        assert str(refused.value) == services.NOT_PROOFREADABLE
        waiting = awaiting(member=people["other"], staff=people["staff"], note="Tightened.")
        with pytest.raises(services.TestimonialError) as refused:
            services.testimonial_proofread(
                staff=people["staff"],
                testimonial=waiting,
                edited_text=EDITED,
                staff_note="Tightened.",
                version=services.testimonial_version(waiting),
            )
        assert str(refused.value) == services.NOTHING_CHANGED
        with pytest.raises(services.TestimonialError) as refused:
            services.testimonial_proofread(
                staff=people["staff"],
                testimonial=waiting,
                edited_text="short",
                version=services.testimonial_version(waiting),
            )
        assert str(refused.value) == services.EDIT_TOO_SHORT


def test_approving_twice_or_when_nothing_waits_is_refused(tenant_a, people):
    with tenant_a.activate():
        testimonial = written(member=people["author"])
        with pytest.raises(services.TestimonialError) as refused:
            services.testimonial_approve(
                member=people["author"],
                testimonial=testimonial,
                version=services.testimonial_version(testimonial),
            )
        assert str(refused.value) == services.NOT_AWAITING


# Withdraw and decline ---------------------------------------------------------------------


def test_withdrawing_unpublishes_at_once_and_is_final(tenant_a, people):
    with tenant_a.activate():
        done = published(member=people["author"], staff=people["staff"])
        assert len(latest_published()) == 1
        gone = services.testimonial_withdraw(member=people["author"], testimonial=done)
        assert gone.status == Status.WITHDRAWN and gone.withdrawn_at is not None
        assert latest_published() == []
        with pytest.raises(services.TestimonialError) as refused:
            services.testimonial_withdraw(member=people["author"], testimonial=done)
        assert str(refused.value) == services.NOT_WITHDRAWABLE


def test_staff_decline_with_a_reason_the_author_reads(tenant_a, people):
    with tenant_a.activate():
        testimonial = written(member=people["author"])
        with pytest.raises(services.TestimonialError) as refused:
            services.testimonial_decline(
                staff=people["staff"], testimonial=testimonial, reason="  "
            )
        assert str(refused.value) == services.REASON_REQUIRED
        declined = services.testimonial_decline(
            staff=people["staff"], testimonial=testimonial, reason="It names a competitor."
        )
        assert (
            declined.status == Status.DECLINED and declined.staff_note == "It names a competitor."
        )
        note = Notification.objects.filter(member=people["author"]).latest("pk")
        assert note.text == "Your testimonial will not be published"
        # Staff may unpublish a published one the same way.
        done = published(member=people["other"], staff=people["staff"])
        services.testimonial_decline(
            staff=people["staff"], testimonial=done, reason="Product retired."
        )
        assert latest_published() == []


def test_members_and_staff_without_the_permission_cannot_act_as_staff(tenant_a, people):
    with tenant_a.activate():
        plain_staff = make_testimonial_staff(manage=False)
        testimonial = written(member=people["author"])
        for actor in (people["other"], people["author"], plain_staff):
            with pytest.raises(services.TestimonialError) as refused:
                services.testimonial_proofread(
                    staff=actor,
                    testimonial=testimonial,
                    edited_text=EDITED,
                    version=services.testimonial_version(testimonial),
                )
            assert str(refused.value) == services.NOT_ALLOWED
            with pytest.raises(services.TestimonialError):
                services.testimonial_decline(staff=actor, testimonial=testimonial, reason="No.")
        testimonial.refresh_from_db()
        assert testimonial.status == Status.SUBMITTED


def test_only_the_author_can_approve_or_withdraw(tenant_a, people):
    with tenant_a.activate():
        testimonial = awaiting(member=people["author"], staff=people["staff"])
        with pytest.raises(models.Testimonial.DoesNotExist):
            services.testimonial_approve(
                member=people["other"],
                testimonial=testimonial,
                version=services.testimonial_version(testimonial),
            )
        with pytest.raises(models.Testimonial.DoesNotExist):
            services.testimonial_withdraw(member=people["staff"], testimonial=testimonial)


# The difference in words ------------------------------------------------------------------


def test_the_diff_is_word_level_and_lists_each_change_in_words():
    diff = text_diff("The course was very good and short.", "The course was good and concise.")
    kinds = [(segment.kind, segment.text) for segment in diff.segments]
    assert ("removed", "very ") in kinds or ("removed", "very") in kinds
    assert ("added", "concise.") in kinds
    assert [(c.kind, c.removed, c.added) for c in diff.changes] == [
        ("removed", "very", ""),
        ("replaced", "short.", "concise."),
    ]
    assert "".join(s.text for s in diff.segments if s.kind != "added") == (
        "The course was very good and short."
    )
    assert "".join(s.text for s in diff.segments if s.kind != "removed") == (
        "The course was good and concise."
    )
    assert not text_diff("Same text here.", "Same text here.").changed


def test_the_invitation_prompt_shows_an_open_invitation_only(tenant_a, people):
    from django.template.loader import render_to_string

    from community.testimonial_selectors import open_invitation

    template = "community/testimonials/includes/invitation_prompt.html"
    with tenant_a.activate():
        course = make_course(title="Observability <b>", lessons=0)
        assert open_invitation(member=people["author"], course_id=course.pk) is None
        assert render_to_string(template, {"testimonial": None}).strip() == ""
        testimonial = invited(member=people["author"], course=course)
        found = open_invitation(member=people["author"], course_id=course.pk)
        assert found == testimonial
        html = render_to_string(template, {"testimonial": found})
        assert f"/community/testimonials/{testimonial.pk}/write/" in html
        assert "Observability &lt;b&gt;" in html
        services.testimonial_withdraw(member=people["author"], testimonial=testimonial)
        assert open_invitation(member=people["author"]) is None
