"""Writes to a member's account: profile edits and deletion.

Views call these and turn ``AccountError`` into a form error; the messages are fit to show.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.db.models.fields.files import FieldFile

from django_tenants.utils import schema_context
from PIL import Image, UnidentifiedImageError

from portal.accounts.models import User

AVATAR_MAX_BYTES = 2 * 1024 * 1024
AVATAR_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})

ERROR_AVATAR_TOO_LARGE = "Your picture is larger than 2 MB. Please choose a smaller file."
ERROR_AVATAR_NOT_IMAGE = "Your picture must be a JPEG, PNG, GIF or WebP image."
ERROR_WRONG_PASSWORD = "That password is not correct. Your account has not been deleted."  # noqa: S105
ERROR_LAST_STAFF = (
    "You are the portal's only staff member, so you cannot delete your account. "
    "Make someone else staff first."
)
ERROR_DELETE_PROTECTED = (
    "Your account is still referenced by records that must be kept. "
    "Please contact the portal's staff to delete it."
)


class AccountError(Exception):
    """A member's mistake with their own account; the message is fit to show.

    ``field`` names the form field the message belongs beside, if any.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def avatar_check(file: UploadedFile) -> None:
    """Refuse files over 2 MB and anything that is not a JPEG, PNG, GIF or WebP image.

    Raises ``AccountError``. Uses the image Django's ``ImageField`` already opened when present.
    """
    if file.size is not None and file.size > AVATAR_MAX_BYTES:
        raise AccountError(ERROR_AVATAR_TOO_LARGE, field="avatar")
    image = getattr(file, "image", None)
    if image is None:
        try:
            file.seek(0)
            with Image.open(file) as opened:
                opened.verify()
                image = opened
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise AccountError(ERROR_AVATAR_NOT_IMAGE, field="avatar") from exc
        finally:
            file.seek(0)
    if image.format not in AVATAR_FORMATS:
        raise AccountError(ERROR_AVATAR_NOT_IMAGE, field="avatar")


def _delete_file_on_commit(field_file: FieldFile) -> None:
    """Remove a stored file once the transaction commits (from this portal's media folder)."""
    if not field_file:
        return
    name, storage, schema = field_file.name, field_file.storage, connection.schema_name

    def delete() -> None:
        with schema_context(schema):
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    bio: str = "",
    country: str = "",
    languages: list[str] | None = None,
    time_zone: str = "UTC",
    avatar: UploadedFile | None = None,
    avatar_clear: bool = False,
) -> User:
    """Save the member's profile; a new or cleared avatar removes the old file after commit.

    Raises ``AccountError`` for a bad avatar and ``ValidationError`` for other bad values.
    """
    old_avatar = user.avatar if user.avatar else None
    if avatar is not None:
        avatar_check(avatar)
    user.display_name = display_name.strip()
    user.bio = bio.strip()
    user.country = country
    user.languages = list(dict.fromkeys(languages or []))
    user.time_zone = time_zone
    fields = ["display_name", "bio", "country", "languages", "time_zone"]
    if avatar is not None:
        user.avatar = avatar
        fields.append("avatar")
    elif avatar_clear:
        user.avatar = None
        fields.append("avatar")
    user.full_clean(exclude=["password", "email", "username"], validate_unique=False)
    user.save(update_fields=fields)
    if "avatar" in fields and old_avatar is not None and old_avatar.name != user.avatar.name:
        _delete_file_on_commit(old_avatar)
    return user


@transaction.atomic
def member_delete(*, user: User, password: str) -> None:
    """Delete the member and everything that cascades from them (emails, authenticators).

    Raises ``AccountError`` if the password is wrong, if they are the portal's last active staff
    member (the staff rows are locked, so two staff can't both leave at once), or if other apps
    protect rows that point at them.
    """
    if not password or not user.check_password(password):
        raise AccountError(ERROR_WRONG_PASSWORD, field="password")
    if user.is_staff:
        staff_ids = list(
            User.objects.select_for_update()
            .filter(is_staff=True, is_active=True)
            .values_list("pk", flat=True)
        )
        if not set(staff_ids) - {user.pk}:
            raise AccountError(ERROR_LAST_STAFF)
    avatar = user.avatar if user.avatar else None
    try:
        user.delete()
    except ProtectedError as exc:
        raise AccountError(ERROR_DELETE_PROTECTED) from exc
    if avatar is not None:
        _delete_file_on_commit(avatar)
