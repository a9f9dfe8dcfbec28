"""“My certifications” and the opt-in public transcript: content, isolation, query budgets."""

from datetime import timedelta
from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from certification.award_services import award_revoke, transcript_set
from certification.models import Award, Badge, Transcript
from tests.factories.badges import give_badge, make_badge, revoke_badge
from tests.factories.certification import make_certification, make_exam, take_exam

pytestmark = pytest.mark.django_db

MINE = "/certification/mine/"
YEAR = timedelta(days=365)


def _relogin(client, tenant, member) -> None:
    """Sign in again after moving the clock (the session cookie expires with time)."""
    with tenant.activate():
        client.force_login(member)


def test_my_certifications_needs_a_sign_in(client_a):
    response = client_a.get(MINE)
    assert response.status_code == HTTPStatus.FOUND and "/login/" in response["Location"]
    assert client_a.post("/certification/mine/transcript/").status_code == HTTPStatus.FOUND


def test_my_certifications_shows_status_expiry_renewal_and_history(
    signed_in, tenant_a, learner, clock
):
    with tenant_a.activate():
        renewal = make_exam(title="Cloud renewal", cooldown_hours=0)
        cloud = make_certification(name="Cloud", renewal_exam=renewal, validity_months=12)
        take_exam(member=learner, exam=cloud.exam)
        old = make_certification(name="Legacy", validity_months=12)
        take_exam(member=learner, exam=old.exam)
    _relogin(signed_in, tenant_a, learner)
    page = signed_in.get(MINE)
    assert page.status_code == HTTPStatus.OK
    assert "Cloud" in page.text and "Valid" in page.text and "6 May 2031" in page.text
    assert "You can renew from" in page.text and "/cloud-renewal/" not in page.text
    clock.shift(YEAR - timedelta(days=60))
    _relogin(signed_in, tenant_a, learner)
    page = signed_in.get(MINE)
    assert f'href="{renewal.get_absolute_url()}"' in page.text  # the renewal window is open
    with tenant_a.activate():
        take_exam(member=learner, exam=renewal)
    clock.shift(YEAR)
    _relogin(signed_in, tenant_a, learner)
    page = signed_in.get(MINE).text
    assert "Earlier awards of Cloud" in page and "Renewed" in page
    assert "Expired" in page and f'href="{old.exam.get_absolute_url()}"' in page
    with tenant_a.activate():
        cloud_now = Award.objects.get(certification=cloud, current=True)
        legacy = Award.objects.get(certification=old)
    assert f'href="/verify/{cloud_now.public_id}/certificate.pdf"' in page
    assert f'href="/verify/{legacy.public_id}/certificate.pdf"' in page  # expired: still its own


def _links_of(page: str, public_id) -> dict[str, bool]:
    return {
        "verify": f'href="http://a.localhost/verify/{public_id}/"' in page,
        "pdf": f'href="/verify/{public_id}/certificate.pdf"' in page,
        "badge": f'href="/verify/{public_id}/badge.png"' in page,
        "linkedin": "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"
        "&amp;name=Cloud%20Pro&amp;organizationName=Alpha%20Academy"
        in page
        and f"certId={public_id}" in page,
    }


def test_each_certification_links_its_verify_page_certificate_badge_and_linkedin(
    signed_in, tenant_a, learner, clock
):
    with tenant_a.activate():
        cloud = make_certification(name="Cloud Pro")
        take_exam(member=learner, exam=cloud.exam)
        valid = Award.objects.get(certification=cloud)
        other = make_certification(name="Revoked Thing")
        take_exam(member=learner, exam=other.exam)
        revoked = award_revoke(
            award=Award.objects.get(certification=other), reason="Copied", revoked_by=None
        )
    _relogin(signed_in, tenant_a, learner)
    page = signed_in.get(MINE).text
    assert _links_of(page, valid.public_id) == dict.fromkeys(
        ("verify", "pdf", "badge", "linkedin"), True
    )
    assert "Download certificate (PDF)" in page and "Download badge image" in page
    assert "Add to LinkedIn" in page
    assert _links_of(page, revoked.public_id) == {
        "verify": True,
        "pdf": False,
        "badge": False,
        "linkedin": False,
    }
    assert 'src="/badges/classes/certification/cloud-pro.png"' in page


