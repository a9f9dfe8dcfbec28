"""The demo step for referrals, staff notes and interests: what it makes, made through the real
services, and running it again changes nothing."""

import pytest

from community.interest_selectors import interests_of
from community.models import MemberInterests, Tag
from portal.accounts import demo_referrals
from portal.accounts.models import MemberNote, MemberNoteChange, Referral, User
from tests.factories.accounts import make_member

pytestmark = pytest.mark.django_db


def test_the_demo_step_makes_referrals_notes_and_interests_once(tenant_a):
    with tenant_a.activate():
        staff = make_member(email="staff@demo.localhost", staff=True)
        for number in (1, 2, 3):
            make_member(email=f"learner{number}@demo.localhost")
        for slug in ("deployment", "observability", "security", "networking", "cli"):
            Tag.objects.create(name=slug, slug=slug)

        lines = demo_referrals.seed(staff_email=staff.email, password="demo-pass-123")
        again = demo_referrals.seed(staff_email=staff.email, password="demo-pass-123")

        assert lines and again == []
        learner1 = User.objects.get(email="learner1@demo.localhost")
        referred = Referral.objects.filter(referrer=learner1).order_by("created_at")
        assert [r.referred.email for r in referred] == [
            "priya@demo.localhost",
            "tomas@demo.localhost",
        ]
        for referral in referred:
            assert referral.created_at == referral.referred.date_joined
            assert referral.referred.check_password("demo-pass-123")
        notes = MemberNote.objects.filter(member__email="learner3@demo.localhost")
        assert notes.count() == 2
        actions = sorted(MemberNoteChange.objects.values_list("action", flat=True))
        assert actions == ["created", "created", "edited"]
        assert MemberInterests.objects.count() == 3
        assert len(interests_of(member=learner1).tag_ids) == 3
