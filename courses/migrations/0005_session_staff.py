import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_course_feedback"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="sessionregistration",
            name="decided_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the seat request was confirmed or declined.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="sessionregistration",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "The staff member who confirmed or declined the request (empty for a voucher)."
                ),
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="sessionregistration",
            name="decline_reason",
            field=models.CharField(
                blank=True,
                help_text="Why staff declined the seat request; sent to the member in the email.",
                max_length=500,
            ),
        ),
        migrations.AlterField(
            model_name="sessionregistration",
            name="status",
            field=models.CharField(
                choices=[
                    ("registered", "Registered"),
                    ("waitlisted", "On the waiting list"),
                    ("requested", "Seat requested"),
                    ("declined", "Seat request declined"),
                    ("cancelled", "Cancelled"),
                ],
                max_length=20,
            ),
        ),
    ]
