"""The public MVP directory at /certification/mvp/: who is listed, what is shown, filters,
the empty state, isolation between portals and the query budget."""

from datetime import timedelta
from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from certification.models import Award, Badge, BadgeAward
from certification.mvp_services import badge_award_revoke, mvp_renew
from tests.factories.certification import make_certification, take_exam
from tests.factories.mvp import make_mvp

pytestmark = pytest.mark.django_db

DIRECTORY = "/certification/mvp/"
QUERY_BUDGET = 12


@pytest.fixture
def staff(tenant_a, member_factory):
    return member_factory(tenant_a, staff=True, mfa=True, display_name="Staff Person")


def _expert_badge(member, *, name="Networking Expert") -> BadgeAward:
    badge, _ = Badge.objects.get_or_create(
        slug=name.lower().replace(" ", "-"),
        defaults={"kind": Badge.Kind.EXPERT, "name": name, "description": f"{name} badge."},
    )
    return BadgeAward.objects.create(member=member, badge=badge)


def test_an_mvp_is_listed_with_profile_expertise_dates_and_credentials(
    client_a, tenant_a, member_factory, staff, clock
):
    mvp = member_factory(
        tenant_a,
        display_name="Ada Lovelace",
        country="GB",
        languages=["en", "fr"],
        bio="I answer <b>engine</b> questions.",
    )
    with tenant_a.activate():
        mvp.avatar.name = "avatars/ada.png"
        mvp.save(update_fields=["avatar"])
        certification = make_certification(name="Cloud Pro")
        take_exam(member=mvp, exam=certification.exam)
        cert_award = Award.objects.get(member=mvp)
        expert = _expert_badge(mvp)
        title = make_mvp(member=mvp, nominated_by=staff, expertise="Engines, Punch cards")
    page = client_a.get(DIRECTORY)
    assert page.status_code == HTTPStatus.OK
    text = page.text
    assert "Ada Lovelace" in text and "United Kingdom" in text
    assert "Speaks English, French" in text
    assert "I answer &lt;b&gt;engine&lt;/b&gt; questions." in text  # plain text, escaped
    assert "avatars/ada.png" in text
    assert '<li class="badge">Engines</li>' in text and '<li class="badge">Punch cards</li>' in text
    assert "May 2030" in text and "6 May 2031" in text  # since and until
    assert f'href="/verify/{title.public_id}/"' in text
    assert f'href="/verify/{cert_award.public_id}/">Cloud Pro</a>' in text
    assert f'href="/verify/{expert.public_id}/">Networking Expert</a>' in text
    assert mvp.email not in text
    assert "1 MVP" in text


def test_renewals_keep_the_mvp_since_date_and_extend_until(
    client_a, tenant_a, member_factory, staff, clock
):
    mvp = member_factory(tenant_a, display_name="Renewed Rita")
    with tenant_a.activate():
        award = make_mvp(member=mvp, nominated_by=staff)
    clock.shift(timedelta(days=300))
    with tenant_a.activate():
        mvp_renew(award=award, renewed_by=staff)
    text = client_a.get(DIRECTORY).text
    assert "May 2030" in text and "6 May 2032" in text
    assert text.count("Renewed Rita</h2>") == 1


def test_expired_and_revoked_mvps_are_not_listed(client_a, tenant_a, member_factory, staff, clock):
    lapsing = member_factory(tenant_a, display_name="Lapsing Lou")
    revoked = member_factory(tenant_a, display_name="Revoked Ray")
    with tenant_a.activate():
        make_mvp(member=lapsing, nominated_by=staff)
        clock.shift(timedelta(days=30))
        award = make_mvp(member=revoked, nominated_by=staff)
        badge_award_revoke(award=award, reason="Plagiarised answers", revoked_by=staff)
    text = client_a.get(DIRECTORY).text
    assert "Lapsing Lou" in text and "Revoked Ray" not in text
    clock.shift(timedelta(days=366))
    text = client_a.get(DIRECTORY).text
    assert "Lapsing Lou" not in text
    assert "No MVPs yet" in text


