"""Ideas and complaints over HTTP: the list (filters, sorts, pager), submitting and editing, an
item's page (the staff's explanation, history, "Staff" comments, merged and hidden items),
votes, comments and follows, the staff's status and merge forms, and the e-mails."""

import re
from http import HTTPStatus

from django.core import mail

import pytest

from community import idea_services as services
from community.idea_forms import TARGET_MISSING
from community.idea_permissions import NOT_STAFF, OWN_IDEA_VOTE
from community.models import (
    Idea,
    IdeaComment,
    IdeaStatusChange,
    IdeaVote,
    Notification,
    NotificationPreference,
    Suspension,
)
from community.permissions import SIGN_IN
from tests.factories.ideas import BODY, make_area, make_idea, make_idea_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tenant_a, member_factory):
    names = ("author", "voter", "other")
    found = {
        name: member_factory(tenant_a, display_name=f"{name.title()} Member") for name in names
    }
    with tenant_a.activate():
        found["staff"] = make_idea_manager(email="pm@a.localhost", display_name="Pat Product")
        found["idea"] = make_idea(author=found["author"], title="Export invoices as CSV")
    return found


def _login(client, tenant, member):
    with tenant.activate():
        client.force_login(member)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def _titles(html: str) -> list[str]:
    return re.findall(r'id="idea-\d+-title"><a href="[^"]+">([^<]+)</a>', html)


def _fresh(tenant, idea) -> Idea:
    with tenant.activate():
        return Idea.objects.get(pk=idea.pk)


# The list ----------------------------------------------------------------------------------


def test_the_list_shows_status_score_and_comments_and_filters(client_a, tenant_a, people):
    with tenant_a.activate():
        billing = make_area(name="Billing", position=1)
        complaint = make_idea(
            author=people["other"], kind="complaint", title="Charged twice in March", area=billing
        )
        services.idea_vote(member=people["voter"], idea=people["idea"], value=1)
        services.idea_comment(author=people["voter"], idea=people["idea"], body_md="Yes please!")
        services.idea_status_set(idea=complaint, staff=people["staff"], status="under_review")
    html = client_a.get("/community/ideas/").content.decode()
    assert _titles(html) == ["Export invoices as CSV", "Charged twice in March"]  # top first
    assert '<span class="idea-status idea-status--under_review">' in html
    assert "<dt>Votes</dt><dd>1</dd>" in html and "<dt>Comments</dt><dd>1</dd>" in html
    assert "2 items" in html
    assert _titles(client_a.get("/community/ideas/?kind=complaint").content.decode()) == [
        "Charged twice in March"
    ]
    assert _titles(client_a.get("/community/ideas/?status=new").content.decode()) == [
        "Export invoices as CSV"
    ]
    assert _titles(client_a.get("/community/ideas/?area=billing").content.decode()) == [
        "Charged twice in March"
    ]
    both = client_a.get("/community/ideas/?kind=idea&area=billing").content.decode()
    assert _titles(both) == [] and "Nothing matches these filters." in both


def test_unknown_filters_and_pages_are_ignored_never_a_500(client_a, people):
    for query in (
        "?kind=wish",
        "?status=%00",
        "?area=%3Cscript%3E",
        "?area=unknown-area",
        "?sort=worst",
        "?page=-3",
        "?page=99999",
        "?page=abc",
        "?kind=" + "x" * 5000,
    ):
        response = client_a.get(f"/community/ideas/{query}")
        assert response.status_code == HTTPStatus.OK, query
        assert "Export invoices as CSV" in response.content.decode(), query


def test_sorts_and_pages(client_a, tenant_a, people, clock):
    from datetime import timedelta

    with tenant_a.activate():
        ideas = []
        for number in range(24):
            clock.shift(timedelta(minutes=10))
            ideas.append(make_idea(author=people["other"], title=f"Numbered idea number {number}"))
        clock.shift(timedelta(minutes=10))
        services.idea_comment(author=people["voter"], idea=ideas[3], body_md="Bumping this")
        services.idea_vote(member=people["voter"], idea=ideas[5], value=1)
    newest = _titles(client_a.get("/community/ideas/?sort=newest").content.decode())
    assert newest[0] == "Numbered idea number 23" and len(newest) == 20
    updated = _titles(client_a.get("/community/ideas/?sort=updated").content.decode())
    assert updated[0] == "Numbered idea number 3"
    top = _titles(client_a.get("/community/ideas/").content.decode())
    assert top[0] == "Numbered idea number 5"
    second = client_a.get("/community/ideas/?sort=newest&page=2").content.decode()
    assert len(_titles(second)) == 5  # 25 in all
    assert 'href="?sort=newest&amp;page=1"' in second


