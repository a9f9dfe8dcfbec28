"""The demo seed's community: 40+ questions answered by the certified MVP and staff, unanswered
ones, open flags, the MVP's Expert badge earned through accepted answers; seeded once."""

import time
from datetime import timedelta

from django.utils import timezone

import pytest

from certification import api as certification_api
from certification.models import BadgeAward
from community.models import Answer, Flag, Question, Tag
from portal.demo import (
    SeedContext,
    seed_badges,
    seed_certifications,
    seed_community,
    seed_courses,
    seed_exams,
    seed_members,
)

pytestmark = pytest.mark.django_db

SEED_SECONDS = 20


def test_the_demo_community_is_seeded_once(tenant_a, member_factory):
    member_factory(tenant_a, email="staff@demo.localhost", staff=True)
    ctx = SeedContext(organization=tenant_a.organization, domain=tenant_a.domain, created=False)
    with tenant_a.activate():
        for step in (seed_members, seed_courses, seed_exams, seed_certifications, seed_badges):
            step(ctx)
        started = time.perf_counter()
        seed_community(ctx)
        seconds = time.perf_counter() - started
        print(f"seed_community took {seconds:.1f} s")  # noqa: T201 - the measured number
        lines = len(ctx.lines)
        counts = (Question.objects.count(), Answer.objects.count(), Flag.objects.count())
        seed_community(ctx)
        assert len(ctx.lines) == lines  # nothing new the second time
        assert (Question.objects.count(), Answer.objects.count(), Flag.objects.count()) == counts

        assert seconds < SEED_SECONDS
        assert Question.objects.count() >= 40
        assert Question.objects.filter(answer_count=0).count() >= 8
        assert Question.objects.filter(accepted_answer__isnull=False).count() >= 10
        assert Flag.objects.filter(status=Flag.Status.OPEN).count() == 3
        authors = set(Answer.objects.values_list("author__email", flat=True))
        assert authors == {"learner2@demo.localhost", "staff@demo.localhost"}
        lukas = Answer.objects.filter(author__email="learner2@demo.localhost").first().author
        kinds = {
            c.kind for c in certification_api.member_badges_summary(member_ids=[lukas.pk])[lukas.pk]
        }
        assert {"certification", "mvp"} <= kinds  # answered by a certified member and the MVP
        expert = BadgeAward.objects.filter(member=lukas, badge__kind="expert")
        assert expert.count() == 1
        assert (
            Question.objects.filter(accepted_answer__author=lukas, tags__slug="deployment").count()
            >= 3
        )
        tags = {tag.slug: tag for tag in Tag.objects.prefetch_related("certifications")}
        assert {"deployment", "networking", "observability", "billing", "security", "cli"} <= set(
            tags
        )
        assert tags["deployment"].course.slug == "getting-started"
        assert tags["networking"].course.slug == "production-networking"
        assert all(
            [c.slug for c in tag.certifications.all()] == ["cloud-practitioner"]
            for tag in tags.values()
        )
        # Moved into the past, so the demo's new accounts can still post now (hourly limit).
        an_hour_ago = timezone.now() - timedelta(hours=1)
        assert not Question.objects.filter(created_at__gte=an_hour_ago).exists()
