"""Giveaways: the draw as a pure function (and the documented snippet), who meets each rule, the
recorded draw re-computed from the database, refusals and a race of two draws, the public pages
with "Check this draw", tenant isolation and query budgets."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from community.giveaway_selectors import eligible_member_ids
from community.giveaway_services import (
    GiveawayError,
    draw_winners,
    entries_digest,
    entries_text,
    giveaway_draw,
)
from community.models import (
    Comment,
    Giveaway,
    GiveawayEntry,
    GiveawayWinner,
    Idea,
    Notification,
    ProductArea,
    Suspension,
)
from portal.sanitize import render_markdown
from tests.community.conftest import START, signed_in_client
from tests.factories.community import community_member
from tests.factories.community_lists import make_answer, make_question
from tests.factories.recognition import make_giveaway

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
DOCS = Path(__file__).resolve().parents[2] / "docs" / "recognition.md"
PERIOD_START = START - timedelta(days=30)
PERIOD_END = START - timedelta(days=1)


@pytest.fixture
def staff(tenant_a, member_factory, clock):
    return member_factory(tenant_a, staff=True, mfa=True, display_name="Sam Staff")


def _answer_at(member, moment, *, question=None):
    question = question or make_question(author=member, created_at=moment - timedelta(days=40))
    return make_answer(question=question, author=member, created_at=moment)


def _comment_at(member, moment, *, question=None, answer=None, **fields):
    body = "A helpful remark for the draw."
    return Comment.objects.create(
        question=question,
        answer=answer,
        author=member,
        body_md=body,
        body_html=render_markdown(body, inline=True),
        created_at=moment,
        **fields,
    )


def _ids(rule=Giveaway.Rule.ANSWERED_OR_COMMENTED):
    return eligible_member_ids(rule=rule, starts_at=PERIOD_START, ends_at=PERIOD_END)


# --- The draw, as a pure function ---------------------------------------------------------


def test_the_same_seed_and_entries_give_the_same_winners():
    seed = "ab" * 32
    first = draw_winners(seed=seed, entry_count=50, winner_count=5)
    assert first == draw_winners(seed=seed, entry_count=50, winner_count=5)
    assert len(first) == 5 and len(set(first)) == 5
    assert all(1 <= position <= 50 for position in first)
    assert draw_winners(seed=seed, entry_count=50, winner_count=3) == first[:3]  # ranks stable


def test_a_different_seed_typically_gives_different_winners():
    results = {
        tuple(draw_winners(seed=secrets.token_hex(32), entry_count=100, winner_count=3))
        for _ in range(20)
    }
    assert len(results) >= 15  # 20 seeds, 970,200 possible ordered results


def test_fewer_entries_than_winners_all_win_and_none_gives_none():
    assert sorted(draw_winners(seed="00" * 32, entry_count=2, winner_count=5)) == [1, 2]
    assert draw_winners(seed="00" * 32, entry_count=0, winner_count=3) == []


def test_the_entry_list_text_and_its_digest():
    entries = [(1, 17), (2, 23), (3, 104)]
    assert entries_text(entries) == "1:17\n2:23\n3:104\n"
    assert entries_digest(entries) == hashlib.sha256(b"1:17\n2:23\n3:104\n").hexdigest()
    assert entries_digest([]) == hashlib.sha256(b"").hexdigest()


def test_the_documented_snippet_repeats_the_draw():
    snippet = re.search(r"### Checking a draw.*?```python\n(.*?)```", DOCS.read_text(), re.S)
    assert snippet, "docs/recognition.md lost its snippet"
    code = snippet.group(1).split("\nentries_text = open(")[0]  # the functions, not the I/O
    namespace: dict = {}
    exec(compile(code, "recognition.md", "exec"), namespace)  # noqa: S102 - our own docs
    for _ in range(10):
        seed = secrets.token_hex(32)
        text = entries_text([(n, 1000 + n) for n in range(1, 41)])
        assert namespace["winners"](seed, text, 4) == draw_winners(
            seed=seed, entry_count=40, winner_count=4
        )


# --- Who takes part ---------------------------------------------------------------------


def test_the_period_includes_its_start_and_excludes_its_end(tenant_a, clock):
    with tenant_a.activate():
        at_start, before_end, at_end, before_start = (community_member(tenant_a) for _ in "1234")
        _answer_at(at_start, PERIOD_START)
        _answer_at(before_end, PERIOD_END - timedelta(microseconds=1))
        _answer_at(at_end, PERIOD_END)
        _answer_at(before_start, PERIOD_START - timedelta(microseconds=1))
        assert _ids() == sorted([at_start.pk, before_end.pk])


def test_hidden_posts_staff_inactive_and_suspended_members_do_not_take_part(
    tenant_a, member_factory, clock
):
    moment = PERIOD_START + timedelta(days=3)
    with tenant_a.activate():
        people = {name: community_member(tenant_a, display_name=name) for name in (
            "ok", "hidden_answer", "hidden_question", "comment_on_hidden_answer",
            "hidden_comment", "inactive", "suspended", "lifted", "commenter",
        )}  # fmt: skip
        staff = member_factory(tenant_a, staff=True)
        _answer_at(people["ok"], moment)
        _answer_at(staff, moment)
        make_answer(
            question=make_question(author=people["ok"]),
            author=people["hidden_answer"],
            created_at=moment,
            hidden_at=moment,
        )
        hidden_question = make_question(author=people["ok"], hidden_at=moment)
        _answer_at(people["hidden_question"], moment, question=hidden_question)
        hidden_answer = _answer_at(people["hidden_answer"], moment)
        hidden_answer.hidden_at = moment
        hidden_answer.save(update_fields=["hidden_at"])
        _comment_at(people["comment_on_hidden_answer"], moment, answer=hidden_answer)
        _comment_at(
            people["hidden_comment"], moment, question=make_question(author=people["ok"]),
            hidden_at=moment,
        )  # fmt: skip
        _comment_at(people["commenter"], moment, question=make_question(author=people["ok"]))
        for name in ("inactive", "suspended", "lifted"):
            _answer_at(people[name], moment)
        people["inactive"].is_active = False
        people["inactive"].save(update_fields=["is_active"])
        Suspension.objects.create(member=people["suspended"], reason="Spam", created_by=staff)
        Suspension.objects.create(
            member=people["lifted"], reason="Oops", created_by=staff, lifted_at=timezone.now()
        )
        expired = community_member(tenant_a)
        _answer_at(expired, moment)
        Suspension.objects.create(
            member=expired,
            reason="Old",
            created_by=staff,
            starts_at=timezone.now() - timedelta(days=20),
            ends_at=timezone.now() - timedelta(days=10),
        )
        assert _ids() == sorted([people["ok"].pk, people["lifted"].pk, people["commenter"].pk,
                                 expired.pk])  # fmt: skip
        assert _ids(Giveaway.Rule.ANSWERED) == sorted(
            [people["ok"].pk, people["lifted"].pk, expired.pk]
        )


def test_asked_submitted_an_idea_and_completed_a_course(tenant_a, clock):
    from courses.models import Enrollment
    from tests.factories.courses import make_course

    moment = PERIOD_START + timedelta(days=2)
    with tenant_a.activate():
        asker, idea_author, hidden_idea, learner, late = (
            community_member(tenant_a) for _ in range(5)
        )
        make_question(author=asker, created_at=moment)
        area = ProductArea.objects.create(name="Billing", slug="billing")
        for author, hidden in ((idea_author, None), (hidden_idea, moment)):
            Idea.objects.create(
                author=author, area=area, title="Monthly invoices as CSV", body_md="Please.",
                body_html="<p>Please.</p>", created_at=moment, hidden_at=hidden,
            )  # fmt: skip
        course = make_course(title="Getting started", lessons=1)
        Enrollment.objects.create(member=learner, course=course, completed_at=moment)
        Enrollment.objects.create(member=late, course=course, completed_at=PERIOD_END)
        assert _ids(Giveaway.Rule.ASKED) == [asker.pk]
        assert _ids(Giveaway.Rule.SUBMITTED_IDEA) == [idea_author.pk]
        assert _ids(Giveaway.Rule.COMPLETED_COURSE) == [learner.pk]
        assert _ids(Giveaway.Rule.ANSWERED) == []


# --- The recorded draw --------------------------------------------------------------------


def _entrants(tenant, count: int) -> list:
    with tenant.activate():
        members = [community_member(tenant) for _ in range(count)]
        question = make_question(author=members[0], created_at=PERIOD_START - timedelta(days=1))
        for number, member in enumerate(members):
            make_answer(
                question=question, author=member, created_at=PERIOD_START + timedelta(hours=number)
            )
        return members


def test_a_draw_is_recorded_and_re_computed_from_the_database_gives_the_same_winners(
    tenant_a, staff, django_capture_on_commit_callbacks
):
    members = _entrants(tenant_a, 7)
    with tenant_a.activate():
        giveaway = make_giveaway(
            created_by=staff, starts_at=PERIOD_START, ends_at=PERIOD_END, winner_count=3
        )
        with django_capture_on_commit_callbacks(execute=True):
            drawn = giveaway_draw(staff=staff, giveaway=giveaway)
        assert len(drawn.seed) == 64 and drawn.drawn_by == staff and drawn.drawn_at
        recorded = list(
            GiveawayEntry.objects.filter(giveaway=giveaway).values_list("position", "member_id")
        )
        assert recorded == list(enumerate(sorted(m.pk for m in members), start=1))
        assert entries_digest(recorded) == drawn.entries_digest
        positions = draw_winners(seed=drawn.seed, entry_count=len(recorded), winner_count=3)
        expected = [dict(recorded)[position] for position in positions]
        winners = list(
            GiveawayWinner.objects.filter(giveaway=giveaway)
            .order_by("rank")
            .values_list("member_id", flat=True)
        )
        assert winners == expected
        notified = Notification.objects.filter(kind=Notification.Kind.GIVEAWAY_WON)
        assert sorted(notified.values_list("member_id", flat=True)) == sorted(expected)
        assert set(notified.values_list("url", flat=True)) == {
            f"/community/giveaways/{giveaway.pk}/"
        }


def test_a_draw_is_refused_before_the_end_and_the_second_time(tenant_a, staff, clock):
    _entrants(tenant_a, 2)
    with tenant_a.activate():
        running = make_giveaway(
            created_by=staff, starts_at=PERIOD_START, ends_at=START + timedelta(hours=1)
        )
        with pytest.raises(GiveawayError, match="draw the winners after that"):
            giveaway_draw(staff=staff, giveaway=running)
        assert not GiveawayEntry.objects.exists()
        clock.shift(timedelta(hours=1))
        giveaway_draw(staff=staff, giveaway=running)
        seed = Giveaway.objects.get(pk=running.pk).seed
        with pytest.raises(GiveawayError, match="already drawn"):
            giveaway_draw(staff=staff, giveaway=running)
        assert Giveaway.objects.get(pk=running.pk).seed == seed
        assert GiveawayWinner.objects.count() == 1


def test_fewer_entries_than_winners_all_win_and_nobody_means_no_winner(tenant_a, staff):
    members = _entrants(tenant_a, 2)
    with tenant_a.activate():
        giveaway = make_giveaway(
            created_by=staff, starts_at=PERIOD_START, ends_at=PERIOD_END, winner_count=5
        )
        giveaway_draw(staff=staff, giveaway=giveaway)
        assert sorted(giveaway.winners.values_list("member_id", flat=True)) == sorted(
            m.pk for m in members
        )
        empty = make_giveaway(
            created_by=staff,
            starts_at=PERIOD_END + timedelta(minutes=1),
            ends_at=PERIOD_END + timedelta(minutes=2),
            title="Nobody came",
        )
        drawn = giveaway_draw(staff=staff, giveaway=empty)
        assert drawn.drawn_at and not drawn.winners.exists()
        assert drawn.entries_digest == hashlib.sha256(b"").hexdigest()


def test_members_without_the_permission_cannot_draw(tenant_a, staff):
    with tenant_a.activate():
        giveaway = make_giveaway(created_by=staff, starts_at=PERIOD_START, ends_at=PERIOD_END)
        member = community_member(tenant_a)
        with pytest.raises(GiveawayError, match="permission"):
            giveaway_draw(staff=member, giveaway=giveaway)


def test_two_draws_at_once_make_one_draw(fresh_tenant, member_factory):
    from tests.concurrency import race

    tenant = fresh_tenant()
    staff = [member_factory(tenant, staff=True) for _ in range(2)]
    now = timezone.now()
    with tenant.activate():
        members = [community_member(tenant) for _ in range(4)]
        question = make_question(author=members[0], created_at=now - timedelta(days=9))
        for member in members:
            make_answer(question=question, author=member, created_at=now - timedelta(days=5))
        giveaway = make_giveaway(
            created_by=staff[0], starts_at=now - timedelta(days=7), ends_at=now - timedelta(days=1)
        )
    errors = race(
        tenant,
        [lambda s=s: giveaway_draw(staff=s, giveaway=giveaway) for s in staff],
    )
    assert len(errors) == 1 and "already drawn" in str(errors[0]), errors
    with tenant.activate():
        assert GiveawayEntry.objects.filter(giveaway=giveaway).count() == 4
        assert GiveawayWinner.objects.filter(giveaway=giveaway).count() == 1
        assert Notification.objects.filter(kind=Notification.Kind.GIVEAWAY_WON).count() == 1


# --- The public pages ---------------------------------------------------------------------


def test_the_giveaway_page_shows_winners_and_how_to_check_the_draw(client_a, tenant_a, staff):
    members = _entrants(tenant_a, 4)
    with tenant_a.activate():
        giveaway = make_giveaway(
            created_by=staff, starts_at=PERIOD_START, ends_at=PERIOD_END, winner_count=2
        )
        drawn = giveaway_draw(staff=staff, giveaway=giveaway)
        winner_names = [w.member.public_name for w in drawn.winners.select_related("member")]
    html = client_a.get(f"/community/giveaways/{giveaway.pk}/").text
    assert "Winners drawn" in html
    for name in winner_names:
        assert name in html
    assert drawn.seed in html and drawn.entries_digest in html
    assert "Check this draw" in html
    assert "hmac.new(seed.encode" in html
    for position, member in enumerate(sorted(members, key=lambda m: m.pk), start=1):
        assert f"<td>{position}</td><td>{member.pk}</td><td>{member.public_name}</td>" in html
    assert "@" not in re.sub(r"<[^>]+>", "", html.split("<main")[-1])  # no e-mail addresses
    text = client_a.get(f"/community/giveaways/{giveaway.pk}/entries.txt")
    assert text["Content-Type"].startswith("text/plain")
    assert hashlib.sha256(text.content).hexdigest() == drawn.entries_digest

    listing = client_a.get("/community/giveaways/").text
    assert drawn.title in listing and winner_names[0] in listing


def test_before_the_draw_a_member_sees_whether_they_take_part(client_a, tenant_a, staff):
    with tenant_a.activate():
        giveaway = make_giveaway(
            created_by=staff, starts_at=START - timedelta(days=2), ends_at=START + timedelta(days=5)
        )
        member = community_member(tenant_a)
    html = client_a.get(f"/community/giveaways/{giveaway.pk}/").text
    assert "Open now" in html and "Check this draw" not in html
    client = signed_in_client(client_a, tenant_a, member)
    assert (
        "To take part, answer or comment on a question"
        in client.get(f"/community/giveaways/{giveaway.pk}/").text
    )
    with tenant_a.activate():
        _comment_at(member, START - timedelta(hours=1), question=make_question(author=staff))
    assert "You take part" in client.get(f"/community/giveaways/{giveaway.pk}/").text
    assert client.get(f"/community/giveaways/{giveaway.pk}/entries.txt").status_code == 404


def test_unknown_giveaways_are_not_found(client_a):
    assert client_a.get("/community/giveaways/999999/").status_code == HTTPStatus.NOT_FOUND
    assert client_a.get("/community/giveaways/999999/entries.txt").status_code == 404
    assert client_a.get("/community/giveaways/?page=zz").status_code == HTTPStatus.OK


def test_giveaways_of_one_portal_never_reach_another(client_a, client_b, tenant_a, staff):
    _entrants(tenant_a, 2)
    with tenant_a.activate():
        giveaway = make_giveaway(
            created_by=staff, starts_at=PERIOD_START, ends_at=PERIOD_END, title="Only on A"
        )
        giveaway_draw(staff=staff, giveaway=giveaway)
    assert "Only on A" in client_a.get("/community/giveaways/").text
    assert "Only on A" not in client_b.get("/community/giveaways/").text
    assert client_b.get(f"/community/giveaways/{giveaway.pk}/").status_code == 404
    assert client_b.get(f"/community/giveaways/{giveaway.pk}/entries.txt").status_code == 404


# --- Query budgets ---------------------------------------------------------------------------


def _measure(client, path: str, assert_max) -> int:
    client.get(path)
    with assert_max(QUERY_BUDGET), CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_giveaway_pages_cost_the_same_for_few_or_many_entries(
    client_a, tenant_a, staff, django_assert_max_num_queries, signed_in
):
    if signed_in:
        with tenant_a.activate():
            viewer = community_member(tenant_a)
        signed_in_client(client_a, tenant_a, viewer)
    counts = {"list": [], "drawn": [], "open": []}
    for size in (3, 60):
        members = _entrants(tenant_a, size)
        with tenant_a.activate():
            for number in range(size):
                make_giveaway(
                    created_by=staff,
                    starts_at=PERIOD_START - timedelta(days=400 + number),
                    ends_at=PERIOD_START - timedelta(days=399 + number),
                )
            drawn = make_giveaway(
                created_by=staff,
                starts_at=PERIOD_START,
                ends_at=PERIOD_END,
                winner_count=min(size, 10),
            )
            giveaway_draw(staff=staff, giveaway=drawn)
            assert drawn.entries.count() >= len(members)
            running = make_giveaway(
                created_by=staff,
                starts_at=START - timedelta(days=1),
                ends_at=START + timedelta(days=1),
            )
        counts["list"].append(
            _measure(client_a, "/community/giveaways/", django_assert_max_num_queries)
        )
        counts["drawn"].append(
            _measure(client_a, f"/community/giveaways/{drawn.pk}/", django_assert_max_num_queries)
        )
        counts["open"].append(
            _measure(client_a, f"/community/giveaways/{running.pk}/", django_assert_max_num_queries)
        )
    for page, measured in counts.items():
        assert measured[0] == measured[1], (page, measured)
    print(f"giveaways signed_in={signed_in}: {counts}")  # noqa: T201
