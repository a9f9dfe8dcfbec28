"""``manage.py send_staff_summary``: one e-mail per staff member who can see the dashboard, per
portal and week, with that portal's figures only; a second run sends nothing, ``--force`` sends
again, a failed delivery is retried by the next run."""

from datetime import timedelta
from io import StringIO

from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import CommandError, call_command

from wagtail.models import ModelLogEntry

import pytest

from portal.dashboard.services import SUMMARY_ACTION, weekly_summary
from tests.factories import dashboard as make

pytestmark = pytest.mark.django_db

NOW = make.at("2025-03-12 12:00")  # a Wednesday: last week is the week of Monday 3 March


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def _staff(tenant, member_factory, *codenames: str, email: str, **fields):
    member = member_factory(tenant, email=email, **fields)
    with tenant.activate():
        member.is_staff = True
        member.save(update_fields=["is_staff"])
        group = Group.objects.create(name=f"Group of {email}")
        group.permissions.add(*Permission.objects.filter(codename__in=codenames))
        member.groups.add(group)
    return member


@pytest.fixture
def staff(tenant_a, tenant_b, member_factory):
    """Who is who: in A a superuser, a reporter (with the permission), an editor (without), a
    member and an inactive reporter; in B a reporter. Each portal also has its first staff
    account (``staff@<domain>``, a superuser made with the portal)."""
    member_factory(tenant_a, staff=True, email="root@a.localhost")
    _staff(
        tenant_a,
        member_factory,
        "access_admin",
        "view_course_reports",
        email="reporter@a.localhost",
    )
    _staff(tenant_a, member_factory, "access_admin", email="editor@a.localhost")
    _staff(tenant_a, member_factory, "view_course_reports", email="noadmin@a.localhost")
    member_factory(tenant_a, email="member@a.localhost")
    _staff(
        tenant_a,
        member_factory,
        "access_admin",
        "view_course_reports",
        email="gone@a.localhost",
        is_active=False,
    )
    _staff(
        tenant_b,
        member_factory,
        "access_admin",
        "view_course_reports",
        email="reporter@b.localhost",
    )


@pytest.fixture
def referrals_in_a(tenant_a, member_factory):
    """Two referrals last week and one the week before, in portal A."""
    referrer = member_factory(tenant_a)
    for day in ("2025-03-04", "2025-03-09", "2025-02-25"):
        referred = member_factory(tenant_a)
        with tenant_a.activate():
            make.referral(referrer=referrer, referred=referred, created=make.at(f"{day} 10:00"))


A_RECIPIENTS = {"staff@a.localhost", "root@a.localhost", "reporter@a.localhost"}
B_RECIPIENTS = {"staff@b.localhost", "reporter@b.localhost"}


def _send(*args) -> str:
    out = StringIO()
    call_command("send_staff_summary", *args, stdout=out)
    return out.getvalue()


def _by_recipient() -> dict[str, mail.EmailMessage]:
    messages = {}
    for message in mail.outbox:
        (to,) = message.to
        assert to not in messages, f"two e-mails to {to}"
        messages[to] = message
    return messages


def test_each_staff_member_of_each_portal_gets_their_portals_summary(
    clock, staff, referrals_in_a, tenant_a, tenant_b
):
    output = _send()
    messages = _by_recipient()
    assert set(messages) == A_RECIPIENTS | B_RECIPIENTS
    assert "Sent 5 staff summary e-mail(s)" in output

    a_mail = messages["reporter@a.localhost"]
    assert "Service summary, week of 3 Mar 2025" in a_mail.subject
    assert "Alpha Academy" in a_mail.subject
    assert "last week (3 Mar 2025 to 9 Mar 2025)" in a_mail.body
    assert "- Sign-ups through a referral link: 2 (1)" in a_mail.body
    assert "http://a.localhost" in a_mail.body and "/admin/service-dashboard/" in a_mail.body
    html, kind = a_mail.alternatives[0]
    assert kind == "text/html" and "<td" in html and "a.localhost" in html

    b_mail = messages["reporter@b.localhost"]
    assert "Beta Learning" in b_mail.subject
    assert "- Sign-ups through a referral link: 0 (0)" in b_mail.body
    assert "a.localhost" not in b_mail.body and "Alpha Academy" not in b_mail.body
    assert "http://b.localhost" in b_mail.body

    for message in messages.values():
        assert "@" not in message.body.split("Hello ", 1)[1].split(",", 1)[0]  # names, not e-mails


def test_a_second_run_in_the_same_week_sends_nothing_and_force_sends_again(clock, staff, tenant_a):
    _send()
    assert len(mail.outbox) == 5
    output = _send()
    assert len(mail.outbox) == 5
    assert "Sent 0 staff summary e-mail(s); 5 already sent" in output
    with tenant_a.activate():
        entries = ModelLogEntry.objects.filter(action=SUMMARY_ACTION)
        assert entries.count() == 3 and {e.data["week"] for e in entries} == {"2025-03-03"}

    _send("--force")
    assert len(mail.outbox) == 10

    clock.move_to(NOW + timedelta(days=7), tick=False)  # the next week has its own summary
    _send()
    assert len(mail.outbox) == 15
    assert "week of 10 Mar 2025" in mail.outbox[-1].subject


def test_one_portal_only(clock, staff, tenant_b):
    output = _send("--schema", tenant_b.schema)
    assert set(_by_recipient()) == B_RECIPIENTS
    assert "Sent 2" in output
    with pytest.raises(CommandError, match="no portal"):
        _send("--schema", "nowhere")


def test_a_failed_delivery_records_nothing_and_is_sent_by_the_next_run(
    clock, staff, tenant_b, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with pytest.raises(CommandError, match="could not be sent"):
        _send("--schema", tenant_b.schema)
    with tenant_b.activate():
        assert not ModelLogEntry.objects.filter(action=SUMMARY_ACTION).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _send("--schema", tenant_b.schema)
    assert set(_by_recipient()) == B_RECIPIENTS


def test_the_summary_compares_last_week_with_the_week_before(clock, tenant_a, referrals_in_a):
    with tenant_a.activate():
        summary = weekly_summary()
    assert [str(day) for day in summary.span.mondays] == ["2025-02-24", "2025-03-03"]
    parts = {part.title: part for part in summary.parts}
    (line,) = parts["Referrals"].lines
    assert (line.last, line.before) == ("2", "1")
    community = parts["Community answers"].lines
    assert [line.last for line in community] == ["0", "—", "—"]
    assert [fact.label for fact in parts["Active and expiring certifications"].facts] == [
        "Valid now",
        "Expiring within 30 days",
        "Expiring within 60 days",
    ]
