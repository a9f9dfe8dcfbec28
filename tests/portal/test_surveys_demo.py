"""The demo seed's surveys: "Support experience" with every question type, a skip rule and 30
responses from demo members over the past 8 weeks, and the course feedback survey; run twice,
it changes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

import pytest

from portal.accounts.models import User
from portal.models.surveys import SurveyPage, SurveySubmission
from portal.surveys import questions as q
from portal.surveys.demo import seed
from portal.surveys.selectors import survey_results

pytestmark = pytest.mark.django_db


def test_the_demo_survey_has_every_type_a_skip_rule_and_30_responses(tenant_a):
    with tenant_a.activate():
        lines = seed(staff_email="staff@a.localhost", password="demo-password-1234")
        assert seed(staff_email="staff@a.localhost", password="demo-password-1234") == []

        page = SurveyPage.objects.get(slug="support-experience")
        fields = page.get_form_fields()
        assert {field.field_type for field in fields} == {kind for kind, _ in q.FIELD_TYPE_CHOICES}
        assert [field.skip_to for field in fields if field.skip_when] == [
            "Which channel did you use?"
        ]
        responses = SurveySubmission.objects.filter(page=page)
        assert responses.count() == 30
        assert responses.values("member").distinct().count() == 30
        member = User.objects.get(email="survey7@demo.localhost")
        assert member.check_password("demo-password-1234")
        times = sorted(responses.values_list("submit_time", flat=True))
        now = timezone.now()
        assert now - timedelta(weeks=8, days=1) <= times[0] and times[-1] <= now
        assert len({at.isocalendar()[:2] for at in times}) >= 8
        results = survey_results(page=page)
        assert results.responses == 30
        recommend = next(r for r in results.questions if r.kind == q.RECOMMEND)
        assert recommend.responses == 30 and recommend.nps is not None
        assert SurveyPage.objects.filter(purpose=SurveyPage.COURSE_FEEDBACK).exists()
    assert any("30 demo members answered" in line for line in lines)
