"""The demo portal's service dashboard: eight weeks of data on every chart the cohort feeds,
and running the step again changes nothing."""

from io import StringIO

from django.core.management import call_command
from django.db import connection

import pytest
from django_tenants.utils import schema_context

from portal import demo
from portal.accounts.models import User
from portal.dashboard import demo as dashboard_demo
from portal.dashboard.periods import dashboard_span
from portal.dashboard.selectors import dashboard
from portal.tenants.services import portal_delete

#: Per measure, a column and in how many of the 7 complete weeks before this one (which may
#: have just begun) it must be above zero; the cohort joins every 4.6 days.
WEEKS_WITH_DATA = {
    "community": ("questions", 7),
    "learning": ("enrolments", 7),
    "exams": ("attempts", 4),
    "certifications": ("valid", 7),
    "nps": ("responses", 5),
    "referrals": ("referrals", 4),
    "ideas": ("submitted", 4),
    "testimonials": ("waiting_staff", 2),
}


@pytest.mark.django_db(transaction=True)
def test_the_demo_dashboard_has_eight_weeks_of_data(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    try:
        call_command("seed_demo", stdout=StringIO())
        with schema_context(demo.SLUG):
            users = User.objects.count()
            sections = {s.key: s for s in dashboard(span=dashboard_span(weeks=8))}
            for key, (column, weeks) in WEEKS_WITH_DATA.items():
                complete = sections[key].rows[:-1]
                filled = sum(1 for row in complete if row[column])
                assert filled >= weeks, (key, [row[column] for row in complete])
            hours = {row["median_hours"] for row in sections["community"].rows} - {None}
            assert len(hours) > 1  # answered at various delays
            again = dashboard_demo.seed(staff_email=demo.STAFF_EMAIL, password="x")
            assert again == [] and User.objects.count() == users
    finally:
        connection.set_schema_to_public()
        portal_delete(slug=demo.SLUG)
