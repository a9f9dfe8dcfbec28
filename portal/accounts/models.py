"""Members of one portal. Users live in the tenant schema: a customer of two vendors has two."""

import zoneinfo

from django.conf import global_settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models

from django_countries.fields import CountryField

LANGUAGE_CHOICES = sorted(global_settings.LANGUAGES, key=lambda item: item[1])
TIME_ZONE_CHOICES = [
    (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
]


class MemberManager(UserManager):
    """Members sign in by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("A member needs an email address.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


def avatar_path(instance: "User", filename: str) -> str:
    return f"avatars/{instance.pk or 'new'}/{filename}"


class User(AbstractUser):
    """A member of the portal, with the profile that later features show beside posts and badges.

    Staff (``is_staff``) are the portal's Wagtail editors and moderators and must use MFA.
    """

    username = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(
        max_length=60, blank=True, help_text="The name other members see beside your posts."
    )
    avatar = models.ImageField(
        upload_to=avatar_path, blank=True, help_text="A square image works best."
    )
    bio = models.TextField(
        max_length=500, blank=True, help_text="A few words about you (plain text)."
    )
    country = CountryField(blank=True)
    languages = ArrayField(
        models.CharField(max_length=10, choices=LANGUAGE_CHOICES),
        default=list,
        blank=True,
        help_text="Languages you can help others in.",
    )
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = MemberManager()

    class Meta:
        verbose_name = "member"
        verbose_name_plural = "members"

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """What other members see: the display name, never the email address."""
        return self.display_name or f"Member {self.pk}"


class ReferralCode(models.Model):
    """A member's referral link code, made the first time they open their referral page."""

    member = models.OneToOneField(User, on_delete=models.CASCADE, related_name="referral_code")
    code = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class Referral(models.Model):
    """A sign-up through a member's referral link: attributed once, never to oneself."""

    referrer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="referrals")
    referred = models.OneToOneField(User, on_delete=models.CASCADE, related_name="referred_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(referrer=models.F("referred")), name="referral_not_oneself"
            )
        ]

    def __str__(self) -> str:
        return f"{self.referrer_id} referred {self.referred_id}"


class MemberNote(models.Model):
    """A staff-only note on a member ("remember the customer"); members never see it. Every
    change is kept in ``MemberNoteChange``; deleting marks ``deleted_at``."""

    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_notes")
    body = models.TextField(max_length=4000)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("view_staff_notes", "Can read and write staff notes on members")]

    def __str__(self) -> str:
        return f"Note {self.pk} on {self.member_id}"


class MemberNoteChange(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        DELETED = "deleted", "Deleted"

    note = models.ForeignKey(MemberNote, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    body = models.TextField(max_length=4000, help_text="The note's text after the change.")
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} note {self.note_id}"
