"""Staff review MVP nominations and manage MVP titles in the Wagtail admin (real admin POSTs):
the queue, approve (award or renew), decline, renew and revoke from the MVP list, the member
search, permissions, isolation between portals and query budgets."""

from datetime import timedelta
from html import unescape
from http import HTTPStatus

from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from dateutil.relativedelta import relativedelta

from certification.models import AcceptedAnswer, Badge, BadgeAward, Nomination
from certification.mvp_services import (
    ALREADY_REVIEWED,
    DECLINE_NOTE_REQUIRED,
    MVP_INACTIVE,
    REVOKE_REASON_REQUIRED,
    mvp_badge_get_or_create,
)
from tests.certification.conftest import START
from tests.factories.certification import make_certification, take_exam
from tests.factories.mvp import make_mvp, make_nomination

pytestmark = pytest.mark.django_db

QUEUE = "/admin/certification/mvp/"
MVPS = "/admin/certification/mvp/mvps/"
SEARCH = "/admin/certification/mvp/members/"
QUERY_BUDGET = 12


@pytest.fixture
def staff_client(client_a, tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True, mfa=True, display_name="Reviewer Rae")
    with tenant_a.activate():
        client_a.force_login(staff)
    client_a.staff = staff
    return client_a


@pytest.fixture
def people(tenant_a, member_factory):
    """A nominee and two nominators of portal A."""
    return {
        "nominee": member_factory(tenant_a, display_name="Grace Helper"),
        "first": member_factory(tenant_a, display_name="Nominator One"),
        "second": member_factory(tenant_a, display_name="Nominator Two"),
    }


@pytest.fixture
def nominations(tenant_a, people):
    with tenant_a.activate():
        return [
            make_nomination(
                nominee=people["nominee"],
                nominated_by=people["first"],
                reason="Wrote the kindest <em>networking</em> guide of the year.",
                expertise="Networking",
            ),
            make_nomination(
                nominee=people["nominee"],
                nominated_by=people["second"],
                reason="Answered forty questions about routing this spring.",
                expertise="Routing, networking",
            ),
        ]


def _approve(client, nomination, **data):
    return client.post(f"{QUEUE}{nomination.pk}/approve/", data)


def test_the_queue_groups_pending_nominations_by_nominee_with_their_evidence(
    staff_client, tenant_a, people, nominations, member_factory
):
    other = member_factory(tenant_a, display_name="Other Nominee")
    with tenant_a.activate():
        make_nomination(nominee=other, nominated_by=people["first"])
        certification = make_certification(name="Cloud Pro")
        take_exam(member=people["nominee"], exam=certification.exam)
        for answer_id in (1, 2, 3):
            AcceptedAnswer.objects.create(answer_id=answer_id, member=people["nominee"])
    page = staff_client.get(QUEUE)
    assert page.status_code == HTTPStatus.OK
    text = page.text
    assert text.count("Grace Helper <span") == 1 and "Other Nominee" in text
    assert "2 nominations" in text and "3 accepted answers" in text and "Cloud Pro" in text
    assert "Nominator One" in text and "Nominator Two" in text
    assert "Wrote the kindest &lt;em&gt;networking&lt;/em&gt; guide" in text
    assert f'href="{QUEUE}{nominations[0].pk}/"' in text
    review = staff_client.get(f"{QUEUE}{nominations[0].pk}/")
    assert review.status_code == HTTPStatus.OK
    assert 'value="Networking, Routing"' in review.text  # the nominations' expertise, merged