def test_the_directory_filters_by_country_and_expertise(client_a, tenant_a, member_factory, staff):
    people = [
        ("Kiri", "NZ", "Kubernetes, Go"),
        ("Lars", "SE", "kubernetes"),
        ("Mona", "NZ", "Security"),
    ]
    with tenant_a.activate():
        for name, country, expertise in people:
            member = member_factory(tenant_a, display_name=name, country=country)
            with tenant_a.activate():
                make_mvp(member=member, nominated_by=staff, expertise=expertise)
    page = client_a.get(f"{DIRECTORY}?country=nz")
    assert "Kiri</h2>" in page.text and "Mona</h2>" in page.text and "Lars</h2>" not in page.text
    assert "2 of 3 MVPs" in page.text
    assert '<option value="NZ" selected>New Zealand</option>' in page.text
    page = client_a.get(f"{DIRECTORY}?expertise=KUBERNETES")
    assert "Kiri</h2>" in page.text and "Lars</h2>" in page.text and "Mona</h2>" not in page.text
    page = client_a.get(f"{DIRECTORY}?expertise=kubernetes&country=SE")
    assert "Lars</h2>" in page.text and "Kiri</h2>" not in page.text
    assert "1 of 3 MVPs" in page.text
    for nonsense in ("?country=ZZ", "?expertise=%3Cscript%3E", "?country=&expertise=", "?x=1"):
        page = client_a.get(f"{DIRECTORY}{nonsense}")
        assert page.status_code == HTTPStatus.OK
        assert "3 MVPs" in page.text and "<script>" not in page.text


def test_an_empty_directory_explains_the_programme(client_a):
    page = client_a.get(DIRECTORY)
    assert page.status_code == HTTPStatus.OK
    assert "No MVPs yet" in page.text and "Any member can nominate" in page.text
    assert 'href="/certification/mvp/nominate/"' in page.text
    assert "Review nominations" not in page.text


def test_reviewers_see_the_link_to_the_queue(client_a, tenant_a, staff):
    with tenant_a.activate():
        client_a.force_login(staff)
    assert 'href="/admin/certification/mvp/"' in client_a.get(DIRECTORY).text


def test_an_mvp_of_a_is_not_listed_on_b(client_b, tenant_a, member_factory, staff):
    mvp = member_factory(tenant_a, display_name="Alpha Star")
    with tenant_a.activate():
        make_mvp(member=mvp, nominated_by=staff)
    page = client_b.get(DIRECTORY)
    assert page.status_code == HTTPStatus.OK
    assert "Alpha Star" not in page.text and "No MVPs yet" in page.text


@pytest.mark.parametrize("signed_in_member", [False, True])
def test_the_directory_costs_the_same_for_1_or_10_mvps(
    client_a, tenant_a, member_factory, staff, django_assert_max_num_queries, signed_in_member
):
    if signed_in_member:
        viewer = member_factory(tenant_a)
        with tenant_a.activate():
            client_a.force_login(viewer)
    with tenant_a.activate():
        certification = make_certification(name="Budget Cert")
    counts = []
    for total in (1, 10):
        while True:
            with tenant_a.activate():
                listed = BadgeAward.objects.filter(badge__kind=Badge.Kind.MVP).count()
            if listed >= total:
                break
            member = member_factory(tenant_a, country="FR", languages=["fr"])
            with tenant_a.activate():
                take_exam(member=member, exam=certification.exam)
                _expert_badge(member)
                make_mvp(member=member, nominated_by=staff, expertise=f"Area {listed}, Shared")
        client_a.get(DIRECTORY)  # warm the per-portal caches (site root paths)
        with (
            django_assert_max_num_queries(QUERY_BUDGET),
            CaptureQueriesContext(connection) as queries,
        ):
            page = client_a.get(f"{DIRECTORY}?expertise=shared")
        assert page.status_code == HTTPStatus.OK
        assert page.text.count("Budget Cert</a>") == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
    print(f"MVP directory signed_in={signed_in_member}: {counts[0]} queries")
