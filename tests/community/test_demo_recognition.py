"""The demo seed's recognition step: the wall of thanks, two compliments, "Member of the month"
and a finished giveaway with its seed and winners; seeded once, checkable like any draw."""

import pytest

from certification.models import BadgeAward
from community.demo_recognition import seed
from community.giveaway_services import draw_winners, entries_digest
from community.models import Giveaway, Thanks
from portal.demo import (
    LEARNER_PASSWORD,
    SeedContext,
    seed_badges,
    seed_certifications,
    seed_community,
    seed_courses,
    seed_exams,
    seed_members,
)

pytestmark = pytest.mark.django_db


def test_the_demo_recognition_is_seeded_once(client_a, tenant_a, member_factory):
    member_factory(tenant_a, email="staff@demo.localhost", staff=True)
    ctx = SeedContext(organization=tenant_a.organization, domain=tenant_a.domain, created=False)
    with tenant_a.activate():
        steps = (seed_members, seed_courses, seed_exams, seed_certifications, seed_badges)
        for step in (*steps, seed_community):
            step(ctx)
        lines = seed(staff_email="staff@demo.localhost", password=LEARNER_PASSWORD)
        assert len(lines) == 4, lines
        counts = (Thanks.objects.count(), BadgeAward.objects.count(), Giveaway.objects.count())
        assert seed(staff_email="staff@demo.localhost", password=LEARNER_PASSWORD) == []
        assert (
            Thanks.objects.count(),
            BadgeAward.objects.count(),
            Giveaway.objects.count(),
        ) == counts

        thanks = Thanks.objects.filter(kind=Thanks.Kind.THANKS)
        assert thanks.filter(answer__isnull=False).count() == 3
        assert thanks.filter(session__isnull=False).count() == 2
        assert thanks.filter(answer__isnull=True, session__isnull=True).count() == 1
        assert Thanks.objects.filter(kind=Thanks.Kind.COMPLIMENT).count() == 2
        award = BadgeAward.objects.get(badge__kind="recognition")
        assert award.member.email == "learner1@demo.localhost"
        assert award.badge.name == "Member of the month"

        giveaway = Giveaway.objects.get()
        assert giveaway.drawn_at and len(giveaway.seed) == 64
        assert giveaway.ends_at < giveaway.drawn_at
        entries = list(giveaway.entries.order_by("position").values_list("position", "member_id"))
        assert len(entries) >= 4
        assert entries_digest(entries) == giveaway.entries_digest
        winners = list(giveaway.winners.order_by("rank").values_list("member_id", flat=True))
        positions = draw_winners(seed=giveaway.seed, entry_count=len(entries), winner_count=2)
        assert winners == [dict(entries)[p] for p in positions]

    wall = client_a.get("/community/thanks/").text
    assert "Member of the month" in wall and "Maria, platform lead in Lisbon" in wall
    page = client_a.get(f"/community/giveaways/{giveaway.pk}/").text
    assert giveaway.seed in page and "Winners drawn" in page