def test_the_badges_section_lists_expert_badges_and_the_mvp_title(
    signed_in, tenant_a, learner, member_factory, clock
):
    with tenant_a.activate():
        expert = give_badge(
            member=learner,
            badge=make_badge(name="Kubernetes Expert"),
            expires_at=timezone.now() + YEAR,
        )
        mvp = give_badge(member=learner, badge=make_badge(name="MVP", kind=Badge.Kind.MVP))
        lapsed = give_badge(member=learner, badge=make_badge(name="Old Expert"))
        revoke_badge(award=lapsed, reason="Answers were copied")
        give_badge(member=member_factory(tenant_a), badge=make_badge(name="Someone Else Expert"))
    _relogin(signed_in, tenant_a, learner)
    page = signed_in.get(MINE).text
    badges = page[page.index('id="badges-heading"') :]
    assert badges.index("MVP") < badges.index("Kubernetes Expert")  # the title first
    assert "Expert badge" in badges and "MVP title" in badges
    assert '<time datetime="2031-05-06T09:00:00+00:00">6 May 2031</time>' in badges
    for award in (expert, mvp):
        assert f'href="http://a.localhost/verify/{award.public_id}/"' in badges
        assert f'href="/verify/{award.public_id}/certificate.pdf"' in badges
        assert f'href="/verify/{award.public_id}/badge.png"' in badges
    assert 'src="/badges/classes/expert/kubernetes-expert.png"' in badges
    assert "Revoked" in badges and "Answers were copied" in badges
    assert f'href="/verify/{lapsed.public_id}/certificate.pdf"' not in badges
    assert "Someone Else Expert" not in page
    assert "How to earn it" not in page  # they hold an Expert badge already


def test_without_expert_badges_the_page_explains_how_to_earn_them(signed_in, tenant_a, learner):
    with tenant_a.activate():
        cloud = make_certification(name="Cloud Pro")
        make_badge(
            name="Kubernetes Expert",
            required_certification=cloud,
            answer_tag="kubernetes",
            min_accepted_answers=5,
        )
        make_badge(name="Written Rule Expert", criteria="Write three <b>guides</b>.")
        make_badge(name="Retired Expert", active=False)
    page = signed_in.get(MINE).text
    assert "you earn one automatically once you meet its rule" in page
    assert "Kubernetes Expert" in page and "Written Rule Expert" in page
    assert "hold a valid “Cloud Pro” certification" in page
    assert "5 accepted community answers tagged “kubernetes”" in page
    assert "Write three &lt;b&gt;guides&lt;/b&gt;." in page
    assert "Retired Expert" not in page


def test_the_transcript_lists_valid_badges_with_their_verify_links(
    client_a, tenant_a, learner, clock
):
    with tenant_a.activate():
        cloud = make_certification(name="Cloud Pro")
        take_exam(member=learner, exam=cloud.exam)
        award = Award.objects.get(certification=cloud)
        expert = give_badge(member=learner, badge=make_badge(name="Kubernetes Expert"))
        mvp = give_badge(member=learner, badge=make_badge(name="MVP", kind=Badge.Kind.MVP))
        expired = give_badge(
            member=learner,
            badge=make_badge(name="Lapsed Expert"),
            expires_at=timezone.now() - timedelta(days=1),
        )
        revoked = give_badge(member=learner, badge=make_badge(name="Revoked Expert"))
        revoke_badge(award=revoked, reason="x")
        transcript = transcript_set(member=learner, public=True)
    page = client_a.get(f"/certification/transcript/{transcript.slug}/").text
    for shown in (award, expert, mvp):
        assert f'href="/verify/{shown.public_id}/"' in page
    assert "Kubernetes Expert" in page and "MVP title" in page
    assert "Lapsed Expert" not in page and "Revoked Expert" not in page
    assert str(expired.public_id) not in page


def test_an_award_of_another_member_or_portal_is_not_shown(
    signed_in, client_b, tenant_a, tenant_b, learner, member_factory
):
    other = member_factory(tenant_a)
    with tenant_a.activate():
        secret = make_certification(name="Alpha secret cert")
        take_exam(member=other, exam=secret.exam)
    assert "Alpha secret cert" not in signed_in.get(MINE).text
    member_b = member_factory(tenant_b)
    with tenant_b.activate():
        client_b.force_login(member_b)
    assert "Alpha secret cert" not in client_b.get(MINE).text


