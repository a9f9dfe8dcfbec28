"""The service dashboard in Chromium: staff sign in with their authenticator code, open the
dashboard from the admin menu, choose another period, open a data table from the keyboard and
download a CSV file; axe-core finds no serious or critical problem, tables open or closed."""

import re
from datetime import timedelta

from django.utils import timezone

import pytest

from tests.accounts.journeys import totp_code
from tests.browser.conftest import axe_violations
from tests.factories import dashboard as make
from tests.factories.accounts import PASSWORD, make_member
from tests.factories.courses import make_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _activity(now) -> None:
    """A little of everything: answered questions (a gap in one week), enrolments, referrals."""
    members = [make.plain_member() for _ in range(4)]
    course = make_course(title="Browser course", lessons=1)
    for days, after in ((30, 3), (9, 30), (2, 1)):
        make.question(
            author=members[0],
            asked=now - timedelta(days=days),
            answered_after=make.hours(after),
        )
    for number, member in enumerate(members):
        make.enrollment(
            member=member,
            course=course,
            enrolled=now - timedelta(days=7 * number + 1),
            completed=now - timedelta(days=7 * number) if number % 2 else None,
        )
    for member in members[1:]:
        make.referral(referrer=members[0], referred=member, created=now - timedelta(days=3))


def test_staff_read_the_dashboard_and_axe_finds_nothing(fresh_tenant, live_server, page):
    tenant = fresh_tenant("dashboard-journey")
    with tenant.activate():
        staff = make_member(email="lead@dashboard-journey.localhost", staff=True, mfa=True)
        _activity(timezone.now())
    port = live_server.url.rsplit(":", 1)[1]
    base = f"http://{tenant.domain}:{port}"

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/2fa/authenticate/")
    page.locator("input[name=code]").fill(totp_code(staff.totp_secret))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/admin/")
    page.get_by_role("link", name="Service dashboard").click()
    page.wait_for_url(f"{base}/admin/service-dashboard/")
    assert page.get_by_role("heading", name="Service dashboard", level=1).is_visible()
    assert page.get_by_role("img", name="Median hours to first answer").count() == 1
    assert axe_violations(page) == []

    page.get_by_label("Period", exact=True).select_option("12")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/service-dashboard/?weeks=12")
    summary = page.locator("summary", has_text="Data table: community answers")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.get_by_role("table", name="Community answers by week")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 12
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download CSV\s+of referrals$")).click()
    assert download.value.suggested_filename.startswith("service-referrals-12-weeks-")
    lines = download.value.path().read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Week starting,Sign-ups through a referral link"
    assert (
        len(lines) == 13
        and lines[-1].endswith(",3")
        or any(line.endswith(",3") for line in lines[-2:])
    )
