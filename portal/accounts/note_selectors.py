"""Reads for the staff's member screens (Wagtail admin › Members): finding a member, what staff
should remember about them (notes, interests, referrals) and a note's history.

For staff alone: the views that call these check ``note_services.can_use_staff_notes`` first.
Nothing member-facing imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from portal.accounts.models import MemberNote, MemberNoteChange, Referral, User

MEMBERS_PER_PAGE = 25


def members_for_staff(*, query: str = "", page_number: object = 1) -> Page:
    """Members by name, 25 a page, with ``note_count`` (notes not deleted); ``query`` matches
    the display name or e-mail address. Two queries (the page and its count)."""
    members = User.objects.annotate(
        note_count=Count("staff_notes", filter=Q(staff_notes__deleted_at__isnull=True))
    ).order_by("display_name", "email", "pk")
    query = query.strip()
    if query:
        members = members.filter(Q(display_name__icontains=query) | Q(email__icontains=query))
    return Paginator(members, MEMBERS_PER_PAGE).get_page(page_number)


def member_for_notes(*, member_id: int) -> User | None:
    """The member with what staff see beside the notes, in one query: ``referral_count``
    (sign-ups through their link), ``referred_by`` (whose link brought them, if any),
    ``interest_topics`` and ``interest_products`` (names)."""
    from community.models import MemberInterests

    topics = MemberInterests.tags.through.objects.filter(memberinterests__member_id=member_id)
    products = MemberInterests.areas.through.objects.filter(memberinterests__member_id=member_id)
    referrals = (
        Referral.objects.filter(referrer_id=OuterRef("pk"))
        .order_by()
        .values("referrer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        User.objects.filter(pk=member_id)
        .select_related("referred_by__referrer")
        .annotate(
            referral_count=Coalesce(Subquery(referrals, output_field=IntegerField()), 0),
            interest_topics=ArraySubquery(topics.order_by("tag__name").values("tag__name")),
            interest_products=ArraySubquery(
                products.order_by("productarea__position", "productarea__name").values(
                    "productarea__name"
                )
            ),
        )
        .first()
    )


@dataclass(frozen=True)
class MemberNotes:
    notes: list[MemberNote]  # current ones, newest first
    deleted: list[MemberNote]  # deleted ones, most recently deleted first


def notes_for(*, member: User) -> MemberNotes:
    """The member's notes with their authors and ``change_count``: one query."""
    notes = list(
        MemberNote.objects.filter(member_id=member.pk)
        .select_related("author")
        .annotate(change_count=Count("changes"))
        .order_by("-created_at", "-pk")
    )
    deleted = [note for note in notes if note.deleted_at is not None]
    deleted.sort(key=lambda note: note.deleted_at, reverse=True)
    return MemberNotes(notes=[note for note in notes if note.deleted_at is None], deleted=deleted)


def note_of_member(*, member_id: int, note_id: int) -> MemberNote | None:
    """The note ``note_id`` if it is on member ``member_id`` (deleted or not), with its member,
    author and ``change_count`` (its version for an edit form); None otherwise. One query."""
    return (
        MemberNote.objects.filter(pk=note_id, member_id=member_id)
        .select_related("member", "author")
        .annotate(change_count=Count("changes"))
        .first()
    )


def note_history(*, note: MemberNote) -> list[MemberNoteChange]:
    """Every change of the note, oldest first, with who made it: one query."""
    return list(
        MemberNoteChange.objects.filter(note_id=note.pk)
        .select_related("changed_by")
        .order_by("changed_at", "pk")
    )
