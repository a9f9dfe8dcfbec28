"""Ideas and complaints, the services: submitting, editing, votes, comments, follows, the staff's
statuses (declining needs an explanation), the measured times, merging duplicates, hiding.
Every refusal changes nothing."""

from datetime import timedelta

from django.db import IntegrityError, transaction

import pytest

from community import idea_services as services
from community.idea_permissions import (
    EDIT_LOCKED,
    MERGED,
    NOT_STAFF,
    NOT_YOURS,
    OWN_IDEA_VOTE,
    can_manage_ideas,
)
from community.models import (
    Idea,
    IdeaComment,
    IdeaFollow,
    IdeaStatus,
    IdeaStatusChange,
    IdeaVote,
    Notification,
    Suspension,
)
from community.permissions import SIGN_IN
from tests.factories.ideas import BODY, make_area, make_idea, make_idea_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tenant_a, member_factory):
    names = ("author", "voter", "other", "fan")
    found = {name: member_factory(tenant_a, display_name=name.title()) for name in names}
    with tenant_a.activate():
        found["staff"] = make_idea_manager(email="pm@a.localhost", display_name="Pat Staff")
        found["idea"] = make_idea(author=found["author"], title="Export invoices as CSV")
    return found


def _fresh(idea) -> Idea:
    return Idea.objects.get(pk=idea.pk)


def _state(idea) -> tuple:
    """Everything a refused action must leave as it was."""
    idea = _fresh(idea)
    return (
        idea.status,
        idea.explanation_md,
        idea.score,
        idea.comment_count,
        idea.follower_count,
        idea.merged_into_id,
        idea.hidden_at,
        IdeaVote.objects.filter(idea=idea).count(),
        IdeaComment.objects.filter(idea=idea).count(),
        IdeaFollow.objects.filter(idea=idea).count(),
        IdeaStatusChange.objects.filter(idea=idea).count(),
        Notification.objects.count(),
    )


# Submitting and editing -------------------------------------------------------------------


def test_a_submitted_item_is_rendered_sanitised_and_followed_by_its_author(tenant_a, people):
    with tenant_a.activate():
        idea = make_idea(
            author=people["author"],
            kind=Idea.Kind.COMPLAINT,
            title="  The   console signs me out  ",
            body="It **signs me out** <script>alert(1)</script> every 15 minutes.",
        )
        idea = _fresh(idea)
        assert idea.kind == "complaint" and idea.status == IdeaStatus.NEW
        assert idea.title == "The console signs me out"
        assert "<strong>signs me out</strong>" in idea.body_html
        assert "<script>" not in idea.body_html and "&lt;script&gt;" in idea.body_html
        assert idea.follower_count == 1
        assert IdeaFollow.objects.filter(idea=idea, member=people["author"]).exists()
        assert idea.first_staff_response_at is None and idea.resolved_at is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "wish", services.KIND_UNKNOWN),
        ("title", "Too short", services.TITLE_LENGTH),
        ("title", "x" * 151, services.TITLE_LENGTH),
        ("body_md", "Too short.", services.BODY_LENGTH),
        ("body_md", "x" * (services.BODY_MAX + 1), services.BODY_LENGTH),
        ("area", None, services.AREA_NEEDED),
        ("area", 999999, services.AREA_NEEDED),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(
    tenant_a, people, field, value, message
):
    with tenant_a.activate():
        before = Idea.objects.count()
        arguments = {
            "author": people["other"],
            "kind": "idea",
            "title": "A perfectly good title",
            "body_md": BODY,
            "area": make_area(),
        }
        arguments[field] = value
        with pytest.raises(services.IdeaError) as refused:
            services.idea_create(**arguments)
        assert str(refused.value) == message
        assert Idea.objects.count() == before


def test_suspended_and_signed_out_members_cannot_submit(tenant_a, people):
    from django.contrib.auth.models import AnonymousUser

    with tenant_a.activate():
        Suspension.objects.create(member=people["other"], reason="Spam")
        with pytest.raises(services.IdeaError, match="suspended"):
            make_idea(author=people["other"])
        with pytest.raises(services.IdeaError, match=SIGN_IN):
            make_idea(author=AnonymousUser())


