"""Writes of vouchers: generate a batch of codes, export it, and redeem a code exactly once.

Codes are 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn with
``secrets`` and shown in groups of four (ABCD-EFGH-JKMN). Members may type them in any case,
with spaces or dashes. Redemption is one conditional UPDATE (``WHERE redeemed_at IS NULL`` and
not expired) inside the caller's transaction: when two members race for a code, one row is
updated and the other member is told the code is used; if the caller's transaction then fails
(a full session, an exam the member may not take) the redemption rolls back with it.

What a voucher grants:
- an exam voucher starts an attempt at its exam at once, outside the attempt limit and the
  cooldown (it does not count as one of the member's attempts). Prerequisites and the
  certification rules still apply;
- a seat voucher confirms a requested seat in its classroom session (any, if the batch names
  none), through ``courses.session_services.redeem_voucher_for_seat``.
"""

from __future__ import annotations

import csv
import io
import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from certification.models import Attempt, Exam, Voucher, VoucherBatch
from certification.selectors import exam_standing
from certification.services import attempt_start
from portal.spreadsheets import csv_cell

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
GROUP = 4
MAX_BATCH = 5000

UNKNOWN_CODE = "This voucher code does not exist. Check it and try again."
USED_CODE = "This voucher code has already been used."
EXPIRED_CODE = "This voucher code has expired."
WRONG_EXAM = "This voucher is for another exam."
WRONG_SESSION = "This voucher is for another session."
NOT_AN_EXAM_VOUCHER = "This voucher is for a classroom seat, not an exam."
FINISH_OPEN_ATTEMPT = "Finish the attempt you started first; keep your voucher for later."
BAD_COUNT = f"Generate between 1 and {MAX_BATCH} codes."
PURPOSE_NEEDS_EXAM = "Choose the exam that exam vouchers are for."


class VoucherError(Exception):
    """A voucher that cannot be used or made; the message is fit to show."""


def code_generate() -> str:
    """A new random code, without dashes."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def code_normalise(raw: str) -> str:
    """A code as typed (any case, spaces, dashes) as stored: upper case, letters and digits."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def code_display(code: str) -> str:
    """``ABCDEFGHJKMN`` -> ``ABCD-EFGH-JKMN``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


@transaction.atomic
def batch_create(
    *,
    name: str,
    purpose: str,
    count: int,
    created_by,
    exam: Exam | None = None,
    session=None,
    expires_at: datetime | None = None,
) -> VoucherBatch:
    """Generate ``count`` unique codes in one batch (bulk inserts).

    A code already in the portal (a one-in-10^17 chance) is drawn again. Raises
    ``VoucherError`` for a count outside 1..5000 or an exam batch without its exam.
    """
    if not 1 <= count <= MAX_BATCH:
        raise VoucherError(BAD_COUNT)
    if purpose == VoucherBatch.Purpose.EXAM_ATTEMPT and exam is None:
        raise VoucherError(PURPOSE_NEEDS_EXAM)
    if purpose == VoucherBatch.Purpose.EXAM_ATTEMPT:
        session = None
    else:
        exam = None
    batch = VoucherBatch.objects.create(
        name=name,
        purpose=purpose,
        exam=exam,
        session=session,
        count=count,
        expires_at=expires_at,
        created_by=created_by,
    )
    made = 0
    while made < count:
        codes = {code_generate() for _ in range(count - made)}
        taken = set(Voucher.objects.filter(code__in=codes).values_list("code", flat=True))
        rows = [Voucher(batch=batch, code=code) for code in codes - taken]
        try:
            with transaction.atomic():
                Voucher.objects.bulk_create(rows)
        except IntegrityError:  # a concurrent batch drew the same code: draw again
            continue
        made += len(rows)
    return batch


def batch_csv(*, batch: VoucherBatch) -> str:
    """The batch's codes as CSV (code, batch, expiry, redeemed at; UTC), formula-safe: one query."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["code", "batch", "expires_at", "redeemed_at"])
    expires = batch.expires_at.isoformat() if batch.expires_at else ""
    for code, redeemed_at in batch.vouchers.order_by("pk").values_list("code", "redeemed_at"):
        writer.writerow(
            [
                csv_cell(code_display(code)),
                csv_cell(batch.name),
                csv_cell(expires),
                csv_cell(redeemed_at.isoformat() if redeemed_at else ""),
            ]
        )
    return buffer.getvalue()