def test_hidden_and_merged_items_are_not_listed(client_a, tenant_a, people):
    with tenant_a.activate():
        hidden = make_idea(author=people["other"], title="Something abusive here")
        dup = make_idea(author=people["other"], title="CSV export of invoices")
        services.idea_hide(idea=hidden, staff=people["staff"])
        services.idea_merge(duplicate=dup, target=people["idea"], staff=people["staff"])
    assert _titles(client_a.get("/community/ideas/").content.decode()) == ["Export invoices as CSV"]


# Submitting -----------------------------------------------------------------------------------


def test_a_member_submits_a_complaint(client_a, tenant_a, people):
    client = _login(client_a, tenant_a, people["other"])
    with tenant_a.activate():
        area = make_area(name="Billing")
    page = client.get("/community/ideas/new/?kind=complaint")
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert re.search(r'value="complaint"[^>]*checked', html)
    response = client.post(
        "/community/ideas/new/",
        {"kind": "complaint", "title": "Charged twice in March", "body": BODY, "area": area.pk},
    )
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        idea = Idea.objects.get(title="Charged twice in March")
    assert response["Location"] == f"/community/ideas/{idea.pk}/"
    assert _messages(response) == [
        "Thank you: your complaint is posted. You will hear when the staff answer it."
    ]
    assert idea.author == people["other"] and idea.kind == "complaint"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "Short"}, services.TITLE_LENGTH),
        ({"title": "x" * 100_000}, services.TITLE_LENGTH),
        ({"body": "x" * (services.BODY_MAX + 1)}, services.BODY_LENGTH),
        ({"body": ""}, services.BODY_LENGTH),
        ({"area": ""}, "Choose the product area it is about."),
        ({"area": "999999"}, "Choose the product area it is about."),
        ({"area": "billing"}, "Choose the product area it is about."),
        ({"kind": "wish"}, services.KIND_UNKNOWN),
        ({"website": "http://spam.example"}, "Your post could not be sent."),
    ],
)
def test_bad_submissions_get_a_message_and_create_nothing(
    client_a, tenant_a, people, change, message
):
    client = _login(client_a, tenant_a, people["other"])
    with tenant_a.activate():
        area = make_area()
    data = {"kind": "idea", "title": "A good and clear title", "body": BODY, "area": area.pk}
    data.update(change)
    response = client.post("/community/ideas/new/", data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    with tenant_a.activate():
        assert Idea.objects.count() == 1


def test_visitors_are_sent_to_sign_in_and_suspended_members_are_told_why(
    client_a, tenant_a, people
):
    response = client_a.get("/community/ideas/new/")
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]
    client = _login(client_a, tenant_a, people["other"])
    with tenant_a.activate():
        Suspension.objects.create(member=people["other"], reason="Spam links")
        area = make_area()
    page = client.get("/community/ideas/new/")
    assert page.status_code == HTTPStatus.OK and "Spam links" in page.content.decode()
    refused = client.post(
        "/community/ideas/new/",
        {"kind": "idea", "title": "A good and clear title", "body": BODY, "area": area.pk},
    )
    assert refused.status_code == HTTPStatus.FORBIDDEN
    with tenant_a.activate():
        assert Idea.objects.count() == 1


