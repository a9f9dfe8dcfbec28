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