def _why_refused(code: str) -> str:
    voucher = Voucher.objects.select_related("batch").filter(code=code).first()
    if voucher is None:
        return UNKNOWN_CODE
    if voucher.redeemed_at is not None:
        return USED_CODE
    return EXPIRED_CODE


def _redeem(*, code: str, member, purpose: str, target: Q) -> Voucher:
    """Claim an unused, unexpired code of ``purpose`` matching ``target`` for ``member``."""
    now = timezone.now()
    claimable = Voucher.objects.filter(
        Q(batch__expires_at__isnull=True) | Q(batch__expires_at__gt=now),
        target,
        code=code,
        redeemed_at__isnull=True,
        batch__purpose=purpose,
    )
    ids = list(claimable.values_list("pk", flat=True)[:1])
    if ids and Voucher.objects.filter(pk=ids[0], redeemed_at__isnull=True).update(
        redeemed_at=now, redeemed_by=member
    ):
        return Voucher.objects.select_related("batch").get(pk=ids[0])
    raise VoucherError(_why_refused(code))


@transaction.atomic
def voucher_redeem_for_exam(*, member, exam: Exam, code: str) -> Attempt:
    """Redeem an exam voucher and start an attempt at ``exam`` with it, at once.

    Raises ``VoucherError`` for an unknown, used, expired or other exam's code, and when the
    member has an attempt in progress; ``ExamError`` when they may not take the exam even with
    a voucher (prerequisites, certification held). Either way the code stays unused.
    """
    code = code_normalise(code)
    voucher = Voucher.objects.select_related("batch").filter(code=code).first()
    if voucher is not None and voucher.redeemed_at is None:
        if voucher.batch.purpose != VoucherBatch.Purpose.EXAM_ATTEMPT:
            raise VoucherError(NOT_AN_EXAM_VOUCHER)
        if voucher.batch.exam_id != exam.pk:
            raise VoucherError(WRONG_EXAM)
    standing = exam_standing(exam=exam, member=member)
    if standing.open_attempt is not None and not standing.open_expired:
        raise VoucherError(FINISH_OPEN_ATTEMPT)
    voucher = _redeem(
        code=code,
        member=member,
        purpose=VoucherBatch.Purpose.EXAM_ATTEMPT,
        target=Q(batch__exam=exam),
    )
    attempt = attempt_start(member=member, exam=exam, by_voucher=True)  # ExamError rolls back
    voucher.attempt = attempt
    voucher.save(update_fields=["attempt"])
    return attempt


def seat_voucher_handler(*, session, member, code: str) -> bool:
    """``SEAT_PAYMENT_HANDLERS`` entry: redeem a seat voucher for ``session``.

    Returns False when the code is no seat voucher (another handler may know it); raises
    ``CourseError`` with our message for a used, expired or other session's voucher. Runs in
    ``redeem_voucher_for_seat``'s transaction, which then confirms the seat (or rolls back).
    """
    from courses.models import SessionRegistration
    from courses.services import CourseError

    code = code_normalise(code)
    voucher = Voucher.objects.select_related("batch").filter(code=code).first()
    if voucher is None or voucher.batch.purpose != VoucherBatch.Purpose.SEAT:
        return False
    if voucher.batch.session_id not in (None, session.pk) and voucher.redeemed_at is None:
        raise CourseError(WRONG_SESSION)
    try:
        voucher = _redeem(
            code=code,
            member=member,
            purpose=VoucherBatch.Purpose.SEAT,
            target=Q(batch__session__isnull=True) | Q(batch__session=session),
        )
    except VoucherError as error:
        raise CourseError(str(error)) from None
    voucher.registration = SessionRegistration.objects.filter(
        member=member, session=session
    ).first()
    voucher.save(update_fields=["registration"])
    return True
