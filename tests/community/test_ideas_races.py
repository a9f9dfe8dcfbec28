"""Ideas under concurrency: 200 members voting at once count exactly; two staff merging two
items into each other at once end with one merge, never a deadlock or a cycle; votes cast on a
duplicate while it is merged all end up counted on the target exactly once."""

import contextlib

import pytest

from community import idea_services as services
from community.models import Idea, IdeaFollow, IdeaVote
from tests.concurrency import race
from tests.factories.accounts import make_member
from tests.factories.ideas import make_idea, make_idea_manager

pytestmark = pytest.mark.django_db(transaction=True)


def test_200_concurrent_votes_on_one_idea_count_exactly(fresh_tenant):
    """200 members vote on one idea at once (150 up, 50 down): 50 threads (50 connections),
    each casting 4 votes in a row, released together by a barrier."""
    tenant = fresh_tenant()
    with tenant.activate():
        author = make_member(email="author@example.com")
        voters = [make_member(email=f"voter{n}@example.com") for n in range(200)]
        idea = make_idea(author=author, title="Export invoices as CSV")

    def votes(members):
        for member in members:
            value = -1 if member.email.startswith(("voter1", "voter9")) else 1
            services.idea_vote(member=member, idea=idea, value=value)

    errors = race(tenant, [lambda chunk=voters[n::50]: votes(chunk) for n in range(50)])
    assert errors == []
    with tenant.activate():
        down = sum(m.email.startswith(("voter1", "voter9")) for m in voters)
        idea = Idea.objects.get(pk=idea.pk)
        assert IdeaVote.objects.filter(idea=idea).count() == 200
        assert idea.score == (200 - down) - down
        assert idea.score == sum(IdeaVote.objects.filter(idea=idea).values_list("value", flat=True))
        assert idea.follower_count == IdeaFollow.objects.filter(idea=idea).count() == 1 + 200 - down


def test_two_merges_of_two_items_into_each_other_end_as_one(fresh_tenant):
    tenant = fresh_tenant()
    with tenant.activate():
        staff = [make_idea_manager(email=f"pm{n}@example.com", superuser=True) for n in (1, 2)]
        authors = [make_member(email=f"author{n}@example.com") for n in (1, 2)]
        first = make_idea(author=authors[0], title="Dark theme for the console")
        second = make_idea(author=authors[1], title="A dark mode in the console")
        voter = make_member(email="voter@example.com")
        services.idea_vote(member=voter, idea=first, value=1)
        services.idea_vote(member=voter, idea=second, value=1)

    errors = race(
        tenant,
        [
            lambda: services.idea_merge(duplicate=first, target=second, staff=staff[0]),
            lambda: services.idea_merge(duplicate=second, target=first, staff=staff[1]),
        ],
    )
    assert len(errors) == 1 and isinstance(errors[0], services.IdeaError), errors
    with tenant.activate():
        rows = {i.pk: i for i in Idea.objects.filter(pk__in=[first.pk, second.pk])}
        merged = [i for i in rows.values() if i.merged_into_id is not None]
        assert len(merged) == 1
        target = rows[merged[0].merged_into_id]
        assert target.merged_into_id is None
        # The voter voted on both: one vote; the duplicate's author's item counts as a vote.
        assert IdeaVote.objects.filter(idea=target).count() == 2
        assert target.score == 2


def test_votes_racing_a_merge_are_counted_once_on_the_target(fresh_tenant):
    tenant = fresh_tenant()
    with tenant.activate():
        staff = make_idea_manager(email="pm@example.com", superuser=True)
        target = make_idea(author=make_member(email="a@example.com"), title="Export as CSV")
        duplicate = make_idea(author=make_member(email="b@example.com"), title="CSV export!")
        voters = [make_member(email=f"voter{n}@example.com") for n in range(30)]

    def vote(member):
        # A vote arriving after the merge is refused: a merged item takes no votes.
        with contextlib.suppress(services.IdeaError):
            services.idea_vote(member=member, idea=duplicate, value=1)

    calls = [lambda m=member: vote(m) for member in voters]
    calls.append(lambda: services.idea_merge(duplicate=duplicate, target=target, staff=staff))
    errors = race(tenant, calls)
    assert errors == []
    with tenant.activate():
        assert not IdeaVote.objects.filter(idea=duplicate).exists()
        target = Idea.objects.get(pk=target.pk)
        votes = IdeaVote.objects.filter(idea=target)
        assert target.score == votes.count() == len(set(votes.values_list("member_id", flat=True)))
        assert Idea.objects.get(pk=duplicate.pk).score == 0