def test_the_author_edits_their_new_item(client_a, tenant_a, people):
    idea = people["idea"]
    client = _login(client_a, tenant_a, people["author"])
    page = client.get(f"/community/ideas/{idea.pk}/edit/")
    assert page.status_code == HTTPStatus.OK and "Export invoices as CSV" in page.content.decode()
    response = client.post(
        f"/community/ideas/{idea.pk}/edit/",
        {
            "kind": "idea",
            "title": "Export invoices as CSV files",
            "body": BODY,
            "area": idea.area_id,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert _fresh(tenant_a, idea).title == "Export invoices as CSV files"
    other = _login(client_a, tenant_a, people["other"])
    refused = other.get(f"/community/ideas/{idea.pk}/edit/")
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert "Only its author and the staff can edit this idea." in refused.content.decode()


def test_similar_items_are_suggested_for_a_title(client_a, people):
    html = client_a.get("/community/ideas/similar/?title=invoices export please").content.decode()
    assert "Export invoices as CSV" in html
    assert client_a.get("/community/ideas/similar/?title=zebra crossing").content.strip() == b""


# An item's page -------------------------------------------------------------------------------


def test_a_declined_item_shows_why_prominently_with_its_history(client_a, tenant_a, people):
    idea = people["idea"]
    with tenant_a.activate():
        services.idea_status_set(idea=idea, staff=people["staff"], status="under_review")
        services.idea_comment(author=people["staff"], idea=idea, body_md="We are looking.")
        services.idea_comment(author=people["voter"], idea=idea, body_md="Me too.")
        services.idea_status_set(
            idea=idea,
            staff=people["staff"],
            status="declined",
            explanation_md="Our accounting partner does this **better**.",
        )
    client = _login(client_a, tenant_a, people["author"])
    html = client.get(f"/community/ideas/{idea.pk}/").content.decode()
    why = html.index("Why we declined this")
    assert why < html.index("It would help our team")  # before the item's text
    assert "Our accounting partner does this <strong>better</strong>." in html
    assert "Pat Product" in html and "pm@a.localhost" not in html
    assert html.count('<span class="idea-status idea-status--declined">') >= 2  # badge, history
    assert "from under review" in html and "submitted by Author Member" in html
    staff_comment = html[html.index("We are looking.") - 600 : html.index("We are looking.")]
    assert '<span class="idea-staff-mark">Staff</span>' in staff_comment
    member_comment = html[html.index("Me too.") - 400 : html.index("Me too.")]
    assert "idea-staff-mark" not in member_comment
    assert "2 comments" in html
    assert "Answer this idea" not in html  # the staff's controls are for staff


def test_visitors_see_the_item_and_are_invited_to_sign_in(client_a, people):
    html = client_a.get(f"/community/ideas/{people['idea'].pk}/").content.decode()
    assert "Export invoices as CSV" in html and "Waiting for the team's answer" in html
    assert "to comment, vote and follow" in html
    assert SIGN_IN in html  # why the vote buttons are not there
    assert 'action="/community/ideas/' not in html


def test_a_merged_item_links_to_its_target_and_takes_nothing_more(client_a, tenant_a, people):
    with tenant_a.activate():
        dup = make_idea(author=people["other"], title="CSV export of the invoices")
        services.idea_merge(duplicate=dup, target=people["idea"], staff=people["staff"])
    client = _login(client_a, tenant_a, people["voter"])
    html = client.get(f"/community/ideas/{dup.pk}/").content.decode()
    assert "Merged into another item" in html
    assert f'<a href="/community/ideas/{people["idea"].pk}/">Export invoices as CSV</a>' in html
    assert "Add your comment" not in html and "Vote up" not in html
    target = client.get(f"/community/ideas/{people['idea'].pk}/").content.decode()
    assert f'<a href="/community/ideas/{dup.pk}/">CSV export of the invoices</a>' in target
    refused = client.post(f"/community/ideas/{dup.pk}/vote/", {"value": "up"})
    assert _messages(refused) == [
        "This idea was merged into “Export invoices as CSV”: vote, comment and follow there."
    ]
    with tenant_a.activate():
        assert not IdeaVote.objects.filter(idea=dup).exists()


def test_hidden_items_are_a_404_for_everyone_but_the_staff(client_a, tenant_a, people):
    idea = people["idea"]
    with tenant_a.activate():
        services.idea_hide(idea=idea, staff=people["staff"])
    assert client_a.get(f"/community/ideas/{idea.pk}/").status_code == HTTPStatus.NOT_FOUND
    author = _login(client_a, tenant_a, people["author"])
    for url in ("", "edit/"):
        assert author.get(f"/community/ideas/{idea.pk}/{url}").status_code == 404
    assert author.post(f"/community/ideas/{idea.pk}/vote/", {"value": "up"}).status_code == 404
    staff = _login(client_a, tenant_a, people["staff"])
    html = staff.get(f"/community/ideas/{idea.pk}/").content.decode()
    assert "Hidden by the staff." in html and "Show this idea again" in html


# Votes, comments, follows over HTTP --------------------------------------------------------


def test_votes_answer_json_or_come_back_with_a_message(client_a, tenant_a, people):
    url = f"/community/ideas/{people['idea'].pk}/vote/"
    client = _login(client_a, tenant_a, people["voter"])
    response = client.post(url, {"value": "up"}, headers={"Accept": "application/json"})
    assert response.json() == {
        "score": 1,
        "value": 1,
        "message": services.VOTED.format(kind="idea", direction="up"),
    }
    back = client.post(url, {"value": "down"})
    assert back.status_code == HTTPStatus.FOUND and back["Location"].endswith("#votes")
    assert _fresh(tenant_a, people["idea"]).score == -1
    bad = client.post(url, {"value": "sideways"}, headers={"Accept": "application/json"})
    assert bad.status_code == HTTPStatus.BAD_REQUEST and bad.json() == {"error": services.BAD_VALUE}
    assert client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    own = _login(client_a, tenant_a, people["author"])
    refused = own.post(url, {"value": "up"}, headers={"Accept": "application/json"})
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert refused.json() == {"error": OWN_IDEA_VOTE.format(kind="idea")}
    assert _fresh(tenant_a, people["idea"]).score == -1


def test_visitors_writing_are_sent_to_sign_in_and_nothing_changes(tenant_a, people):
    from django.test import Client

    visitor = Client(HTTP_HOST=tenant_a.domain)
    pk = people["idea"].pk
    for path, data in (
        ("vote/", {"value": "up"}),
        ("comment/", {"body": "Hello there"}),
        ("follow/", {}),
        ("status/", {"status": "planned"}),
        ("merge/", {"target": "1"}),
        ("hide/", {}),
        ("edit/", {"title": "x"}),
    ):
        response = visitor.post(f"/community/ideas/{pk}/{path}", data)
        assert response.status_code == HTTPStatus.FOUND, path
        assert response["Location"].startswith("/accounts/login/"), path
    fetch = visitor.post(
        f"/community/ideas/{pk}/vote/", {"value": "up"}, headers={"Accept": "application/json"}
    )
    assert fetch.status_code == HTTPStatus.FORBIDDEN and fetch.json()["error"] == SIGN_IN
    idea = _fresh(tenant_a, people["idea"])
    assert (idea.score, idea.comment_count, idea.status) == (0, 0, "new")


def test_comment_and_follow_over_http(client_a, tenant_a, people):
    pk = people["idea"].pk
    client = _login(client_a, tenant_a, people["other"])
    response = client.post(f"/community/ideas/{pk}/comment/", {"body": "We need this *too*."})
    with tenant_a.activate():
        comment = IdeaComment.objects.get()
    assert response["Location"] == f"/community/ideas/{pk}/#comment-{comment.pk}"
    too_long = client.post(f"/community/ideas/{pk}/comment/", {"body": "x" * 100_000})
    assert too_long.status_code == HTTPStatus.BAD_REQUEST
    assert services.COMMENT_LENGTH in too_long.content.decode()
    html = client.get(f"/community/ideas/{pk}/").content.decode()
    assert 'aria-pressed="true">Following' in html  # commenting followed it
    unfollow = client.post(f"/community/ideas/{pk}/follow/", {"follow": "0"})
    assert _messages(unfollow) == ["You no longer follow this item."]
    html = client.get(f"/community/ideas/{pk}/").content.decode()
    assert 'aria-pressed="false">Follow' in html


# The staff's forms -------------------------------------------------------------------------


def test_staff_declining_without_a_reason_get_a_clear_message(client_a, tenant_a, people):
    pk = people["idea"].pk
    client = _login(client_a, tenant_a, people["staff"])
    response = client.post(f"/community/ideas/{pk}/status/", {"status": "declined"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert services.DECLINE_NEEDS_REASON in response.content.decode()
    unknown = client.post(f"/community/ideas/{pk}/status/", {"status": "shelved"})
    assert unknown.status_code == HTTPStatus.BAD_REQUEST
    assert services.STATUS_UNKNOWN in unknown.content.decode()
    with tenant_a.activate():
        assert not IdeaStatusChange.objects.exists()
    assert _fresh(tenant_a, people["idea"]).status == "new"
    done = client.post(
        f"/community/ideas/{pk}/status/",
        {"status": "declined", "explanation": "Out of scope for us."},
    )
    assert done.status_code == HTTPStatus.FOUND
    assert _messages(done) == ["The status is now “Declined”; the followers are told."]
    assert _fresh(tenant_a, people["idea"]).explanation_md == "Out of scope for us."


def test_members_and_staff_without_the_permission_cannot_answer(
    client_a, tenant_a, people, member_factory
):
    pk = people["idea"].pk
    with tenant_a.activate():
        editor = make_idea_manager(email="editor@a.localhost", manage=False)
    for member in (people["author"], editor):
        client = _login(client_a, tenant_a, member)
        page = client.get(f"/community/ideas/{pk}/").content.decode()
        assert "Set the status" not in page
        for path, data in (
            ("status/", {"status": "planned"}),
            ("merge/", {"target": str(pk)}),
            ("hide/", {}),
        ):
            response = client.post(f"/community/ideas/{pk}/{path}", data)
            assert response.status_code == HTTPStatus.FORBIDDEN, path
            assert NOT_STAFF in response.content.decode()
    idea = _fresh(tenant_a, people["idea"])
    assert (idea.status, idea.hidden_at) == ("new", None)


def test_staff_merge_over_http_with_clear_messages(client_a, tenant_a, people):
    target = people["idea"]
    with tenant_a.activate():
        dup = make_idea(author=people["other"], title="CSV export of the invoices")
    client = _login(client_a, tenant_a, people["staff"])
    itself = client.post(f"/community/ideas/{dup.pk}/merge/", {"target": str(dup.pk)})
    assert itself.status_code == HTTPStatus.BAD_REQUEST
    assert services.MERGE_SELF in itself.content.decode()
    missing = client.post(f"/community/ideas/{dup.pk}/merge/", {"target": "not a number"})
    assert missing.status_code == HTTPStatus.BAD_REQUEST
    assert TARGET_MISSING.format(reference="not a number") in missing.content.decode()
    by_address = client.post(
        f"/community/ideas/{dup.pk}/merge/",
        {"target": f"http://a.localhost/community/ideas/{target.pk}/"},
    )
    assert by_address["Location"] == f"/community/ideas/{target.pk}/"
    assert _fresh(tenant_a, dup).merged_into_id == target.pk
    with tenant_a.activate():
        third = make_idea(author=people["voter"], title="Invoices as a spreadsheet")
    into_merged = client.post(f"/community/ideas/{third.pk}/merge/", {"target": f"#{dup.pk}"})
    assert into_merged.status_code == HTTPStatus.BAD_REQUEST
    assert "was itself merged into another item" in into_merged.content.decode()
    assert _fresh(tenant_a, third).merged_into_id is None


def test_staff_hide_and_show_a_comment(client_a, tenant_a, people):
    with tenant_a.activate():
        comment = services.idea_comment(
            author=people["other"], idea=people["idea"], body_md="Something rude"
        )
    client = _login(client_a, tenant_a, people["staff"])
    client.post(f"/community/ideas/comments/{comment.pk}/hide/", {"hidden": "1"})
    member = _login(client_a, tenant_a, people["voter"])
    assert (
        "Something rude"
        not in member.get(f"/community/ideas/{people['idea'].pk}/").content.decode()
    )
    staff = _login(client_a, tenant_a, people["staff"])
    html = staff.get(f"/community/ideas/{people['idea'].pk}/").content.decode()
    assert "Something rude" in html and "Hidden by the staff" in html
    assert staff.post("/community/ideas/comments/999999/hide/").status_code == 404


# E-mails and notifications ------------------------------------------------------------------


def test_followers_choosing_instant_e_mails_get_one_per_status_change(
    tenant_a, people, django_capture_on_commit_callbacks
):
    with tenant_a.activate():
        NotificationPreference.objects.create(
            member=people["author"], followed=NotificationPreference.Email.INSTANT
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.idea_status_set(
                idea=people["idea"],
                staff=people["staff"],
                status="declined",
                explanation_md="Not this year.",
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.idea_comment(author=people["staff"], idea=people["idea"], body_md="Sorry!")
    assert [m.to for m in mail.outbox] == [[people["author"].email]] * 2
    status, comment = mail.outbox
    assert "“Export invoices as CSV” is now Declined" in status.subject
    assert f"/community/ideas/{people['idea'].pk}/" in status.body
    assert "The team answered an idea or complaint you follow (Pat Product)" in status.body
    assert "Pat Product commented on an idea or complaint you follow" in comment.body
    assert "pm@a.localhost" not in status.body + comment.body


def test_the_notifications_page_links_to_the_idea(client_a, tenant_a, people):
    with tenant_a.activate():
        services.idea_status_set(idea=people["idea"], staff=people["staff"], status="planned")
        assert Notification.objects.filter(member=people["author"]).count() == 1
    client = _login(client_a, tenant_a, people["author"])
    html = client.get("/community/notifications/").content.decode()
    assert f'href="/community/ideas/{people["idea"].pk}/"' in html
    assert "“Export invoices as CSV” is now Planned" in html
