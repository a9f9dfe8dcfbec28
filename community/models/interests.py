"""A member's own stated interests (community tags and product areas), used to recommend
courses and unanswered questions on their home page."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class MemberInterests(models.Model):
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interests"
    )
    tags = models.ManyToManyField("community.Tag", blank=True, related_name="+")
    areas = models.ManyToManyField("community.ProductArea", blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "member interests"

    def __str__(self) -> str:
        return f"Interests of {self.member_id}"
