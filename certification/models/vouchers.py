"""Vouchers: batches of one-use codes staff hand out for free exam attempts or classroom seats.

Written only through ``certification.voucher_services``: a code is redeemed by one conditional
UPDATE, so when two members race for the same code exactly one of them gets it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class VoucherBatch(models.Model):
    """Codes generated together for one purpose, e.g. “Partner summit 2030: free exam”."""

    class Purpose(models.TextChoices):
        EXAM_ATTEMPT = "exam", "An exam attempt"
        SEAT = "seat", "A classroom seat"

    name = models.CharField(max_length=120, help_text="For staff: who the codes are for.")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    exam = models.ForeignKey(
        "certification.Exam",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voucher_batches",
        help_text="For exam vouchers: the exam they grant an attempt at.",
    )
    session = models.ForeignKey(
        "courses.LiveSessionPage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For seat vouchers: one classroom session, or empty for any.",
    )
    count = models.PositiveIntegerField(help_text="How many codes were generated.")
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Codes cannot be redeemed from then on (empty: never)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "voucher batches"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(purpose="exam", exam__isnull=False, session__isnull=True)
                    | models.Q(purpose="seat", exam__isnull=True)
                ),
                name="voucher_batch_purpose_target",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Voucher(models.Model):
    """One code of a batch; ``redeemed_at`` set once, by the member who used it."""

    batch = models.ForeignKey(VoucherBatch, on_delete=models.PROTECT, related_name="vouchers")
    code = models.CharField(max_length=20, unique=True, help_text="Stored without dashes.")
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)
    attempt = models.OneToOneField(
        "certification.Attempt",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="voucher",
        help_text="The exam attempt it paid for.",
    )
    registration = models.OneToOneField(
        "courses.SessionRegistration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The classroom seat it paid for.",
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.code
