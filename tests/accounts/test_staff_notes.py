"""Staff-only notes on members ("remember the customer"): the Wagtail admin's Members screens,
every change in the note's history, refusals, and above all that members never reach them (not
the admin screens, not any page of theirs, not their JSON export); tenant isolation and query
budgets."""

import json
from http import HTTPStatus

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from community.interest_services import interests_set
from community.models import Tag
from portal.accounts import note_services
from portal.accounts.models import MemberNote, MemberNoteChange
from portal.accounts.note_services import (
    CHANGED_MEANWHILE,
    DELETED,
    EMPTY,
    NOT_ALLOWED,
    NoteError,
    note_create,
    note_delete,
    note_edit,
    note_version,
)
from portal.accounts.referral_services import referral_attribute, referral_code_ensure
from tests.factories.accounts import make_member

pytestmark = pytest.mark.django_db

ADMIN = "/admin/members/"
SECRET = "Prefers phone calls; renewal at risk, promised a discount"
QUERY_BUDGET = 12


def make_staff(*, email: str, notes: bool = True, superuser: bool = False, **fields):
    """Admin users with MFA on; ``notes`` adds the staff notes permission through a group."""
    user = make_member(email=email, staff=superuser, mfa=True, **fields)
    if superuser:
        return user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    name = "Customer success" if notes else "Editors without notes"
    group, _ = Group.objects.get_or_create(name=name)
    codenames = ["access_admin", "view_staff_notes"] if notes else ["access_admin"]
    group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    user.groups.add(group)
    return user


@pytest.fixture
def people(tenant_a, member_factory):
    member = member_factory(tenant_a, display_name="Mei")
    with tenant_a.activate():
        return {
            "member": member,
            "staff": make_staff(email="cs@a.localhost", display_name="Carla"),
            "editor": make_staff(email="editor@a.localhost", notes=False),
            "root": make_staff(email="root@a.localhost", superuser=True, display_name="Root"),
        }


@pytest.fixture
def note(tenant_a, people):
    with tenant_a.activate():
        return note_create(member=people["member"], author=people["staff"], body=SECRET)


def _login(client, tenant, user):
    with tenant.activate():
        client.force_login(user)
    return client


def _urls(member_id: int, note_id: int) -> list[str]:
    base = f"{ADMIN}{member_id}/"
    return [
        ADMIN,
        base,
        f"{base}notes/{note_id}/edit/",
        f"{base}notes/{note_id}/delete/",
        f"{base}notes/{note_id}/history/",
    ]


# What staff do ----------------------------------------------------------------------------


def test_staff_add_edit_and_delete_a_note_and_every_change_is_in_its_history(
    client_a, tenant_a, people
):
    client = _login(client_a, tenant_a, people["staff"])
    member = people["member"]
    page = f"{ADMIN}{member.pk}/"

    response = client.post(page, {"body": "  Wants the Tokyo classroom session.  "})
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        note = MemberNote.objects.get(member=member)
    assert note.body == "Wants the Tokyo classroom session."
    assert "Wants the Tokyo classroom session." in client.get(page).text

    edit = f"{page}notes/{note.pk}/edit/"
    assert 'name="version" value="1"' in client.get(edit).text
    response = client.post(edit, {"body": "Booked on 14 May.", "version": 1})
    assert response.status_code == HTTPStatus.FOUND

    _login(client_a, tenant_a, people["root"])
    response = client.post(f"{page}notes/{note.pk}/delete/")
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        note.refresh_from_db()
        assert note.deleted_at is not None
        changes = list(
            MemberNoteChange.objects.filter(note=note).values_list(
                "action", "body", "changed_by__email"
            )
        )
    assert changes == [
        ("created", "Wants the Tokyo classroom session.", "cs@a.localhost"),
        ("edited", "Booked on 14 May.", "cs@a.localhost"),
        ("deleted", "Booked on 14 May.", "root@a.localhost"),
    ]
    member_page = client.get(page).text
    assert "Booked on 14 May." not in member_page  # off the page, but its history remains
    assert "Deleted notes" in member_page
    history = client.get(f"{page}notes/{note.pk}/history/").text
    assert history.index("Created") < history.index("Edited") < history.index("Deleted")
    assert "Wants the Tokyo classroom session." in history and "Carla" in history
    assert "Root" in history


def test_the_member_page_shows_interests_and_referrals(client_a, tenant_a, people, member_factory):
    member = people["member"]
    friend = member_factory(tenant_a)
    with tenant_a.activate():
        tag = Tag.objects.create(name="networking", slug="networking")
        interests_set(member=member, tag_ids=[tag.pk], area_ids=[])
        referral_attribute(referred=friend, code=referral_code_ensure(member=member).code)
    text = _login(client_a, tenant_a, people["staff"]).get(f"{ADMIN}{member.pk}/").text
    assert "Topics: networking" in text
    assert "1 member signed up through their link" in text
    friend_page = client_a.get(f"{ADMIN}{friend.pk}/").text
    assert "they came through the link of" in friend_page and "Mei" in friend_page


