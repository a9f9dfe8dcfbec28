"""``manage.py seed_demo``: a complete demo portal, and running it twice changes nothing."""

from io import StringIO

from django.core.management import call_command
from django.db import connection

from wagtail.documents import get_document_model

import pytest
from allauth.account.models import EmailAddress
from django_tenants.utils import schema_context
from wagtailmedia import get_media_model

from certification.models import BadgeAward
from community.models import Giveaway, Idea, Question, Testimonial
from portal import demo
from portal.accounts.models import User
from portal.models import AnnouncementPage, HomePage, IncidentUpdate
from portal.models.surveys import SurveyPage
from portal.tenants.models import Organization
from portal.tenants.services import portal_delete


def _counts() -> dict:
    with schema_context(Organization.objects.get(slug=demo.SLUG).schema_name):
        home = HomePage.objects.get()
        return {
            "users": User.objects.count(),
            "verified": EmailAddress.objects.filter(verified=True).count(),
            "posts": AnnouncementPage.objects.live().count(),
            "updates": IncidentUpdate.objects.count(),
            "home_revision": home.latest_revision_id,
            "password": User.objects.get(email=demo.STAFF_EMAIL).password,
            "documents": get_document_model().objects.count(),
            "media": get_media_model().objects.count(),
            "questions": Question.objects.count(),
            "badge_awards": BadgeAward.objects.count(),
            "ideas": Idea.objects.count(),
            "testimonials": Testimonial.objects.count(),
            "giveaways": Giveaway.objects.count(),
        }


def _advocacy() -> dict:
    """What issue 6 asks of the demo, read back from the demo portal."""
    with schema_context(Organization.objects.get(slug=demo.SLUG).schema_name):
        statuses = set(
            Idea.objects.filter(merged_into__isnull=True).values_list("status", flat=True)
        )
        testimonials = Testimonial.objects.values_list("status", flat=True)
        drawn = Giveaway.objects.filter(drawn_at__isnull=False).exclude(seed="")
        return {
            "statuses": statuses,
            "declined_explained": Idea.objects.filter(status="declined")
            .exclude(explanation_md="")
            .exists(),
            "merged": Idea.objects.filter(merged_into__isnull=False).count(),
            "published": list(testimonials).count("published"),
            "awaiting_author": list(testimonials).count("awaiting_author"),
            "drawn_with_winners": drawn.filter(winners__isnull=False).distinct().count(),
            "survey_responses": max(
                (page.get_submission_class().objects.filter(page=page).count())
                for page in SurveyPage.objects.all()
            ),
        }


@pytest.mark.django_db(transaction=True)
def test_seed_demo_builds_the_demo_portal_and_is_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    out = StringIO()
    try:
        call_command("seed_demo", stdout=out)
        first = _counts()
        call_command("seed_demo", stdout=StringIO())
        assert _counts() == first
        # staff, three learners, the two community members of the community seed, two members
        # referred by learner1, 30 survey respondents and the dashboard's 12-member cohort
        assert first["users"] == 50 and first["verified"] == 50 and first["posts"] == 3
        # learner2: MVP and Expert; learner1: Member of the month (and the cohort's none)
        assert first["questions"] >= 40 and first["badge_awards"] == 3
        advocacy = _advocacy()
        assert advocacy["statuses"] == {
            "new",
            "under_review",
            "planned",
            "in_progress",
            "done",
            "declined",
        }
        assert advocacy["declined_explained"] and advocacy["merged"] >= 1
        assert advocacy["published"] == 3 and advocacy["awaiting_author"] >= 1
        assert advocacy["drawn_with_winners"] >= 1 and advocacy["survey_responses"] >= 30
        assert first["documents"] == 4  # en and fr captions of the two demo videos
        assert first["media"] == 2  # the two demo videos (wagtailmedia)
        with schema_context("demo"):
            staff = User.objects.get(email=demo.STAFF_EMAIL)
            assert staff.check_password(demo.STAFF_PASSWORD) and staff.is_staff
            assert User.objects.get(email="learner2@demo.localhost").country.code == "DE"
            incident = AnnouncementPage.objects.get(kind="incident")
            statuses = list(incident.updates.order_by("posted_at").values_list("status", flat=True))
            assert statuses == ["investigating", "identified", "monitoring", "resolved"]
            home = HomePage.objects.get()
            assert {block.block_type for block in home.body} >= {
                "hero",
                "features",
                "latest_announcements",
            }
        text = out.getvalue()
        assert "http://demo.localhost" in text and demo.LEARNER_PASSWORD in text
    finally:
        connection.set_schema_to_public()
        if Organization.objects.filter(slug=demo.SLUG).exists():
            portal_delete(slug=demo.SLUG)
