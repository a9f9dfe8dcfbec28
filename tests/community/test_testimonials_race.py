"""Testimonials under real concurrency (threads with their own connections, released together):
an approval racing a withdrawal or a staff edit, and two invitations at once, always end in one
consistent state; whichever loses is refused with a message, never half-applied."""

from functools import partial

import pytest

from community import models
from community import testimonial_services as services
from tests.concurrency import race
from tests.factories.accounts import make_member
from tests.factories.testimonials import EDITED, awaiting, make_testimonial_staff, thank_the_team

pytestmark = pytest.mark.django_db(transaction=True)

Status = models.Testimonial.Status
ROUNDS = 4
SECOND_EDIT = "A second version from staff, written while the author was approving."


def _people(tenant):
    with tenant.activate():
        staff = make_testimonial_staff(email="staff@example.com")
        authors = [make_member(email=f"author{n}@example.com") for n in range(ROUNDS)]
    return staff, authors


def _only_refusals(errors: list[BaseException]) -> None:
    assert all(isinstance(error, services.TestimonialError) for error in errors), errors


def test_approve_and_withdraw_at_once_end_withdrawn(fresh_tenant):
    tenant = fresh_tenant()
    staff, authors = _people(tenant)
    for author in authors:
        with tenant.activate():
            testimonial = awaiting(member=author, staff=staff)
            version = services.testimonial_version(testimonial)
        errors = race(
            tenant,
            [
                partial(
                    services.testimonial_approve,
                    member=author,
                    testimonial=testimonial,
                    version=version,
                ),
                partial(services.testimonial_withdraw, member=author, testimonial=testimonial),
            ],
        )
        _only_refusals(errors)
        assert len(errors) <= 1
        with tenant.activate():
            testimonial.refresh_from_db()
            assert testimonial.status == Status.WITHDRAWN
            assert not models.Testimonial.objects.filter(status=Status.PUBLISHED).exists()


def test_approve_and_a_staff_edit_at_once_publish_only_what_the_author_read(fresh_tenant):
    tenant = fresh_tenant()
    staff, authors = _people(tenant)
    outcomes = set()
    for author in authors:
        with tenant.activate():
            testimonial = awaiting(member=author, staff=staff)
            version = services.testimonial_version(testimonial)
        errors = race(
            tenant,
            [
                partial(
                    services.testimonial_approve,
                    member=author,
                    testimonial=testimonial,
                    version=version,
                ),
                partial(
                    services.testimonial_proofread,
                    staff=staff,
                    testimonial=testimonial,
                    edited_text=SECOND_EDIT,
                    version=version,
                ),
            ],
        )
        _only_refusals(errors)
        assert len(errors) == 1  # exactly one of them wins
        with tenant.activate():
            testimonial.refresh_from_db()
        if testimonial.status == Status.PUBLISHED:
            assert testimonial.approved_text == EDITED == testimonial.edited_text
        else:
            assert testimonial.status == Status.AWAITING_AUTHOR
            assert testimonial.edited_text == SECOND_EDIT
            assert testimonial.approved_at is None and testimonial.approved_text == ""
            assert str(errors[0]) == services.STALE
        outcomes.add(testimonial.status)
    print(f"outcomes over {ROUNDS} rounds: {sorted(outcomes)}")  # noqa: T201


def test_the_sweep_and_the_direct_call_at_once_invite_once(fresh_tenant):
    tenant = fresh_tenant()
    with tenant.activate():
        members = [make_member(email=f"thanker{n}@example.com") for n in range(ROUNDS)]
        thanks = [thank_the_team(author=member) for member in members]
    calls = [services.testimonial_invite_eligible]
    calls += [partial(services.testimonial_invite_after_thanks, thanks=t) for t in thanks]
    errors = race(tenant, calls)
    assert errors == []
    with tenant.activate():
        for member in members:
            assert models.Testimonial.objects.filter(author=member).count() == 1