def test_the_member_list_finds_members_by_name_or_email(client_a, tenant_a, people, note):
    client = _login(client_a, tenant_a, people["staff"])
    text = client.get(ADMIN, {"q": "mei"}).text
    assert f"{ADMIN}{people['member'].pk}/" in text
    assert "Carla" not in text
    assert f"{ADMIN}{people['staff'].pk}/" in client.get(ADMIN, {"q": "cs@a.local"}).text
    assert "No member matches" in client.get(ADMIN, {"q": "nobody-here"}).text


@pytest.mark.parametrize("body", ["", "   ", "x" * 4001])
def test_an_empty_or_overlong_note_is_refused_and_nothing_changes(client_a, tenant_a, people, body):
    client = _login(client_a, tenant_a, people["staff"])
    response = client.post(f"{ADMIN}{people['member'].pk}/", {"body": body})
    assert response.status_code == HTTPStatus.OK
    assert 'role="alert"' in response.text
    with tenant_a.activate():
        assert not MemberNote.objects.exists()
        assert not MemberNoteChange.objects.exists()


def test_an_edit_over_someone_elses_is_refused_and_shows_their_version(
    client_a, tenant_a, people, note
):
    with tenant_a.activate():
        note_edit(note=note, editor=people["root"], body="Root's version.", version=1)
    client = _login(client_a, tenant_a, people["staff"])
    response = client.post(
        f"{ADMIN}{people['member'].pk}/notes/{note.pk}/edit/", {"body": "Mine.", "version": 1}
    )
    assert response.status_code == HTTPStatus.OK
    assert CHANGED_MEANWHILE in response.text
    assert "Root&#x27;s version." in response.text
    assert 'name="version" value="2"' in response.text
    with tenant_a.activate():
        note.refresh_from_db()
        assert note.body == "Root's version."
        assert note.changes.count() == 2


def test_deleted_notes_cannot_be_edited_or_deleted_again(client_a, tenant_a, people, note):
    with tenant_a.activate():
        note_delete(note=note, editor=people["staff"])
        with pytest.raises(NoteError, match=DELETED):
            note_edit(note=note, editor=people["staff"], body="Again", version=None)
        with pytest.raises(NoteError, match=DELETED):
            note_delete(note=note, editor=people["staff"])
    client = _login(client_a, tenant_a, people["staff"])
    response = client.post(
        f"{ADMIN}{people['member'].pk}/notes/{note.pk}/edit/", {"body": "Again", "version": 2}
    )
    assert "it can no longer be edited" in response.text
    with tenant_a.activate():
        assert note.changes.count() == 2
        note.refresh_from_db()
        assert note.body == SECRET


def test_the_services_refuse_anyone_without_the_permission(tenant_a, people, note):
    with tenant_a.activate():
        for user in (people["member"], people["editor"]):
            with pytest.raises(NoteError, match=NOT_ALLOWED):
                note_create(member=people["member"], author=user, body="Hello")
            with pytest.raises(NoteError, match=NOT_ALLOWED):
                note_edit(note=note, editor=user, body="Hello", version=None)
            with pytest.raises(NoteError, match=NOT_ALLOWED):
                note_delete(note=note, editor=user)
        with pytest.raises(NoteError, match=EMPTY):
            note_create(member=people["member"], author=people["staff"], body=" ")
        assert note_version(note=note) == 1


# Who may not -------------------------------------------------------------------------------


def test_members_never_reach_the_admin_screens(client_a, tenant_a, people, note):
    client = _login(client_a, tenant_a, people["member"])
    for url in _urls(people["member"].pk, note.pk):
        response = client.get(url)
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN, 404), url
        if response.status_code == HTTPStatus.FOUND:
            assert response["Location"].startswith(("/admin/login/", "/accounts/login/")), url
        assert SECRET not in response.content.decode(), url
    response = client.post(f"{ADMIN}{people['member'].pk}/", {"body": "I was here"})
    assert response.status_code != HTTPStatus.OK
    client.post(f"{ADMIN}{people['member'].pk}/notes/{note.pk}/delete/")
    with tenant_a.activate():
        assert list(MemberNote.objects.values_list("body", "deleted_at")) == [(SECRET, None)]


def test_visitors_are_sent_to_sign_in(client_a, tenant_a, people, note):
    for url in _urls(people["member"].pk, note.pk):
        response = client_a.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert SECRET not in response.content.decode()


