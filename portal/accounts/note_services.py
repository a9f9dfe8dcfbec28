"""Writes of staff notes on members ("remember the customer"): add, edit, delete.

Notes are for staff alone: only superusers and holders of ``accounts.view_staff_notes``
(``can_use_staff_notes``, the one rule the admin screens ask too) may write them, and no
member-facing page, API or data export reads them. Every change is kept in
``MemberNoteChange`` (who, when, the text after the change) in the same transaction as the
change itself; deleting only marks ``deleted_at``, so the history survives.

An edit names the version of the note its author saw (the number of changes so far): if
someone else changed the note meanwhile, the edit is refused rather than silently overwriting
their words.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import MemberNote, MemberNoteChange, User

PERMISSION = "accounts.view_staff_notes"
BODY_MAX_LENGTH = MemberNote._meta.get_field("body").max_length

NOT_ALLOWED = "Staff notes need the permission “Can read and write staff notes on members”."
EMPTY = "Write the note: it cannot be empty."
TOO_LONG = f"A note can be at most {BODY_MAX_LENGTH} characters long."
DELETED = "This note has been deleted; it can no longer be edited."
CHANGED_MEANWHILE = (
    "Someone else changed this note while you were editing it. Their version is shown below; "
    "make your change again."
)
UNCHANGED = "The note is unchanged."
ADDED = "Note added."
EDITED = "Note saved."
REMOVED = "Note deleted. It stays in the history."


class NoteError(Exception):
    """A note change that cannot be made; the message is fit to show."""


def can_use_staff_notes(*, user) -> bool:
    """Superusers, and active members holding ``accounts.view_staff_notes``, read and write
    staff notes. Never a member without it, whatever else they may do in the admin."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(PERMISSION)


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise NoteError(EMPTY)
    if len(body) > BODY_MAX_LENGTH:
        raise NoteError(TOO_LONG)
    return body


def _require(user: User) -> None:
    if not can_use_staff_notes(user=user):
        raise NoteError(NOT_ALLOWED)


def note_version(*, note: MemberNote) -> int:
    """The note's version for an edit form: how many changes it has had (one query)."""
    return note.changes.count()


@transaction.atomic
def note_create(*, member: User, author: User, body: str) -> MemberNote:
    """Add a note on ``member`` by ``author``, logged as "created". Raises ``NoteError``."""
    _require(author)
    body = _clean_body(body)
    note = MemberNote.objects.create(member=member, author=author, body=body)
    MemberNoteChange.objects.create(
        note=note, action=MemberNoteChange.Action.CREATED, body=body, changed_by=author
    )
    return note


@transaction.atomic
def note_edit(*, note: MemberNote, editor: User, body: str, version: int | None) -> MemberNote:
    """Replace the note's text, logged as "edited" with the new text.

    ``version`` is what ``note_version`` gave the editor's form; None skips the check. The
    note is locked while it is checked and changed, so two edits cannot both pass. Raises
    ``NoteError`` (deleted note, empty or over-long text, changed meanwhile, no change).
    """
    _require(editor)
    body = _clean_body(body)
    locked = MemberNote.objects.select_for_update().get(pk=note.pk)
    if locked.deleted_at is not None:
        raise NoteError(DELETED)
    if version is not None and note_version(note=locked) != version:
        raise NoteError(CHANGED_MEANWHILE)
    if locked.body == body:
        raise NoteError(UNCHANGED)
    locked.body = body
    locked.save(update_fields=["body", "updated_at"])
    MemberNoteChange.objects.create(
        note=locked, action=MemberNoteChange.Action.EDITED, body=body, changed_by=editor
    )
    return locked


@transaction.atomic
def note_delete(*, note: MemberNote, editor: User) -> MemberNote:
    """Mark the note deleted (it leaves the member's page, stays in the history), logged as
    "deleted" with its last text. Deleting a deleted note is refused with ``NoteError``."""
    _require(editor)
    locked = MemberNote.objects.select_for_update().get(pk=note.pk)
    if locked.deleted_at is not None:
        raise NoteError(DELETED)
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["deleted_at", "updated_at"])
    MemberNoteChange.objects.create(
        note=locked, action=MemberNoteChange.Action.DELETED, body=locked.body, changed_by=editor
    )
    return locked
