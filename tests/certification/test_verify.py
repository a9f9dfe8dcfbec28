"""The public verify page: who holds what, since and until when, and its status, for anyone."""

import re
from datetime import timedelta
from html import unescape
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone

import pytest

from certification.award_services import award_revoke
from certification.models import Award, Badge
from tests.factories.badges import give_badge, make_badge, renew_badge, revoke_badge
from tests.factories.certification import make_certification, make_exam, take_exam

pytestmark = pytest.mark.django_db

YEAR = timedelta(days=365)


@pytest.fixture
def holder(tenant_a, member_factory):
    return member_factory(tenant_a, display_name="Ada Lovelace")


def _certify(tenant, member, name: str = "Cloud Pro", **fields) -> Award:
    with tenant.activate():
        fields.setdefault("description", "Runs production clouds.")
        certification = make_certification(name=name, **fields)
        take_exam(member=member, exam=certification.exam)
        return Award.objects.get(member=member, certification=certification, current=True)


def _verify(client, public_id):
    response = client.get(f"/verify/{public_id}/")
    assert response.status_code == HTTPStatus.OK
    return response.text


def _href(page: str, text: str) -> str:
    """The address of the link whose text is ``text``."""
    match = re.search(r'<a[^>]*href="([^"]+)"[^>]*>' + re.escape(text) + "</a>", page)
    assert match, text
    return unescape(match.group(1))


def test_a_valid_certification_shows_who_what_when_and_its_status(
    client_a, holder, tenant_a, clock
):
    award = _certify(tenant_a, holder, validity_months=12)
    page = _verify(client_a, award.public_id)
    assert "<h1>Cloud Pro</h1>" in page and "Ada Lovelace" in page
    assert "Certification" in page and "Runs production clouds." in page
    assert "Pass the exam “Cloud Pro exam”" in page  # how it is earned
    assert "Issued by</dt><dd>Alpha Academy" in page
    assert '<time datetime="2030-05-06T09:00:00+00:00">6 May 2030</time>' in page
    assert "Valid</p>" in page and "Valid until" in page
    assert '<time datetime="2031-05-06T09:00:00+00:00">6 May 2031</time>' in page
    assert "Dates are in UTC" in page
    assert holder.email not in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<meta property="og:title" content="Cloud Pro: Ada Lovelace">' in page
    assert 'property="og:description"' in page
    assert f'src="/badges/classes/certification/{award.certification.slug}.png"' in page
    assert _href(page, "Download certificate (PDF)") == f"/verify/{award.public_id}/certificate.pdf"
    assert (
        _href(page, "Open Badges assertion (JSON)") == f"/badges/assertions/{award.public_id}.json"
    )
    assert _href(page, "Download badge image (PNG, Open Badges)").endswith("/badge.png")
    assert f"http://a.localhost/verify/{award.public_id}/" in page  # the address, as text
    assert "Copy link" in page


def test_the_linkedin_links_carry_the_credential(client_a, holder, tenant_a, clock):
    award = _certify(tenant_a, holder, name="Cloud & Ops: Pro", validity_months=12)
    page = _verify(client_a, award.public_id)
    verify_url = f"http://a.localhost/verify/{award.public_id}/"
    add = urlsplit(_href(page, "Add to LinkedIn profile"))
    assert (add.scheme, add.netloc, add.path) == ("https", "www.linkedin.com", "/profile/add")
    assert " " not in add.query and "&amp;" not in add.query
    assert parse_qs(add.query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Cloud & Ops: Pro"],
        "organizationName": ["Alpha Academy"],
        "issueYear": ["2030"],
        "issueMonth": ["5"],
        "expirationYear": ["2031"],
        "expirationMonth": ["5"],
        "certUrl": [verify_url],
        "certId": [str(award.public_id)],
    }
    share = urlsplit(_href(page, "Share on LinkedIn"))
    assert share.netloc == "www.linkedin.com" and parse_qs(share.query) == {"url": [verify_url]}


def test_a_certification_that_never_expires_says_so(client_a, holder, tenant_a, clock):
    award = _certify(tenant_a, holder, validity_months=0)
    page = _verify(client_a, award.public_id)
    assert "Never expires" in page and "It never expires." in page
    add = parse_qs(urlsplit(_href(page, "Add to LinkedIn profile")).query)
    assert "expirationYear" not in add and "expirationMonth" not in add


def test_an_expired_certification_says_when_it_expired(client_a, holder, tenant_a, clock):
    award = _certify(tenant_a, holder, validity_months=12)
    clock.shift(YEAR + timedelta(days=2))
    page = _verify(client_a, award.public_id)
    assert 'Expired on <time datetime="2031-05-06T09:00:00+00:00">6 May 2031</time>' in page
    assert "Valid until" not in page
    assert "Add to LinkedIn profile" not in page  # only valid credentials go on a profile
    assert "Download certificate (PDF)" in page