def test_the_author_edits_while_new_and_staff_always(tenant_a, people):
    idea = people["idea"]
    with tenant_a.activate():
        area = make_area(name="Billing")
        edited = services.idea_edit(
            idea=idea,
            editor=people["author"],
            kind="idea",
            title="Export invoices as CSV files",
            body_md=BODY + " Edited.",
            area=area,
        )
        assert edited.edited_at is not None and _fresh(idea).area == area
        with pytest.raises(services.IdeaError, match=services.EDIT_UNCHANGED):
            services.idea_edit(
                idea=idea,
                editor=people["author"],
                kind="idea",
                title="Export invoices as CSV files",
                body_md=BODY + " Edited.",
                area=area,
            )
        with pytest.raises(services.IdeaError) as refused:
            services.idea_edit(
                idea=idea,
                editor=people["other"],
                kind="idea",
                title="Hijacked title here",
                body_md=BODY,
                area=area,
            )
        assert str(refused.value) == NOT_YOURS.format(kind="idea")
        services.idea_status_set(idea=idea, staff=people["staff"], status="planned")
        with pytest.raises(services.IdeaError) as locked:
            services.idea_edit(
                idea=idea,
                editor=people["author"],
                kind="idea",
                title="Changed after planning",
                body_md=BODY,
                area=area,
            )
        assert str(locked.value) == EDIT_LOCKED.format(kind="idea")
        services.idea_edit(
            idea=idea,
            editor=people["staff"],
            kind="idea",
            title="Changed by the staff",
            body_md=BODY,
            area=area,
        )
        assert _fresh(idea).title == "Changed by the staff"


# Votes ------------------------------------------------------------------------------------------


def test_a_vote_is_changeable_and_withdrawable(tenant_a, people):
    idea, voter = people["idea"], people["voter"]
    with tenant_a.activate():
        up = services.idea_vote(member=voter, idea=idea, value=1)
        assert (up.value, up.score) == (1, 1)
        assert up.message == services.VOTED.format(kind="idea", direction="up")
        down = services.idea_vote(member=voter, idea=idea, value=-1)
        assert (down.value, down.score) == (-1, -1)
        assert IdeaVote.objects.get(idea=idea).value == -1
        withdrawn = services.idea_vote(member=voter, idea=idea, value=-1)
        assert (withdrawn.value, withdrawn.score) == (None, 0)
        assert withdrawn.message == services.WITHDRAWN.format(kind="idea")
        assert not IdeaVote.objects.exists() and _fresh(idea).score == 0


def test_voting_up_follows_the_item_and_voting_down_does_not(tenant_a, people):
    with tenant_a.activate():
        services.idea_vote(member=people["voter"], idea=people["idea"], value=1)
        services.idea_vote(member=people["other"], idea=people["idea"], value=-1)
        followers = set(IdeaFollow.objects.values_list("member_id", flat=True))
        assert followers == {people["author"].pk, people["voter"].pk}
        assert _fresh(people["idea"]).follower_count == 2


