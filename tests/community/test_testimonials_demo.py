"""The demo seed's testimonials: the testimonials page, the home block, three published
testimonials and one waiting for its author, made through the services; seeded once."""

from http import HTTPStatus

from django.test import Client

import pytest

from community import models
from portal.demo import (
    SeedContext,
    seed_courses,
    seed_feedback,
    seed_members,
    seed_site,
    seed_testimonials,
)
from portal.models import HomePage
from tests.factories.accounts import make_member

pytestmark = pytest.mark.django_db

Status = models.Testimonial.Status


def test_the_demo_testimonials_are_seeded_once(tenant_a, member_factory, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    member_factory(tenant_a, email="staff@demo.localhost", staff=True)
    ctx = SeedContext(organization=tenant_a.organization, domain=tenant_a.domain, created=False)
    with tenant_a.activate():
        for step in (seed_site, seed_members, seed_courses, seed_feedback):
            step(ctx)
        for email, name in [("jonas@demo.localhost", "Jonas"), ("sofia@demo.localhost", "Sofía")]:
            make_member(email=email, display_name=name)
        seed_testimonials(ctx)
        lines = len(ctx.lines)
        rows = list(models.Testimonial.objects.values_list("pk", "status", "approved_text"))
        seed_testimonials(ctx)
        assert len(ctx.lines) == lines  # nothing new the second time
        assert list(models.Testimonial.objects.values_list("pk", "status", "approved_text")) == rows

        published = models.Testimonial.objects.filter(status=Status.PUBLISHED)
        assert published.count() == 3
        waiting = models.Testimonial.objects.get(status=Status.AWAITING_AUTHOR)
        assert waiting.author.email == "jonas@demo.localhost" and waiting.staff_note
        amara = published.get(author__email="learner1@demo.localhost")
        assert amara.source == models.Testimonial.Source.COURSE_RATING  # she rated it 10
        assert amara.approved_text != amara.original_text  # proofread, then approved
        assert models.TestimonialsPage.objects.live().count() == 1
        kinds = [block.block_type for block in HomePage.objects.get().body]
        assert kinds.count("testimonials") == 1
        assert kinds.index("testimonials") == kinds.index("latest_announcements") + 1
    client = Client(HTTP_HOST=tenant_a.domain)
    page = client.get("/testimonials/")
    assert page.status_code == HTTPStatus.OK
    assert page.content.decode().count('itemtype="https://schema.org/Review"') == 3
    assert client.get("/").content.decode().count('itemtype="https://schema.org/Review"') == 3
