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
from community.models import Question
from portal import demo
from portal.accounts.models import User
from portal.models import AnnouncementPage, HomePage, IncidentUpdate
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
        # staff, three learners, and the two community members of the community seed
        assert first["users"] == 6 and first["verified"] == 6 and first["posts"] == 3
        assert first["questions"] >= 40 and first["badge_awards"] == 2  # learner2: MVP, Expert
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