def test_staff_without_the_permission_get_a_403_naming_it(client_a, tenant_a, people, note):
    client = _login(client_a, tenant_a, people["editor"])
    for url in _urls(people["member"].pk, note.pk):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FORBIDDEN, url
        assert "Can read and write staff notes on members" in response.text
        assert SECRET not in response.text
    assert "/admin/members/" not in client.get("/admin/").text  # no menu item either
    _login(client_a, tenant_a, people["staff"])
    assert "/admin/members/" in client_a.get("/admin/").text


def test_the_permission_can_be_given_to_a_group(client_a, tenant_a, people):
    text = _login(client_a, tenant_a, people["root"]).get("/admin/groups/new/").text
    assert "Can read and write staff notes on members" in text


def test_members_see_nothing_of_the_notes_on_their_pages_or_in_their_export(
    client_a, tenant_a, people, note
):
    member = people["member"]
    with tenant_a.activate():
        note_edit(note=note, editor=people["staff"], body=f"{SECRET} (edited)", version=1)
        note_create(member=member, author=people["root"], body="Second secret: VIP")
    client = _login(client_a, tenant_a, member)
    pages = [
        "/",
        "/learning/",
        "/accounts/profile/",
        "/accounts/interests/",
        "/accounts/invite/",
        f"/community/members/{member.pk}/",
        "/community/notifications/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert SECRET not in response.text and "VIP" not in response.text, url
        assert "staff note" not in response.text.lower(), url

    response = client.post("/accounts/export/")
    assert response.status_code == HTTPStatus.OK
    exported = response.content.decode()
    data = json.loads(exported)
    assert SECRET not in exported and "VIP" not in exported
    assert not any("note" in key.lower() for key in data), sorted(data)


# Tenant isolation ------------------------------------------------------------------------------


def test_a_member_of_portal_a_is_not_found_on_portal_b(client_b, tenant_b, people, note):
    with tenant_b.activate():
        staff_b = make_staff(email="cs@b.localhost", superuser=True)
        other_b = make_member(email="someone@b.localhost")
    client = _login(client_b, tenant_b, staff_b)
    member_id = people["member"].pk
    for url in _urls(member_id, note.pk)[1:]:
        if member_id == other_b.pk:  # the same id may exist on B: then the note must not
            continue
        assert client.get(url).status_code == 404, url
    listing = client.get(ADMIN).text
    assert "Mei" not in listing and SECRET not in listing
    with tenant_b.activate():
        assert not MemberNote.objects.exists()


def test_a_note_id_of_another_member_is_not_found(client_a, tenant_a, people, note):
    client = _login(client_a, tenant_a, people["staff"])
    other = people["editor"]
    assert client.get(f"{ADMIN}{other.pk}/notes/{note.pk}/edit/").status_code == 404
    assert client.post(f"{ADMIN}{other.pk}/notes/{note.pk}/delete/").status_code == 404
    with tenant_a.activate():
        assert MemberNote.objects.get(pk=note.pk).deleted_at is None


# Query budgets -----------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


def test_the_member_screens_cost_the_same_for_few_or_many_notes_and_changes(
    client_a, tenant_a, people, member_factory, django_assert_max_num_queries
):
    member = people["member"]
    client = _login(client_a, tenant_a, people["root"])
    with tenant_a.activate():
        first = note_create(member=member, author=people["staff"], body="First")
    base = f"{ADMIN}{member.pk}/"
    paths = {
        "list": ADMIN,
        "member": base,
        "history": f"{base}notes/{first.pk}/history/",
        "edit": f"{base}notes/{first.pk}/edit/",
    }
    counts: dict[str, list[int]] = {name: [] for name in paths}
    for size in (1, 20):
        with tenant_a.activate():
            while MemberNote.objects.filter(member=member).count() < size:
                extra = note_create(member=member, author=people["root"], body="More")
                note_delete(note=extra, editor=people["staff"])
            while first.changes.count() < size:
                note_edit(
                    note=first,
                    editor=people["staff"],
                    body=f"v{first.changes.count()}",
                    version=None,
                )
        for _ in range(size):
            member_factory(tenant_a)
        client.get(base)  # warm per-request caches
        for name, path in paths.items():
            with django_assert_max_num_queries(QUERY_BUDGET):
                counts[name].append(_queries(client, path))
    for name, (few, many) in counts.items():
        assert few == many, name
        print(f"admin members {name}: {few} queries")


def test_note_services_write_the_note_and_its_change_together(tenant_a, people):
    with tenant_a.activate():
        note = note_create(member=people["member"], author=people["staff"], body="One")
        assert note.changes.get().action == MemberNoteChange.Action.CREATED
        assert note_services.can_use_staff_notes(user=people["root"])
        assert not note_services.can_use_staff_notes(user=people["editor"])
