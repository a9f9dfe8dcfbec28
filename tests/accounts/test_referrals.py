"""Referrals: every member's link, attribution of sign-ups through it (once, never to oneself,
unknown codes ignored, signed-in visitors not attributed), the counts on "Invite colleagues"
and the community profile, the staff dashboard's counts and series, races, tenant isolation
and query budgets."""

from datetime import date, timedelta
from http import HTTPStatus

from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from portal.accounts import referral_selectors
from portal.accounts.models import Referral, ReferralCode, User
from portal.accounts.referral_services import (
    CODE_LENGTH,
    CODE_PATTERN,
    referral_attribute,
    referral_code_ensure,
)
from portal.accounts.referral_views import COOKIE_NAME, SESSION_KEY
from tests.concurrency import race
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

INVITE_URL = "/accounts/invite/"
SIGNUP_URL = "/accounts/signup/"
QUERY_BUDGET = 12


def _code_of(tenant, member) -> str:
    with tenant.activate():
        return referral_code_ensure(member=member).code


def _sign_up(client: Client, email: str, name: str = "New Member"):
    return client.post(
        SIGNUP_URL,
        {"display_name": name, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def _referrer_of(tenant, email: str) -> int | None:
    with tenant.activate():
        return (
            Referral.objects.filter(referred__email=email)
            .values_list("referrer_id", flat=True)
            .first()
        )


# The member's link -----------------------------------------------------------------------


def test_invite_page_gives_every_member_one_short_unguessable_link(
    client_a, tenant_a, member_factory
):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        client_a.force_login(member)
        assert not ReferralCode.objects.filter(member=member).exists()

    first = client_a.get(INVITE_URL)
    second = client_a.get(INVITE_URL)

    assert first.status_code == HTTPStatus.OK
    with tenant_a.activate():
        (code,) = ReferralCode.objects.filter(member=member).values_list("code", flat=True)
    assert len(code) == CODE_LENGTH and CODE_PATTERN.fullmatch(code)
    link = f"http://{tenant_a.domain}/r/{code}/"
    assert link in first.text and link in second.text
    assert "Copy link" in first.text
    assert "Nobody has signed up through your link yet." in first.text


def test_codes_differ_between_members(tenant_a, member_factory):
    members = [member_factory(tenant_a) for _ in range(20)]
    codes = {_code_of(tenant_a, member) for member in members}
    assert len(codes) == 20


def test_the_invite_page_is_for_signed_in_members(client_a, tenant_a):
    response = client_a.get(INVITE_URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


# Attribution -------------------------------------------------------------------------------


def test_a_sign_up_through_a_link_is_attributed_to_its_owner(
    client_a, tenant_a, member_factory, mailoutbox
):
    referrer = member_factory(tenant_a, display_name="Amara")
    code = _code_of(tenant_a, referrer)

    response = client_a.get(f"/r/{code}/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == SIGNUP_URL
    assert client_a.session[SESSION_KEY] == code
    assert COOKIE_NAME in response.cookies
    signup_page = client_a.get(SIGNUP_URL)
    assert "Amara invited you to" in signup_page.text

    response = _sign_up(client_a, "newcomer@example.com")

    assert response.status_code == HTTPStatus.FOUND
    assert _referrer_of(tenant_a, "newcomer@example.com") == referrer.pk
    assert SESSION_KEY not in client_a.session
    with tenant_a.activate():
        referral = Referral.objects.get(referrer=referrer)
        assert referral.created_at == pytest.approx(timezone.now(), abs=timedelta(minutes=1))


def test_the_cookie_remembers_the_link_when_the_session_is_gone(client_a, tenant_a, member_factory):
    referrer = member_factory(tenant_a)
    code = _code_of(tenant_a, referrer)
    client_a.get(f"/r/{code}/")
    client_a.cookies.pop("sessionid")  # a new browser session, the referral cookie kept

    _sign_up(client_a, "later@example.com")

    assert _referrer_of(tenant_a, "later@example.com") == referrer.pk


@pytest.mark.parametrize("code", ["nosuchcode", "abc", "ZZZZZZZZZZ", "a" * 40, "%00"])
def test_unknown_or_malformed_codes_are_ignored_silently(client_a, tenant_a, code):
    response = client_a.get(f"/r/{code}/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == SIGNUP_URL
    assert SESSION_KEY not in client_a.session
    assert COOKIE_NAME not in response.cookies
    response = _sign_up(client_a, "plain@example.com")
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        assert User.objects.filter(email="plain@example.com").exists()
        assert not Referral.objects.exists()


def test_a_forged_cookie_is_ignored(client_a, tenant_a, member_factory):
    referrer = member_factory(tenant_a)
    code = _code_of(tenant_a, referrer)
    client_a.cookies[COOKIE_NAME] = code  # not signed by the portal

    _sign_up(client_a, "forger@example.com")

    assert _referrer_of(tenant_a, "forger@example.com") is None


def test_a_signed_in_member_following_a_link_is_not_attributed(client_a, tenant_a, member_factory):
    referrer = member_factory(tenant_a)
    visitor = member_factory(tenant_a)
    code = _code_of(tenant_a, referrer)
    with tenant_a.activate():
        client_a.force_login(visitor)

    response = client_a.get(f"/r/{code}/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/"
    assert SESSION_KEY not in client_a.session
    assert COOKIE_NAME not in response.cookies
    with tenant_a.activate():
        assert not Referral.objects.exists()


def test_a_member_is_attributed_once_the_first_link_wins(tenant_a, member_factory):
    first, second, newcomer = (member_factory(tenant_a) for _ in range(3))
    first_code, second_code = _code_of(tenant_a, first), _code_of(tenant_a, second)
    with tenant_a.activate():
        assert referral_attribute(referred=newcomer, code=first_code) is not None
        assert referral_attribute(referred=newcomer, code=second_code) is None
        assert referral_attribute(referred=newcomer, code=first_code) is None
        assert list(Referral.objects.values_list("referrer_id", "referred_id")) == [
            (first.pk, newcomer.pk)
        ]


def test_nobody_refers_themself(tenant_a, member_factory):
    member = member_factory(tenant_a)
    code = _code_of(tenant_a, member)
    with tenant_a.activate():
        assert referral_attribute(referred=member, code=code) is None
        assert not Referral.objects.exists()
        with pytest.raises(IntegrityError), transaction.atomic():
            Referral.objects.create(referrer=member, referred=member)  # the database refuses too


def test_a_deactivated_members_link_is_ignored(client_a, tenant_a, member_factory):
    referrer = member_factory(tenant_a)
    code = _code_of(tenant_a, referrer)
    with tenant_a.activate():
        User.objects.filter(pk=referrer.pk).update(is_active=False)

    client_a.get(f"/r/{code}/")
    _sign_up(client_a, "orphan@example.com")

    assert _referrer_of(tenant_a, "orphan@example.com") is None


def test_codes_are_read_case_insensitively(tenant_a, member_factory):
    referrer, newcomer = member_factory(tenant_a), member_factory(tenant_a)
    code = _code_of(tenant_a, referrer)
    with tenant_a.activate():
        assert referral_attribute(referred=newcomer, code=f"  {code.upper()} ") is not None


# Counts ------------------------------------------------------------------------------------


def _refer(tenant, referrer, count: int, member_factory) -> list:
    code = _code_of(tenant, referrer)
    made = []
    for _ in range(count):
        newcomer = member_factory(tenant)
        with tenant.activate():
            referral_attribute(referred=newcomer, code=code)
        made.append(newcomer)
    return made


def test_the_invite_page_and_the_profile_show_the_count(client_a, tenant_a, member_factory):
    referrer = member_factory(tenant_a, display_name="Amara")
    joined = _refer(tenant_a, referrer, 2, member_factory)
    with tenant_a.activate():
        client_a.force_login(referrer)

    invite = client_a.get(INVITE_URL).text
    own_profile = client_a.get(f"/community/members/{referrer.pk}/").text
    client_a.logout()
    public_profile = client_a.get(f"/community/members/{referrer.pk}/").text

    assert "<strong>2</strong> members signed up through your link" in invite
    assert joined[0].public_name in invite and joined[1].public_name in invite
    assert joined[0].email not in invite
    assert "Invited <strong>2</strong> members who joined" in public_profile
    assert "Invite more colleagues" in own_profile
    assert "Invite more colleagues" not in public_profile


def test_a_profile_without_referrals_says_nothing_of_them(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a)
    response = client_a.get(f"/community/members/{member.pk}/")
    assert "Invited" not in response.text


def test_dashboard_counts_and_weekly_series(tenant_a, member_factory):
    top, other = member_factory(tenant_a), member_factory(tenant_a)
    _refer(tenant_a, top, 3, member_factory)
    _refer(tenant_a, other, 1, member_factory)
    now = timezone.now()
    with tenant_a.activate():
        two_weeks_ago = now - timedelta(weeks=2)
        Referral.objects.filter(referrer=other).update(created_at=two_weeks_ago)

        assert referral_selectors.referral_counts() == {top.pk: 3, other.pk: 1}
        assert referral_selectors.referral_counts(member_ids=[other.pk]) == {other.pk: 1}
        assert referral_selectors.referral_counts(since=now - timedelta(days=1)) == {top.pk: 3}
        assert referral_selectors.referral_total() == 4
        assert referral_selectors.referral_total(until=now - timedelta(days=1)) == 1
        ranking = referral_selectors.top_referrers(limit=5)
        assert [(profile.pk, count) for profile, count in ranking] == [(top.pk, 3), (other.pk, 1)]

        today = timezone.localdate()
        series = referral_selectors.referral_series(start=today - timedelta(weeks=3), end=today)
    assert [row["week"].weekday() for row in series] == [0, 0, 0, 0]
    assert series[-1]["week"] == today - timedelta(days=today.weekday())
    assert [row["referrals"] for row in series] == [0, 1, 0, 3]


def test_the_series_has_a_row_for_every_week_even_without_referrals(tenant_a):
    with tenant_a.activate():
        series = referral_selectors.referral_series(start=date(2024, 1, 3), end=date(2024, 3, 1))
    assert series[0] == {"week": date(2024, 1, 1), "referrals": 0}
    assert len(series) == 9


def test_the_export_holds_the_members_own_referral_data(client_a, tenant_a, member_factory):
    referrer = member_factory(tenant_a, display_name="Amara")
    (newcomer,) = _refer(tenant_a, referrer, 1, member_factory)
    with tenant_a.activate():
        client_a.force_login(newcomer)
    data = client_a.post("/accounts/export/").json()
    assert data["referrals"]["referred_by"]["name"] == "Amara"
    assert referrer.email not in str(data)
    with tenant_a.activate():
        client_a.force_login(referrer)
    data = client_a.post("/accounts/export/").json()
    assert data["referrals"]["signed_up_through_your_link"] == 1
    assert data["referrals"]["code"] == _code_of(tenant_a, referrer)


# Tenant isolation ------------------------------------------------------------------------------


def test_a_link_of_portal_a_means_nothing_on_portal_b(
    client_a, client_b, tenant_a, tenant_b, member_factory
):
    referrer = member_factory(tenant_a)
    code = _code_of(tenant_a, referrer)

    response = client_b.get(f"/r/{code}/")

    assert response["Location"] == SIGNUP_URL
    assert SESSION_KEY not in client_b.session
    _sign_up(client_b, "elsewhere@example.com")
    assert _referrer_of(tenant_b, "elsewhere@example.com") is None
    with tenant_b.activate():
        assert not Referral.objects.exists()
        assert not ReferralCode.objects.filter(code=code).exists()


def test_each_portal_gives_its_own_link(client_b, tenant_a, tenant_b, member_factory):
    member_a = member_factory(tenant_a)
    code_a = _code_of(tenant_a, member_a)
    member_b = member_factory(tenant_b)
    with tenant_b.activate():
        client_b.force_login(member_b)
    text = client_b.get(INVITE_URL).text
    assert f"/r/{code_a}/" not in text
    assert f"http://{tenant_b.domain}/r/{_code_of(tenant_b, member_b)}/" in text


# Query budgets -----------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


def test_the_invite_page_costs_the_same_for_few_or_many_referrals(
    client_a, tenant_a, member_factory, django_assert_max_num_queries
):
    referrer = member_factory(tenant_a)
    with tenant_a.activate():
        client_a.force_login(referrer)
    client_a.get(INVITE_URL)  # the code is made on the first visit
    counts = []
    for total in (1, 25):
        with tenant_a.activate():
            have = Referral.objects.filter(referrer=referrer).count()
        _refer(tenant_a, referrer, total - have, member_factory)
        with django_assert_max_num_queries(QUERY_BUDGET):
            counts.append(_queries(client_a, INVITE_URL))
    assert counts[0] == counts[1]
    print(f"invite page: {counts[0]} queries")


def test_the_profile_counts_referrals_without_a_query_of_its_own(
    client_a, tenant_a, member_factory
):
    referrer = member_factory(tenant_a)
    with tenant_a.activate():
        client_a.force_login(referrer)
    path = f"/community/members/{referrer.pk}/"
    client_a.get(path)
    before = _queries(client_a, path)
    _refer(tenant_a, referrer, 5, member_factory)
    after = _queries(client_a, path)
    assert before == after <= QUERY_BUDGET


def test_a_link_visit_stays_within_budget(client_a, tenant_a, member_factory):
    code = _code_of(tenant_a, member_factory(tenant_a))
    with CaptureQueriesContext(connection) as queries:
        client_a.get(f"/r/{code}/")
    print("\n".join(query["sql"][:150] for query in queries.captured_queries))
    assert len(queries) <= QUERY_BUDGET


# Races ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_through_the_same_link_at_once_are_both_attributed(fresh_tenant):
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        referrer = make_member(email="referrer@example.com")
        code = referral_code_ensure(member=referrer).code
    clients = [Client(HTTP_HOST=tenant.domain) for _ in range(3)]
    for client in clients:
        client.get(f"/r/{code}/")
    errors = race(
        tenant,
        [
            lambda c=client, n=number: _sign_up(c, f"friend{n}@example.com")
            for number, client in enumerate(clients)
        ],
    )
    assert errors == []
    with tenant.activate():
        assert sorted(
            Referral.objects.filter(referrer=referrer).values_list("referred__email", flat=True)
        ) == ["friend0@example.com", "friend1@example.com", "friend2@example.com"]


@pytest.mark.django_db(transaction=True)
def test_one_member_attributed_twice_at_once_is_attributed_once(fresh_tenant):
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        referrers = [make_member(email=f"referrer{n}@example.com") for n in range(4)]
        codes = [referral_code_ensure(member=member).code for member in referrers]
        newcomer = make_member(email="newcomer@example.com")
    errors = race(
        tenant, [lambda c=code: referral_attribute(referred=newcomer, code=c) for code in codes]
    )
    assert errors == []
    with tenant.activate():
        assert Referral.objects.filter(referred=newcomer).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_members_first_code_made_twice_at_once_is_one_code(fresh_tenant):
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        member = make_member(email="member@example.com")
    made: list[str] = []
    errors = race(
        tenant, [lambda: made.append(referral_code_ensure(member=member).code) for _ in range(4)]
    )
    assert errors == []
    with tenant.activate():
        (code,) = ReferralCode.objects.filter(member=member).values_list("code", flat=True)
    assert made == [code] * 4
