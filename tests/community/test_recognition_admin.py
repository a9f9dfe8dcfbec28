"""The staff screens of recognition in the Wagtail admin (Community › Recognition awards and ›
Giveaways): permissions, giving and revoking an award, creating, editing and drawing a
giveaway, tenant isolation and query budgets."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from certification.models import BadgeAward
from community.models import Giveaway, GiveawayWinner, Notification
from tests.community.conftest import START, signed_in_client
from tests.factories.community import community_member
from tests.factories.community_lists import make_answer, make_question
from tests.factories.recognition import make_giveaway, make_recognition_badge, make_staff

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
RECOGNITION = "/admin/community/recognition/"
GIVEAWAYS = "/admin/community/giveaways/"
CITATION = "For 40 helpful answers on deployment in May."


@pytest.fixture
def root(tenant_a, clock):
    with tenant_a.activate():
        return make_staff(email="root@a.localhost", superuser=True, display_name="Root")


@pytest.fixture
def member(tenant_a, clock):
    return community_member(tenant_a, display_name="Amara Okafor", email="amara@a.localhost")


@pytest.fixture
def badge(tenant_a):
    with tenant_a.activate():
        return make_recognition_badge(name="Member of the month")


def test_staff_without_the_permissions_get_a_403_naming_them(client_a, tenant_a, clock):
    with tenant_a.activate():
        editor = make_staff(email="editor@a.localhost")
    client = signed_in_client(client_a, tenant_a, editor)
    for path, permission in (
        (RECOGNITION, "Can review MVP nominations and revoke badges"),
        (GIVEAWAYS, "Can create giveaways and draw their winners"),
        (f"{GIVEAWAYS}add/", "Can create giveaways"),
    ):
        response = client.get(path)
        assert response.status_code == HTTPStatus.FORBIDDEN, path
        assert permission in response.text
    assert client.post(RECOGNITION, {}).status_code == HTTPStatus.FORBIDDEN
    home = client.get("/admin/").text
    assert "Recognition awards" not in home and 'name="giveaways"' not in home


def test_members_are_sent_to_the_admin_login(client_a, tenant_a, member):
    client = signed_in_client(client_a, tenant_a, member)
    assert client.get(RECOGNITION).status_code == HTTPStatus.FOUND
    assert client.get(GIVEAWAYS).status_code == HTTPStatus.FOUND


def test_staff_give_a_recognition_award_from_the_admin(client_a, tenant_a, member, badge, clock):
    with tenant_a.activate():
        giver = make_staff(email="badges@a.localhost", codenames=("manage_badges",))
    client = signed_in_client(client_a, tenant_a, giver)
    page = client.get(f"{RECOGNITION}?member={member.pk}")
    assert page.status_code == HTTPStatus.OK
    assert 'value="amara@a.localhost"' in page.text
    unknown = client.post(
        RECOGNITION, {"member": "nobody@a.localhost", "badge": badge.pk, "citation": CITATION}
    )
    assert unknown.status_code == HTTPStatus.BAD_REQUEST
    assert "No member of this portal has that e-mail address." in unknown.text
    short = client.post(
        RECOGNITION, {"member": "amara@a.localhost", "badge": badge.pk, "citation": "Great!"}
    )
    assert short.status_code == HTTPStatus.BAD_REQUEST
    assert "at least 10 characters" in short.text
    given = client.post(
        RECOGNITION, {"member": "AMARA@a.localhost", "badge": badge.pk, "citation": CITATION}
    )
    assert given.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        award = BadgeAward.objects.get(member=member)
        assert award.citation == CITATION and award.awarded_by == giver
        note = Notification.objects.get(member=member, kind=Notification.Kind.THANKED)
        assert note.text == "Recognised: Member of the month"
        assert note.url == f"/verify/{award.public_id}/"
    listing = client.get(RECOGNITION).text
    assert CITATION in listing and f"/verify/{award.public_id}/" in listing
    again = client.post(
        RECOGNITION, {"member": "amara@a.localhost", "badge": badge.pk, "citation": CITATION}
    )
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert "less than a day ago" in again.text
    wall = client_a.get("/community/thanks/?show=recognition").text
    assert "Recognised: " in wall and CITATION in wall

    revoke = f"{RECOGNITION}{award.pk}/revoke/"
    assert client.get(revoke).status_code == HTTPStatus.OK
    assert client.post(revoke, {"reason": ""}).status_code == HTTPStatus.BAD_REQUEST
    assert client.post(revoke, {"reason": "Wrong member."}).status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        award.refresh_from_db()
        assert award.revoked_at is not None
    assert CITATION not in client_a.get("/community/thanks/").text


def test_without_a_recognition_badge_the_screen_says_how_to_make_one(client_a, tenant_a, root):
    client = signed_in_client(client_a, tenant_a, root)
    html = client.get(RECOGNITION).text
    assert "There is no active recognition badge yet" in html
    assert "/admin/snippets/certification/badge/add/" in html


def test_staff_create_edit_and_draw_a_giveaway(client_a, tenant_a, root, clock):
    with tenant_a.activate():
        entrants = [community_member(tenant_a) for _ in range(3)]
        question = make_question(author=entrants[0], created_at=START - timedelta(days=20))
        for entrant in entrants:
            make_answer(question=question, author=entrant, created_at=START - timedelta(days=5))
        giver = make_staff(email="prizes@a.localhost", codenames=("manage_giveaways",))
    client = signed_in_client(client_a, tenant_a, giver)
    form = {
        "title": "Hoodies for helpers",
        "description": "Two hoodies.",
        "rule": "answered",
        "starts_at": "2030-05-06T10:00",
        "ends_at": "2030-05-06T09:00",
        "winner_count": "2",
    }
    bad = client.post(f"{GIVEAWAYS}add/", form)
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    assert "The period must end after it starts." in bad.text
    form.update(starts_at="2030-04-26T00:00", ends_at="2030-05-06T10:00")
    created = client.post(f"{GIVEAWAYS}add/", form)
    assert created.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        giveaway = Giveaway.objects.get(title="Hoodies for helpers")
    detail = f"{GIVEAWAYS}{giveaway.pk}/"
    assert "You can draw the winners once the period ends." in client.get(detail).text
    early = client.post(f"{detail}draw/", follow=True)
    assert "draw the winners after that" in early.text
    edited = client.post(f"{detail}edit/", {**form, "ends_at": "2030-05-06T08:00"})
    assert edited.status_code == HTTPStatus.FOUND
    form["ends_at"] = "2030-05-06T08:00"
    fixed = client.post(f"{detail}edit/", {**form, "winner_count": "3"})
    assert fixed.status_code == HTTPStatus.BAD_REQUEST
    assert "the rule, the dates and the number of winners are fixed" in fixed.text
    page = client.get(detail).text
    assert "Draw winners" in page
    drawn = client.post(f"{detail}draw/", follow=True)
    assert "Winners drawn: 2 winners notified." in drawn.text
    with tenant_a.activate():
        giveaway.refresh_from_db()
        assert giveaway.seed and GiveawayWinner.objects.filter(giveaway=giveaway).count() == 2
    assert giveaway.seed in drawn.text
    twice = client.post(f"{detail}draw/", follow=True)
    assert "already drawn" in twice.text
    assert client.post(f"{detail}edit/", form).status_code == HTTPStatus.BAD_REQUEST
    assert "Hoodies for helpers" in client.get(GIVEAWAYS).text


def test_admin_rows_of_one_portal_are_not_found_on_another(
    client_a, client_b, tenant_a, tenant_b, member, badge, root, member_factory
):
    from community.thanks_services import recognition_give

    with tenant_a.activate():
        award = recognition_give(staff=root, member=member, badge=badge, citation=CITATION)
        giveaway = make_giveaway(
            created_by=root, starts_at=START - timedelta(days=3), ends_at=START - timedelta(days=1)
        )
    with tenant_b.activate():
        root_b = make_staff(email="root@b.localhost", superuser=True)
    client = signed_in_client(client_b, tenant_b, root_b)
    assert client.get(f"{RECOGNITION}{award.pk}/revoke/").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"{GIVEAWAYS}{giveaway.pk}/").status_code == HTTPStatus.NOT_FOUND
    assert client.post(f"{GIVEAWAYS}{giveaway.pk}/draw/").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"{GIVEAWAYS}{giveaway.pk}/edit/").status_code == HTTPStatus.NOT_FOUND
    assert CITATION not in client.get(RECOGNITION).text


def _measure(client, path: str, assert_max) -> int:
    client.get(path)
    with assert_max(QUERY_BUDGET), CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


def test_the_admin_screens_cost_the_same_for_few_or_many_rows(
    client_a, tenant_a, root, badge, django_assert_max_num_queries
):
    client = signed_in_client(client_a, tenant_a, root)
    counts = {"recognition": [], "giveaways": []}
    for total in (2, 30):
        with tenant_a.activate():
            have = BadgeAward.objects.count()
            for _ in range(have, total):
                BadgeAward.objects.create(
                    member=community_member(tenant_a), badge=badge, awarded_by=root
                )
                make_giveaway(
                    created_by=root,
                    starts_at=START - timedelta(days=3),
                    ends_at=START - timedelta(days=1),
                )
        counts["recognition"].append(_measure(client, RECOGNITION, django_assert_max_num_queries))
        counts["giveaways"].append(_measure(client, GIVEAWAYS, django_assert_max_num_queries))
    for screen, measured in counts.items():
        assert measured[0] == measured[1], (screen, measured)
    print(f"recognition admin: {counts}")  # noqa: T201