def test_one_vote_per_member_and_item_is_a_database_constraint(tenant_a, people):
    with tenant_a.activate():
        IdeaVote.objects.create(member=people["voter"], idea=people["idea"], value=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            IdeaVote.objects.create(member=people["voter"], idea=people["idea"], value=-1)


@pytest.mark.parametrize("value", [0, 2, -2, None])
def test_a_bad_vote_value_is_refused(tenant_a, people, value):
    with tenant_a.activate():
        before = _state(people["idea"])
        with pytest.raises(services.IdeaError, match=services.BAD_VALUE):
            services.idea_vote(member=people["voter"], idea=people["idea"], value=value)
        assert _state(people["idea"]) == before


def test_no_vote_on_ones_own_item_nor_by_a_suspended_member(tenant_a, people):
    with tenant_a.activate():
        before = _state(people["idea"])
        with pytest.raises(services.IdeaError) as own:
            services.idea_vote(member=people["author"], idea=people["idea"], value=1)
        assert str(own.value) == OWN_IDEA_VOTE.format(kind="idea")
        Suspension.objects.create(member=people["voter"], reason="Spam")
        with pytest.raises(services.IdeaError, match="suspended"):
            services.idea_vote(member=people["voter"], idea=people["idea"], value=1)
        assert _state(people["idea"]) == before


# Comments and follows ------------------------------------------------------------------------


def test_a_comment_notifies_the_followers_but_never_its_author(tenant_a, people):
    idea = people["idea"]
    with tenant_a.activate():
        services.idea_vote(member=people["voter"], idea=idea, value=1)  # follows
        comment = services.idea_comment(
            author=people["other"], idea=idea, body_md="Same here, *please*."
        )
        assert comment.body_html == "<p>Same here, <em>please</em>.</p>"
        assert not comment.by_staff
        notified = dict(Notification.objects.values_list("member_id", "kind"))
        assert notified == {
            people["author"].pk: Notification.Kind.IDEA_COMMENT,
            people["voter"].pk: Notification.Kind.IDEA_COMMENT,
        }
        idea = _fresh(idea)
        assert idea.comment_count == 1 and idea.follower_count == 3  # the commenter follows
        assert idea.first_staff_response_at is None  # a member's comment is no staff answer


def test_a_staff_comment_is_marked_and_counts_as_the_first_response(tenant_a, clock, people):
    idea = people["idea"]
    with tenant_a.activate():
        clock.shift(timedelta(hours=5))
        comment = services.idea_comment(author=people["staff"], idea=idea, body_md="Looking.")
        assert comment.by_staff
        first = _fresh(idea).first_staff_response_at
        assert first == comment.created_at
        clock.shift(timedelta(hours=5))
        services.idea_comment(author=people["staff"], idea=idea, body_md="Still looking.")
        assert _fresh(idea).first_staff_response_at == first


@pytest.mark.parametrize("body", ["x", "", "x" * (services.COMMENT_MAX + 1)])
def test_comments_of_a_bad_length_are_refused(tenant_a, people, body):
    with tenant_a.activate():
        before = _state(people["idea"])
        with pytest.raises(services.IdeaError, match=services.COMMENT_LENGTH):
            services.idea_comment(author=people["other"], idea=people["idea"], body_md=body)
        assert _state(people["idea"]) == before


def test_follow_and_unfollow(tenant_a, people):
    idea, fan = people["idea"], people["fan"]
    with tenant_a.activate():
        assert services.idea_follow(member=fan, idea=idea) is True
        assert services.idea_follow(member=fan, idea=idea, follow=True) is True  # no duplicate
        assert _fresh(idea).follower_count == 2
        assert services.idea_follow(member=fan, idea=idea) is False
        assert services.idea_follow(member=fan, idea=idea, follow=False) is False
        assert _fresh(idea).follower_count == 1
        assert services.idea_follow(member=people["author"], idea=idea, follow=False) is False
        assert _fresh(idea).follower_count == 0


# Statuses ------------------------------------------------------------------------------------


def test_declining_without_an_explanation_is_refused_and_changes_nothing(tenant_a, people):
    with tenant_a.activate():
        before = _state(people["idea"])
        for explanation in ("", "   \n  "):
            with pytest.raises(services.IdeaError) as refused:
                services.idea_status_set(
                    idea=people["idea"],
                    staff=people["staff"],
                    status="declined",
                    explanation_md=explanation,
                )
            assert str(refused.value) == services.DECLINE_NEEDS_REASON
            assert refused.value.field == "explanation"
        assert _state(people["idea"]) == before


def test_the_database_refuses_a_declined_item_without_an_explanation(tenant_a, people):
    with tenant_a.activate():
        with pytest.raises(IntegrityError), transaction.atomic():
            Idea.objects.filter(pk=people["idea"].pk).update(status="declined")
        with pytest.raises(IntegrityError), transaction.atomic():
            IdeaStatusChange.objects.create(
                idea=people["idea"],
                old_status="new",
                new_status="declined",
                changed_by=people["staff"],
            )


@pytest.mark.parametrize("status", ["new", "rejected", "", "DECLINED", None])
def test_an_unknown_status_is_refused(tenant_a, people, status):
    with tenant_a.activate():
        before = _state(people["idea"])
        with pytest.raises(services.IdeaError, match="Choose a status"):
            services.idea_status_set(
                idea=people["idea"], staff=people["staff"], status=status, explanation_md="x"
            )
        assert _state(people["idea"]) == before


def test_only_staff_who_manage_ideas_set_a_status(tenant_a, people, member_factory):
    with tenant_a.activate():
        plain_staff = make_idea_manager(email="editor@a.localhost", manage=False)
        superuser = make_idea_manager(email="root@a.localhost", superuser=True)
        assert not can_manage_ideas(member=plain_staff)
        assert not can_manage_ideas(member=people["other"])
        assert can_manage_ideas(member=superuser) and can_manage_ideas(member=people["staff"])
        before = _state(people["idea"])
        for member in (plain_staff, people["other"]):
            with pytest.raises(services.IdeaError, match=NOT_STAFF):
                services.idea_status_set(idea=people["idea"], staff=member, status="planned")
        assert _state(people["idea"]) == before
        services.idea_status_set(idea=people["idea"], staff=superuser, status="planned")


def test_every_status_change_is_recorded_announced_and_measured(tenant_a, clock, people):
    idea, staff = people["idea"], people["staff"]
    with tenant_a.activate():
        services.idea_vote(member=people["voter"], idea=idea, value=1)
        created = _fresh(idea).created_at
        clock.shift(timedelta(hours=3))
        services.idea_status_set(idea=idea, staff=staff, status="under_review")
        clock.shift(timedelta(days=2))
        services.idea_status_set(
            idea=idea, staff=staff, status="declined", explanation_md="Not *this* year."
        )
        declined = _fresh(idea)
        assert declined.status == "declined"
        assert declined.explanation_html == "<p>Not <em>this</em> year.</p>"
        assert declined.first_staff_response_at == created + timedelta(hours=3)
        assert declined.resolved_at == created + timedelta(days=2, hours=3)
        clock.shift(timedelta(days=1))
        services.idea_status_set(
            idea=idea, staff=staff, status="planned", explanation_md="You convinced us."
        )
        clock.shift(timedelta(days=1))
        services.idea_status_set(idea=idea, staff=staff, status="done")
        done = _fresh(idea)
        # Reopened, then done again: the first resolution is kept.
        assert done.resolved_at == declined.resolved_at
        assert done.explanation_md == ""  # a new status without one clears the old
        history = list(
            IdeaStatusChange.objects.filter(idea=idea).values_list("old_status", "new_status")
        )
        assert history == [
            ("new", "under_review"),
            ("under_review", "declined"),
            ("declined", "planned"),
            ("planned", "done"),
        ]
        notified = Notification.objects.filter(kind=Notification.Kind.IDEA_STATUS)
        assert sorted(notified.values_list("member_id", flat=True)) == sorted(
            [people["author"].pk, people["voter"].pk] * 4
        )
        assert not notified.filter(member=staff).exists()
        texts = list(notified.filter(member=people["author"]).values_list("text", flat=True))
        assert "“Export invoices as CSV” is now Declined" in texts


def test_the_same_status_with_the_same_explanation_is_refused(tenant_a, people):
    idea, staff = people["idea"], people["staff"]
    with tenant_a.activate():
        services.idea_status_set(idea=idea, staff=staff, status="planned", explanation_md="Q3")
        before = _state(idea)
        with pytest.raises(services.IdeaError, match="Nothing changed"):
            services.idea_status_set(idea=idea, staff=staff, status="planned", explanation_md="Q3")
        assert _state(idea) == before
        services.idea_status_set(idea=idea, staff=staff, status="planned", explanation_md="Q4")
        assert _fresh(idea).explanation_md == "Q4"
        assert IdeaStatusChange.objects.filter(idea=idea).count() == 2


def test_an_overlong_explanation_is_refused(tenant_a, people):
    with tenant_a.activate():
        before = _state(people["idea"])
        with pytest.raises(services.IdeaError, match="Keep the explanation under"):
            services.idea_status_set(
                idea=people["idea"],
                staff=people["staff"],
                status="declined",
                explanation_md="x" * (services.EXPLANATION_MAX + 1),
            )
        assert _state(people["idea"]) == before


# Merging -----------------------------------------------------------------------------------


@pytest.fixture
def duplicate(tenant_a, people, member_factory):
    """A duplicate by ``other`` of ``people["idea"]`` (by ``author``): ``voter`` voted up on
    both, ``fan`` down on the duplicate only, the target's author up on the duplicate."""
    extra = member_factory(tenant_a, display_name="Extra")
    with tenant_a.activate():
        dup = make_idea(author=people["other"], title="CSV export of the invoices")
        services.idea_vote(member=people["voter"], idea=people["idea"], value=1)
        services.idea_vote(member=people["voter"], idea=dup, value=1)
        services.idea_vote(member=people["fan"], idea=dup, value=-1)
        services.idea_vote(member=people["author"], idea=dup, value=1)
        services.idea_vote(member=extra, idea=dup, value=1)
        services.idea_follow(member=people["fan"], idea=dup, follow=True)
    people["extra"] = extra
    return dup


def test_merging_carries_votes_and_followers_over_exactly(tenant_a, people, duplicate):
    target = people["idea"]
    with tenant_a.activate():
        merged = services.idea_merge(duplicate=duplicate, target=target, staff=people["staff"])
        votes = dict(IdeaVote.objects.filter(idea=target).values_list("member_id", "value"))
        assert votes == {
            people["voter"].pk: 1,  # voted on both: one vote
            people["fan"].pk: -1,  # carried over
            people["extra"].pk: 1,  # carried over
            people["other"].pk: 1,  # the duplicate's author: their item was their vote
        }  # the target's author's vote is dropped: nobody votes on their own item
        assert merged.score == sum(votes.values()) == 2
        assert not IdeaVote.objects.filter(idea=duplicate).exists()
        followers = list(IdeaFollow.objects.filter(idea=target).values_list("member_id", flat=True))
        assert len(followers) == len(set(followers))
        assert set(followers) == {
            people[name].pk for name in ("author", "voter", "other", "fan", "extra")
        }
        assert merged.follower_count == 5
        dup = _fresh(duplicate)
        assert dup.merged_into_id == target.pk and dup.merged_by == people["staff"]
        assert (dup.score, dup.follower_count) == (0, 0)
        assert dup.first_staff_response_at == dup.merged_at
        told = set(
            Notification.objects.filter(idea=target, text__contains="was merged into").values_list(
                "member_id", flat=True
            )
        )
        assert told == {people[name].pk for name in ("other", "voter", "fan", "author", "extra")}


def test_a_merged_item_takes_no_more_votes_comments_or_follows(tenant_a, people, duplicate):
    with tenant_a.activate():
        services.idea_merge(duplicate=duplicate, target=people["idea"], staff=people["staff"])
        message = MERGED.format(kind="idea", title=people["idea"].title)
        before = _state(duplicate)
        with pytest.raises(services.IdeaError) as vote:
            services.idea_vote(member=people["fan"], idea=duplicate, value=1)
        with pytest.raises(services.IdeaError) as comment:
            services.idea_comment(author=people["fan"], idea=duplicate, body_md="Hello there")
        with pytest.raises(services.IdeaError) as follow:
            services.idea_follow(member=people["fan"], idea=duplicate, follow=True)
        assert str(vote.value) == str(comment.value) == str(follow.value) == message
        with pytest.raises(services.IdeaError, match="set the status there"):
            services.idea_status_set(idea=duplicate, staff=people["staff"], status="planned")
        assert _state(duplicate) == before


def test_bad_merges_are_refused_and_change_nothing(tenant_a, people, duplicate):
    idea, staff = people["idea"], people["staff"]
    with tenant_a.activate():
        third = make_idea(author=people["fan"], title="Yet another CSV export idea")
        before = (_state(idea), _state(duplicate), _state(third))
        with pytest.raises(services.IdeaError, match=services.MERGE_SELF):
            services.idea_merge(duplicate=idea, target=idea, staff=staff)
        with pytest.raises(services.IdeaError, match=NOT_STAFF):
            services.idea_merge(duplicate=duplicate, target=idea, staff=people["other"])
        assert (_state(idea), _state(duplicate), _state(third)) == before
        services.idea_merge(duplicate=duplicate, target=idea, staff=staff)
        with pytest.raises(services.IdeaError) as into_merged:
            services.idea_merge(duplicate=third, target=duplicate, staff=staff)
        assert str(into_merged.value) == services.MERGE_INTO_MERGED.format(title=duplicate.title)
        with pytest.raises(services.IdeaError) as again:
            services.idea_merge(duplicate=duplicate, target=third, staff=staff)
        assert str(again.value) == services.MERGE_ALREADY.format(title=idea.title)
        services.idea_hide(idea=third, staff=staff)
        with pytest.raises(services.IdeaError, match="is hidden"):
            services.idea_merge(duplicate=idea, target=third, staff=staff)
        assert _fresh(third).merged_into_id is None and _fresh(idea).merged_into_id is None


def test_earlier_merges_follow_their_target_when_it_is_merged_in_turn(tenant_a, people, duplicate):
    with tenant_a.activate():
        final = make_idea(author=people["fan"], title="Invoices in a spreadsheet")
        services.idea_merge(duplicate=duplicate, target=people["idea"], staff=people["staff"])
        services.idea_merge(duplicate=people["idea"], target=final, staff=people["staff"])
        assert _fresh(duplicate).merged_into_id == final.pk
        assert _fresh(people["idea"]).merged_into_id == final.pk


def test_the_database_refuses_an_item_merged_into_itself(tenant_a, people):
    with tenant_a.activate(), pytest.raises(IntegrityError), transaction.atomic():
        Idea.objects.filter(pk=people["idea"].pk).update(merged_into=people["idea"].pk)


# Hiding --------------------------------------------------------------------------------------


def test_hiding_an_item_and_a_comment(tenant_a, people):
    idea, staff = people["idea"], people["staff"]
    with tenant_a.activate():
        comment = services.idea_comment(author=people["other"], idea=idea, body_md="Rude words")
        services.idea_comment_hide(comment=comment, staff=staff)
        assert _fresh(idea).comment_count == 0
        with pytest.raises(services.IdeaError, match="already hidden"):
            services.idea_comment_hide(comment=comment, staff=staff)
        services.idea_comment_hide(comment=comment, staff=staff, hidden=False)
        assert _fresh(idea).comment_count == 1
        with pytest.raises(services.IdeaError, match=NOT_STAFF):
            services.idea_hide(idea=idea, staff=people["other"])
        services.idea_hide(idea=idea, staff=staff)
        assert _fresh(idea).hidden_by == staff
        with pytest.raises(services.IdeaError, match="hidden by the staff"):
            services.idea_vote(member=people["voter"], idea=idea, value=1)
        services.idea_hide(idea=idea, staff=staff, hidden=False)
        assert _fresh(idea).hidden_at is None


def test_suspended_members_may_unfollow_but_not_follow_and_visitors_neither(tenant_a, people):
    from django.contrib.auth.models import AnonymousUser

    idea = people["idea"]
    with tenant_a.activate():
        Suspension.objects.create(member=people["author"], reason="Spam")
        with pytest.raises(services.IdeaError, match=SIGN_IN):
            services.idea_follow(member=AnonymousUser(), idea=idea)
        assert services.idea_follow(member=people["author"], idea=idea, follow=False) is False
        with pytest.raises(services.IdeaError, match="suspended"):
            services.idea_follow(member=people["author"], idea=idea, follow=True)
        assert _fresh(idea).follower_count == 0