def test_a_revoked_certification_says_when_and_why(client_a, holder, tenant_a, clock):
    award = _certify(tenant_a, holder, validity_months=12)
    clock.shift(timedelta(days=10))
    with tenant_a.activate():
        award_revoke(award=award, reason="Exam <b>misconduct</b>", revoked_by=None)
    page = _verify(client_a, award.public_id)
    assert 'Revoked on <time datetime="2030-05-16T09:00:00+00:00">16 May 2030</time>' in page
    assert "Reason: Exam &lt;b&gt;misconduct&lt;/b&gt;" in page
    assert "<b>misconduct</b>" not in page
    assert "Download certificate (PDF)" not in page and "Add to LinkedIn profile" not in page
    assert "Download badge image" not in page
    assert "Ada Lovelace" in page  # it still says whose it was


def test_a_renewed_certification_points_to_its_renewal(client_a, holder, tenant_a, clock):
    with tenant_a.activate():
        renewal_exam = make_exam(title="Cloud renewal", cooldown_hours=0)
    first = _certify(tenant_a, holder, validity_months=12, renewal_exam=renewal_exam)
    clock.shift(YEAR - timedelta(days=30))
    with tenant_a.activate():
        take_exam(member=holder, exam=renewal_exam)
        renewal = Award.objects.get(member=holder, current=True)
    old = _verify(client_a, first.public_id)
    assert 'Renewed on <time datetime="2031-04-06T09:00:00+00:00">6 April 2031</time>' in old
    assert _href(old, "See the current credential") == f"/verify/{renewal.public_id}/"
    assert "Add to LinkedIn profile" not in old
    new = _verify(client_a, renewal.public_id)
    assert "Valid</p>" in new
    assert '<time datetime="2032-05-06T09:00:00+00:00">6 May 2032</time>' in new  # runs on


@pytest.mark.parametrize("kind", [Badge.Kind.EXPERT, Badge.Kind.MVP])
def test_a_badge_award_shows_on_its_verify_page_with_each_status(
    client_a, holder, tenant_a, clock, kind
):
    with tenant_a.activate():
        badge = make_badge(
            name="Kubernetes Expert" if kind == Badge.Kind.EXPERT else "Community MVP",
            kind=kind,
            criteria="Answer well." if kind == Badge.Kind.EXPERT else "",
        )
        award = give_badge(member=holder, badge=badge, expires_at=timezone.now() + YEAR)
    label = "Expert badge" if kind == Badge.Kind.EXPERT else "MVP"
    page = _verify(client_a, award.public_id)
    assert f"<h1>{badge.name}</h1>" in page and f"{label} issued to" in page
    assert "Valid</p>" in page and "Ada Lovelace" in page and holder.email not in page
    assert f'src="/badges/classes/{kind}/{badge.slug}.png"' in page
    if kind == Badge.Kind.EXPERT:
        assert "Answer well." in page
    else:
        assert "chosen by staff" in page  # the rule in words when the editor wrote none
    clock.shift(YEAR + timedelta(days=1))
    assert "Expired on" in _verify(client_a, award.public_id)
    with tenant_a.activate():
        renewal = renew_badge(award=award, expires_at=timezone.now() + YEAR)
    page = _verify(client_a, award.public_id)
    assert "Renewed on" in page
    assert _href(page, "See the current credential") == f"/verify/{renewal.public_id}/"
    with tenant_a.activate():
        revoke_badge(award=renewal, reason="Spam answers")
    page = _verify(client_a, renewal.public_id)
    assert "Revoked on" in page and "Reason: Spam answers" in page


def test_a_signed_in_member_sees_dates_in_their_own_time_zone(
    client_a, holder, tenant_a, member_factory, clock
):
    award = _certify(tenant_a, holder, validity_months=12)
    viewer = member_factory(tenant_a, time_zone="Asia/Tokyo")
    with tenant_a.activate():
        client_a.force_login(viewer)
    page = _verify(client_a, award.public_id)
    assert "Dates are in Asia/Tokyo" in page
    assert '<time datetime="2030-05-06T09:00:00+00:00">6 May 2030</time>' in page


def test_names_are_shown_as_written_not_read_as_markup(client_a, tenant_a, member_factory, clock):
    member = member_factory(tenant_a, display_name="<script>alert(1)</script>")
    award = _certify(tenant_a, member, name="Cloud <i>Pro</i>", description="<img src=x>")
    page = _verify(client_a, award.public_id)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<i>Pro</i>" not in page and "<img src=x>" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/verify/00000000-0000-4000-8000-000000000000/",
        "/verify/not-a-uuid/",
        "/verify/00000000-0000-4000-8000-000000000000/certificate.pdf",
    ],
)
def test_unknown_or_malformed_ids_are_not_found(client_a, path):
    assert client_a.get(path).status_code == HTTPStatus.NOT_FOUND


def test_a_credential_of_portal_a_is_not_found_on_portal_b(
    client_a, client_b, holder, tenant_a, clock
):
    award = _certify(tenant_a, holder)
    with tenant_a.activate():
        badge_award = give_badge(member=holder, badge=make_badge(name="Alpha Expert"))
    for public_id in (award.public_id, badge_award.public_id):
        for suffix in ("", "certificate.pdf"):
            url = f"/verify/{public_id}/{suffix}"
            assert client_a.get(url).status_code == HTTPStatus.OK, url
            assert client_b.get(url).status_code == HTTPStatus.NOT_FOUND, url
