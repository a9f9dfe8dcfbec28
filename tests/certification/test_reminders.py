"""Expiry reminders 30 and 7 days before: once each, in every portal, with the renew link."""

from datetime import timedelta

from django.core import mail
from django.core.management import call_command

import pytest

from certification.models import Award
from tests.factories.certification import make_certification, make_exam, take_exam

pytestmark = pytest.mark.django_db

YEAR = timedelta(days=365)


def _certify(tenant, member, **fields):
    with tenant.activate():
        certification = make_certification(name="Cloud Pro", validity_months=12, **fields)
        take_exam(member=member, exam=certification.exam)
        return Award.objects.get(member=member)


def _run() -> list:
    mail.outbox.clear()
    call_command("send_certification_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return list(mail.outbox)


def test_reminders_go_30_and_7_days_before_expiry_once_each(tenant_a, member_factory, clock):
    member = member_factory(tenant_a, time_zone="Asia/Tokyo")
    award = _certify(tenant_a, member)
    assert _run() == []  # a year left
    clock.move_to(award.expires_at - timedelta(days=29), tick=False)
    (first,) = _run()
    assert first.to == [member.email]
    assert first.subject == "[Alpha Academy] Expires in 30 days: Cloud Pro"
    assert "http://a.localhost/certification/exams/cloud-pro-exam/" in first.body
    assert "(Asia/Tokyo)" in first.body and "18:00" in first.body  # 09:00 UTC in Tokyo
    assert _run() == []  # claimed: never twice
    clock.move_to(award.expires_at - timedelta(days=6), tick=False)
    (second,) = _run()
    assert second.subject == "[Alpha Academy] Expires in 7 days: Cloud Pro"
    assert _run() == []
    with tenant_a.activate():
        award.refresh_from_db()
    assert award.reminder_30_sent_at and award.reminder_7_sent_at


def test_an_award_first_seen_within_7_days_gets_only_the_7_day_reminder(tenant_a, learner, clock):
    award = _certify(tenant_a, learner)
    clock.move_to(award.expires_at - timedelta(days=3), tick=False)
    (only,) = _run()
    assert "Expires in 7 days" in only.subject
    assert _run() == []


def test_renewal_links_to_the_renewal_exam(tenant_a, learner, clock):
    with tenant_a.activate():
        renewal = make_exam(title="Cloud Pro renewal", cooldown_hours=0)
    award = _certify(tenant_a, learner, renewal_exam=renewal)
    clock.move_to(award.expires_at - timedelta(days=20), tick=False)
    (message,) = _run()
    assert "/certification/exams/cloud-pro-renewal/" in message.body


def test_revoked_renewed_and_expired_awards_get_no_reminder(tenant_a, learner, clock):
    from certification.award_services import award_revoke

    award = _certify(tenant_a, learner)
    with tenant_a.activate():
        award_revoke(award=award, reason="Cheating", revoked_by=None)
    clock.move_to(award.expires_at - timedelta(days=20), tick=False)
    assert _run() == []
    clock.move_to(award.expires_at + timedelta(days=1), tick=False)
    assert _run() == []


def test_each_portal_reminds_its_own_members(tenant_a, tenant_b, member_factory, clock):
    member_a = member_factory(tenant_a)
    member_b = member_factory(tenant_b)
    award_a = _certify(tenant_a, member_a)
    _certify(tenant_b, member_b)
    clock.move_to(award_a.expires_at - timedelta(days=20), tick=False)
    messages = _run()
    assert sorted(m.to[0] for m in messages) == sorted([member_a.email, member_b.email])
    by_member = {m.to[0]: m for m in messages}
    assert by_member[member_a.email].subject.startswith("[Alpha Academy]")
    assert by_member[member_b.email].subject.startswith("[Beta Learning]")
    assert "http://b.localhost/" in by_member[member_b.email].body
    assert "a.localhost" not in by_member[member_b.email].body
