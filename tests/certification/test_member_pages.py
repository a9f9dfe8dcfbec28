"""“My certifications” and the opt-in public transcript: content, isolation, query budgets."""

from datetime import timedelta
from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from certification.award_services import award_revoke, transcript_set
from certification.models import Award, Transcript
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
    assert "PDF" not in page  # no placeholder links until certificates exist


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