def test_approving_awards_the_title_for_a_year_and_emails_only_the_nominee(
    clock, staff_client, tenant_a, people, nominations, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _approve(
            staff_client, nominations[1], note="Clear case.", expertise="Routing,  BGP"
        )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == QUEUE
    with tenant_a.activate():
        award = BadgeAward.objects.select_related("badge").get()
        reviewed = list(Nomination.objects.order_by("pk"))
    assert award.badge.kind == Badge.Kind.MVP and award.badge.name == "Most Valuable Professional"
    assert award.badge.slug == "mvp" and award.badge.validity_months == 12
    assert award.member == people["nominee"] and award.awarded_by == staff_client.staff
    assert award.issued_at == START and award.expires_at == START + relativedelta(months=12)
    assert award.expertise == "Routing, BGP" and award.is_valid
    assert [n.status for n in reviewed] == ["approved", "approved"]
    assert {n.award_id for n in reviewed} == {award.pk}
    assert {n.review_note for n in reviewed} == {"Clear case."}
    assert {n.reviewed_by_id for n in reviewed} == {staff_client.staff.pk}
    (message,) = mail.outbox  # nominators are not emailed
    assert message.to == [people["nominee"].email]
    assert message.subject == "[Alpha Academy] You are an MVP: Most Valuable Professional"
    assert f"/verify/{award.public_id}/" in message.body
    assert "until 6 May 2031" in message.body
    assert "Grace Helper" in staff_client.get("/certification/mvp/").text
    assert staff_client.get(QUEUE).text.count("Grace Helper <span") == 0


def test_approving_a_current_mvp_renews_the_title_from_its_expiry(
    staff_client, tenant_a, people, clock, django_capture_on_commit_callbacks
):
    with tenant_a.activate():
        first = make_mvp(member=people["nominee"], nominated_by=people["first"])
    mail.outbox.clear()
    clock.shift(timedelta(days=300))
    with tenant_a.activate():
        staff_client.force_login(staff_client.staff)
        renewal = make_nomination(nominee=people["nominee"], nominated_by=people["second"])
    review = staff_client.get(f"{QUEUE}{renewal.pk}/")
    assert "Holds the MVP title until 6 May 2031" in review.text
    with django_capture_on_commit_callbacks(execute=True):
        assert _approve(staff_client, renewal, expertise="").status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        first.refresh_from_db()
        renewed = BadgeAward.objects.get(current=True)
    assert renewed.renewed_from == first and renewed.expertise == ""
    assert renewed.expires_at == first.expires_at + relativedelta(months=12)
    assert not first.current and first.superseded_at == renewed.issued_at
    assert first.status == BadgeAward.Status.RENEWED
    (message,) = mail.outbox
    assert message.subject.startswith("[Alpha Academy] Renewed:") and "6 May 2032" in message.body


def test_declining_needs_a_note_and_declines_all_pending_nominations_of_the_nominee(
    staff_client, tenant_a, nominations
):
    refused = staff_client.post(f"{QUEUE}{nominations[0].pk}/decline/", {"note": "  "})
    assert refused.status_code == HTTPStatus.OK
    assert DECLINE_NOTE_REQUIRED in unescape(refused.text)
    with tenant_a.activate():
        assert set(Nomination.objects.values_list("status", flat=True)) == {"pending"}
    response = staff_client.post(
        f"{QUEUE}{nominations[0].pk}/decline/", {"note": "Not enough activity yet."}
    )
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        assert set(Nomination.objects.values_list("status", flat=True)) == {"declined"}
        assert set(Nomination.objects.values_list("review_note", flat=True)) == {
            "Not enough activity yet."
        }
        assert not BadgeAward.objects.exists()
    assert mail.outbox == []  # the note is for the staff records


def test_a_reviewed_nomination_cannot_be_approved_or_declined_again(
    staff_client, tenant_a, nominations, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _approve(staff_client, nominations[0])
    for url, data in (
        (f"{QUEUE}{nominations[0].pk}/approve/", {}),
        (f"{QUEUE}{nominations[1].pk}/approve/", {}),
        (f"{QUEUE}{nominations[0].pk}/decline/", {"note": "Changed my mind."}),
    ):
        again = staff_client.post(url, data)
        assert again.status_code == HTTPStatus.OK
        assert ALREADY_REVIEWED in unescape(again.text) or "already reviewed" in again.text
    with tenant_a.activate():
        assert BadgeAward.objects.count() == 1
        assert set(Nomination.objects.values_list("status", flat=True)) == {"approved"}
    assert len(mail.outbox) == 1


def test_an_inactive_mvp_badge_is_not_awarded(staff_client, tenant_a, nominations):
    with tenant_a.activate():
        badge = mvp_badge_get_or_create()
        badge.active = False
        badge.save(update_fields=["active"])
    response = _approve(staff_client, nominations[0])
    assert response.status_code == HTTPStatus.OK
    assert MVP_INACTIVE in unescape(response.text)
    with tenant_a.activate():
        assert not BadgeAward.objects.exists()
        assert set(Nomination.objects.values_list("status", flat=True)) == {"pending"}


def test_staff_renew_a_title_for_a_year_from_the_mvp_list(
    staff_client, tenant_a, people, clock, django_capture_on_commit_callbacks
):
    with tenant_a.activate():
        award = make_mvp(member=people["nominee"], nominated_by=people["first"])
    clock.shift(timedelta(days=280))
    with tenant_a.activate():
        staff_client.force_login(staff_client.staff)
        pending = make_nomination(nominee=people["nominee"], nominated_by=people["second"])
    mail.outbox.clear()
    listing = staff_client.get(MVPS)
    assert "Grace Helper" in listing.text and f"{MVPS}{award.pk}/renew/" in listing.text
    assert staff_client.get(f"{MVPS}{award.pk}/renew/").status_code == HTTPStatus.OK
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{MVPS}{award.pk}/renew/")
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        renewed = BadgeAward.objects.get(current=True)
        pending.refresh_from_db()
    assert renewed.renewed_from_id == award.pk
    assert renewed.expires_at == award.expires_at + relativedelta(months=12)
    assert pending.status == Nomination.Status.APPROVED and pending.award == renewed
    assert len(mail.outbox) == 1
    stale = staff_client.post(f"{MVPS}{award.pk}/renew/", follow=True)
    assert "no longer current" in unescape(stale.text)
    with tenant_a.activate():
        assert BadgeAward.objects.count() == 2


def test_staff_revoke_a_title_with_a_reason_and_the_member_is_told(
    staff_client, tenant_a, people, django_capture_on_commit_callbacks
):
    with tenant_a.activate():
        award = make_mvp(member=people["nominee"], nominated_by=people["first"])
    mail.outbox.clear()
    url = f"{MVPS}{award.pk}/revoke/"
    refused = staff_client.post(url, {"reason": ""})
    assert refused.status_code == HTTPStatus.OK
    assert REVOKE_REASON_REQUIRED in unescape(refused.text)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"reason": "Copied answers <verbatim>"})
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        award.refresh_from_db()
    assert award.status == BadgeAward.Status.REVOKED and not award.current
    assert award.revoked_by == staff_client.staff
    (message,) = mail.outbox
    assert message.to == [people["nominee"].email]
    assert "Reason: Copied answers <verbatim>" in message.body
    assert "Grace Helper" not in staff_client.get("/certification/mvp/").text
    assert "Grace Helper" not in staff_client.get(MVPS).text
    again = staff_client.post(url, {"reason": "Twice"})
    assert "already revoked" in again.text
    assert len(mail.outbox) == 1


