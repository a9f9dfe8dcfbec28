"""The portal's community settings (Settings › Community in the Wagtail admin)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="group")
class CommunitySettings(BaseGenericSetting):
    """Who may answer, reputation privileges and limits for new accounts."""

    class AnswerPolicy(models.TextChoices):
        ANY_CERTIFICATION = "any", "Members holding any valid certification (and MVPs, staff)"
        MATCHING_CERTIFICATION = (
            "matching",
            "Members holding a certification tied to one of the question's tags (and MVPs, staff)",
        )
        EVERYONE = "everyone", "Every signed-in member"

    answer_policy = models.CharField(
        max_length=10, choices=AnswerPolicy.choices, default=AnswerPolicy.ANY_CERTIFICATION
    )
    downvote_reputation = models.PositiveIntegerField(
        default=50, help_text="Reputation needed to vote down."
    )
    edit_reputation = models.PositiveIntegerField(
        default=500, help_text="Reputation needed to edit others' posts."
    )
    close_reputation = models.PositiveIntegerField(
        default=1000, help_text="Reputation needed to close questions."
    )
    new_account_days = models.PositiveSmallIntegerField(
        default=7, help_text="Accounts younger than this many days are new."
    )
    new_account_posts_per_hour = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="How many questions, answers and comments a new account may post per hour.",
    )

    panels = [
        FieldPanel("answer_policy"),
        MultiFieldPanel(
            [
                FieldPanel("downvote_reputation"),
                FieldPanel("edit_reputation"),
                FieldPanel("close_reputation"),
            ],
            heading="Privileges by reputation",
        ),
        MultiFieldPanel(
            [FieldPanel("new_account_days"), FieldPanel("new_account_posts_per_hour")],
            heading="New accounts",
        ),
    ]

    class Meta:
        verbose_name = "community"
