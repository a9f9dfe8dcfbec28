"""The demo seed's exams: two banks of 30 valid questions, two exams that can start, idempotent."""

import pytest

from certification.blocks import QuestionStreamBlock
from certification.models import Exam, QuestionBank
from certification.services import attempt_start
from portal.demo import SeedContext, seed_exams

pytestmark = pytest.mark.django_db


def test_the_demo_exams_are_seeded_once_and_each_can_start(tenant_a, learner):
    ctx = SeedContext(organization=tenant_a.organization, domain=tenant_a.domain, created=False)
    with tenant_a.activate():
        seed_exams(ctx)
        seed_exams(ctx)
        assert QuestionBank.objects.count() == 2 and Exam.objects.count() == 2
        for bank in QuestionBank.objects.all():
            assert bank.question_count >= 30
            QuestionStreamBlock().clean(bank.questions)  # every question passes the admin's checks
        practitioner = Exam.objects.get(slug="cloud-practitioner")
        attempt = attempt_start(member=learner, exam=practitioner)
    assert attempt.question_count == 30
    assert {q["topic"] for q in attempt.questions} == {"Deployment", "Observability", "Networking"}
    assert len(ctx.lines) == 4


def test_the_demo_certifications_awards_and_vouchers_are_seeded_once(tenant_a, member_factory):
    from certification.models import Award, Certification, Voucher
    from portal.demo import seed_certifications

    for email in ("learner2@demo.localhost", "learner3@demo.localhost"):
        member_factory(tenant_a, email=email)
    staff = member_factory(tenant_a, email="staff@demo.localhost", staff=True)
    ctx = SeedContext(organization=tenant_a.organization, domain=tenant_a.domain, created=False)
    with tenant_a.activate():
        seed_exams(ctx)
        seed_certifications(ctx)
        lines = len(ctx.lines)
        seed_certifications(ctx)
        assert len(ctx.lines) == lines  # nothing new the second time
        assert Certification.objects.count() == 2
        statuses = sorted(
            (award.member.email, award.status) for award in Award.objects.select_related("member")
        )
        assert Voucher.objects.filter(batch__created_by=staff).count() == 20
    assert statuses == [
        ("learner2@demo.localhost", "revoked"),
        ("learner2@demo.localhost", "valid"),
        ("learner3@demo.localhost", "expired"),
    ]


def test_the_demo_expert_badge_and_mvp_are_seeded_once(tenant_a, member_factory):
    from certification.models import Badge, BadgeAward, Nomination
    from portal.demo import seed_badges, seed_certifications

    for email in ("learner2@demo.localhost", "learner3@demo.localhost"):
        member_factory(tenant_a, email=email)
    member_factory(tenant_a, email="staff@demo.localhost", staff=True)
    ctx = SeedContext(organization=tenant_a.organization, domain=tenant_a.domain, created=False)
    with tenant_a.activate():
        seed_exams(ctx)
        seed_certifications(ctx)
        seed_badges(ctx)
        lines = len(ctx.lines)
        seed_badges(ctx)
        assert len(ctx.lines) == lines  # nothing new the second time
        expert = Badge.objects.get(kind="expert")
        assert expert.required_certification.slug == "cloud-practitioner"
        mvps = list(BadgeAward.objects.filter(badge__kind="mvp").select_related("member"))
        nomination = Nomination.objects.get()
    assert [(award.member.email, award.status) for award in mvps] == [
        ("learner2@demo.localhost", "valid")
    ]
    assert mvps[0].expertise_list == ["Deployment", "Networking"]
    assert nomination.status == "approved" and nomination.award_id == mvps[0].pk