def test_staff_find_members_by_name_or_email_to_nominate(staff_client, people):
    page = staff_client.get(f"{SEARCH}?q=grace")
    assert page.status_code == HTTPStatus.OK
    assert people["nominee"].email in page.text
    assert f"/certification/mvp/nominate/?member={people['nominee'].pk}" in page.text
    by_email = staff_client.get(f"{SEARCH}?q={people['first'].email}")
    assert "Nominator One" in by_email.text and "Grace Helper" not in by_email.text
    assert "No member matches" in staff_client.get(f"{SEARCH}?q=nobody-at-all").text
    assert staff_client.get(f"{SEARCH}?q=").status_code == HTTPStatus.OK


def test_the_menu_offers_the_mvp_screens(staff_client):
    page = staff_client.get("/admin/")
    assert "MVP nominations" in page.text and QUEUE in page.text and MVPS in page.text


def test_members_and_staff_without_the_permission_are_refused(
    client_a, tenant_a, member_factory, nominations
):
    urls = [QUEUE, MVPS, SEARCH, f"{QUEUE}{nominations[0].pk}/"]
    approve = f"{QUEUE}{nominations[0].pk}/approve/"
    member = member_factory(tenant_a, mfa=True)
    with tenant_a.activate():
        client_a.force_login(member)
    for url in urls:
        assert client_a.get(url).status_code == HTTPStatus.FOUND
    assert "/login/" in client_a.post(approve)["Location"]
    editor = member_factory(tenant_a, mfa=True)
    with tenant_a.activate():
        editor.is_staff = True
        editor.save(update_fields=["is_staff"])
        group = Group.objects.create(name="Admin access only")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        editor.groups.add(group)
        client_a.force_login(editor)
    assert "MVP nominations" not in client_a.get("/admin/").text
    for response in [*(client_a.get(url) for url in urls), client_a.post(approve)]:
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
        if response.status_code == HTTPStatus.FOUND:
            assert response["Location"] == "/admin/"  # Wagtail's "permission denied"
    with tenant_a.activate():
        assert not BadgeAward.objects.exists()
        group.permissions.add(Permission.objects.get(codename="manage_badges"))
    assert client_a.get(QUEUE).status_code == HTTPStatus.OK
    assert client_a.post(approve).status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        assert BadgeAward.objects.count() == 1


