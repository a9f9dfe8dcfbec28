import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _rating(verbose_name, help_text):
    return models.PositiveSmallIntegerField(
        help_text=help_text,
        validators=[
            django.core.validators.MinValueValidator(1),
            django.core.validators.MaxValueValidator(5),
        ],
        verbose_name=verbose_name,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_video_media"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CourseFeedback",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "content_rating",
                    _rating("content", "How good the content was, from 1 (poor) to 5."),
                ),
                (
                    "instructor_rating",
                    _rating("instructor", "How good the teaching was, from 1 to 5."),
                ),
                (
                    "pace_rating",
                    _rating("pace", "How well the pace suited the member, from 1 to 5."),
                ),
                (
                    "recommend",
                    models.PositiveSmallIntegerField(
                        help_text=(
                            "How likely the member is to recommend the course, from 0 to 10 "
                            "(for NPS)."
                        ),
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10),
                        ],
                        verbose_name="likely to recommend",
                    ),
                ),
                (
                    "comment",
                    models.TextField(
                        blank=True,
                        help_text="Anything else, in the member's words.",
                        max_length=2000,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "course",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feedback",
                        to="courses.coursepage",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="course_feedback",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "course feedback",
                "verbose_name_plural": "course feedback",
                "permissions": [("view_course_reports", "Can see course reports")],
                "indexes": [
                    models.Index(fields=["course", "-updated_at"], name="feedback_course_latest")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("member", "course"), name="feedback_unique_member"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("content_rating__range", (1, 5)),
                            ("instructor_rating__range", (1, 5)),
                            ("pace_rating__range", (1, 5)),
                        ),
                        name="feedback_ratings_1_to_5",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("recommend__range", (0, 10))),
                        name="feedback_recommend_0_to_10",
                    ),
                ],
            },
        ),
    ]