def _public_transcript(tenant, member) -> Transcript:
    with tenant.activate():
        return transcript_set(member=member, public=True)


def test_the_transcript_lists_valid_certifications_once_made_public(
    signed_in, client_b, tenant_a, learner, member_factory, clock
):
    learner_name = learner.public_name
    with tenant_a.activate():
        valid = make_certification(name="Cloud <b>Pro</b>")
        take_exam(member=learner, exam=valid.exam)
        revoked = make_certification(name="Revoked one")
        take_exam(member=learner, exam=revoked.exam)
        award_revoke(award=Award.objects.get(certification=revoked), reason="x", revoked_by=None)
    _relogin(signed_in, tenant_a, learner)
    response = signed_in.post("/certification/mine/transcript/", {"public": "on"}, follow=True)
    assert "Your transcript is public" in response.text
    with tenant_a.activate():
        transcript = Transcript.objects.get(member=learner)
    url = f"/certification/transcript/{transcript.slug}/"
    assert url in response.text
    signed_in.logout()
    public = signed_in.get(url)
    assert public.status_code == HTTPStatus.OK
    assert "Cloud &lt;b&gt;Pro&lt;/b&gt;" in public.text and "<b>Pro</b>" not in public.text
    assert "Revoked one" not in public.text and learner_name in public.text
    assert learner.email not in public.text
    assert client_b.get(url).status_code == HTTPStatus.NOT_FOUND  # not on portal B
    _relogin(signed_in, tenant_a, learner)
    signed_in.post("/certification/mine/transcript/", {})
    signed_in.logout()
    assert signed_in.get(url).status_code == HTTPStatus.NOT_FOUND


def test_another_members_private_transcript_is_not_found(client_a, tenant_a, member_factory):
    other = member_factory(tenant_a)
    with tenant_a.activate():
        transcript = transcript_set(member=other, public=False)
    assert client_a.get(f"/certification/transcript/{transcript.slug}/").status_code == 404
    assert client_a.get("/certification/transcript/no-such-slug/").status_code == 404


def _queries(client, url: str, assert_max) -> int:
    """Queries of a GET of ``url`` (after one to warm the per-portal caches), at most 12."""
    client.get(url)
    with assert_max(12), CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(queries)


def test_my_certifications_and_transcript_cost_the_same_for_1_or_5_awards(
    signed_in, tenant_a, learner, clock, django_assert_max_num_queries
):
    transcript = _public_transcript(tenant_a, learner)
    _relogin(signed_in, tenant_a, learner)
    counts = {"mine": [], "transcript": []}
    for names in (["One"], ["Two", "Three", "Four", "Five"]):
        with tenant_a.activate():
            for name in names:
                certification = make_certification(name=name, validity_months=1)
                take_exam(member=learner, exam=certification.exam)
        for key, url in (
            ("mine", MINE),
            ("transcript", f"/certification/transcript/{transcript.slug}/"),
        ):
            counts[key].append(_queries(signed_in, url, django_assert_max_num_queries))
    clock.shift(timedelta(days=40))  # all expired: pass again, so each has history
    with tenant_a.activate():
        for award in Award.objects.select_related("certification__exam"):
            take_exam(member=learner, exam=award.certification.exam)
    _relogin(signed_in, tenant_a, learner)
    counts["mine"].append(_queries(signed_in, MINE, django_assert_max_num_queries))
    assert len(set(counts["mine"])) == 1 and len(set(counts["transcript"])) == 1
    print(f"my certifications: {counts['mine'][0]}, transcript: {counts['transcript'][0]}")


def test_the_exam_page_of_a_certification_stays_within_budget(
    signed_in, tenant_a, learner, django_assert_max_num_queries
):
    with tenant_a.activate():
        renewal = make_exam(title="Renewal", cooldown_hours=0)
        certification = make_certification(name="Cloud", renewal_exam=renewal)
        take_exam(member=learner, exam=certification.exam)
    for exam in (certification.exam, renewal):
        url = exam.get_absolute_url()
        count = _queries(signed_in, url, django_assert_max_num_queries)
        print(f"exam page of a certification: {count} queries")