def test_nominations_and_titles_of_a_are_not_found_on_b(
    client_b, tenant_a, tenant_b, member_factory, people, nominations
):
    with tenant_a.activate():
        award = make_mvp(
            member=member_factory(tenant_a, display_name="Alpha Star"),
            nominated_by=people["first"],
        )
    staff_b = member_factory(tenant_b, staff=True, mfa=True)
    with tenant_b.activate():
        client_b.force_login(staff_b)
    for url in ("/", "/approve/", "/decline/"):
        full = f"{QUEUE}{nominations[0].pk}{url}"
        assert client_b.get(full).status_code == HTTPStatus.NOT_FOUND
        assert client_b.post(full, {"note": "x"}).status_code == HTTPStatus.NOT_FOUND
    for action in ("renew", "revoke"):
        full = f"{MVPS}{award.pk}/{action}/"
        assert client_b.get(full).status_code == HTTPStatus.NOT_FOUND
        assert client_b.post(full, {"reason": "x"}).status_code == HTTPStatus.NOT_FOUND
    assert "Grace Helper" not in client_b.get(QUEUE).text
    assert "Alpha Star" not in client_b.get(MVPS).text
    assert "Grace Helper" not in client_b.get(f"{SEARCH}?q=grace").text
    with tenant_a.activate():
        assert set(Nomination.objects.values_list("status", flat=True)) == {"pending", "approved"}
        assert BadgeAward.objects.get().revoked_at is None


def _queries(client, url: str) -> int:
    client.get(url)  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == HTTPStatus.OK
    assert len(queries) <= QUERY_BUDGET, "\n".join(q["sql"][:150] for q in queries)
    return len(queries)


def test_the_queue_and_the_mvp_list_cost_the_same_for_1_or_5_members(
    staff_client, tenant_a, member_factory, people
):
    with tenant_a.activate():
        certification = make_certification(name="Budget Cert")
    counts: dict[str, list[int]] = {QUEUE: [], MVPS: [], "review": []}
    made = 0
    for total in (1, 5):
        while made < total:
            made += 1
            nominee = member_factory(tenant_a)
            mvp = member_factory(tenant_a)
            with tenant_a.activate():
                take_exam(member=nominee, exam=certification.exam)
                first = make_nomination(nominee=nominee, nominated_by=people["first"])
                make_nomination(nominee=nominee, nominated_by=people["second"])
                make_mvp(member=mvp, nominated_by=people["first"])
        for url in (QUEUE, MVPS):
            counts[url].append(_queries(staff_client, url))
        counts["review"].append(_queries(staff_client, f"{QUEUE}{first.pk}/"))
    for url, (small, large) in counts.items():
        assert small == large, url
        print(f"{url}: {small} queries")
