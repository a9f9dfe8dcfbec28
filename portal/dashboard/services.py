"""The weekly service summary e-mailed to staff (``manage.py send_staff_summary``): last week's
figures of the dashboard beside the week before's, with a link to the dashboard.

Each recipient gets it once per week and portal. What was sent is recorded in Wagtail's audit
log (a ``ModelLogEntry`` on the recipient, action ``guildhall.staff_summary``, with the week's
Monday), which lives in the portal's schema, survives restarts and shows in Reports › Site
history; a second run in the same week finds the entries and sends nothing. ``force=True``
sends again all the same (and records it again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from wagtail.models import ModelLogEntry

from portal.dashboard.access import summary_recipients
from portal.dashboard.figures import Fact
from portal.dashboard.periods import Span, day_label, summary_span
from portal.dashboard.selectors import dashboard
from portal.links import portal_url

logger = logging.getLogger(__name__)

SUMMARY_ACTION = "guildhall.staff_summary"
SUMMARY_ACTION_LABEL = "Weekly service summary e-mailed"
SUNDAY = timedelta(days=6)
TEXT_TEMPLATE = "dashboard/email/staff_summary.txt"
HTML_TEMPLATE = "dashboard/email/staff_summary.html"


@dataclass(frozen=True)
class Comparison:
    label: str
    last: str
    before: str


@dataclass(frozen=True)
class SummaryPart:
    title: str
    lines: list[Comparison]
    facts: list[Fact] = field(default_factory=list)


@dataclass(frozen=True)
class Summary:
    span: Span
    parts: list[SummaryPart]

    @property
    def week(self):
        """The Monday of the week summarised (last week)."""
        return self.span.last


@dataclass(frozen=True)
class SendResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0


def weekly_summary(*, now: datetime | None = None) -> Summary:
    """Last week against the week before, for every measure of the dashboard (two queries)."""
    span = summary_span(now=now)
    parts = []
    for section in dashboard(span=span, now=now):
        before, last = section.rows
        lines = [
            Comparison(
                label=section.column(key).label,
                last=section.column(key).display(last[key]),
                before=section.column(key).display(before[key]),
            )
            for key in section.headline
        ]
        parts.append(SummaryPart(title=section.title, lines=lines, facts=section.facts))
    return Summary(span=span, parts=parts)


def _sent_to(*, week: str, member_ids: list[int]) -> set[int]:
    """Which of ``member_ids`` were already sent the summary of ``week``: one query."""
    entries = ModelLogEntry.objects.filter(
        action=SUMMARY_ACTION,
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_id__in=[str(pk) for pk in member_ids],
        data__week=week,
    )
    return {int(pk) for pk in entries.values_list("object_id", flat=True)}


def _message(*, member, summary: Summary, portal_name: str) -> EmailMultiAlternatives:
    from portal.accounts.api import public_profile

    context = {
        "name": public_profile(member).name,
        "portal_name": portal_name,
        "week_label": day_label(summary.week),
        "week_range": f"{day_label(summary.week)} to {day_label(summary.week + SUNDAY)}",
        "parts": summary.parts,
        "dashboard_url": portal_url(reverse("service_dashboard:index")),
    }
    subject = f"[{portal_name}] Service summary, week of {day_label(summary.week)}"
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(TEXT_TEMPLATE, context),
        to=[member.email],
    )
    message.attach_alternative(render_to_string(HTML_TEMPLATE, context), "text/html")
    return message


def staff_summary_send(*, force: bool = False, now: datetime | None = None) -> SendResult:
    """E-mail last week's summary to every recipient of this portal who has not had it yet
    (``force``: to all of them). Returns how many were sent, skipped and failed.

    Per recipient, in a transaction: their member row is locked (a concurrent run holding it
    skips them), the audit log is checked again, the e-mail is sent and the sending recorded;
    a failed delivery records nothing, so the next run tries again.
    """
    from portal.accounts.adapters import portal_name

    recipients = list(summary_recipients())
    if not recipients:
        return SendResult()
    summary = weekly_summary(now=now)
    week = summary.week.isoformat()
    done = set() if force else _sent_to(week=week, member_ids=[m.pk for m in recipients])
    name = portal_name()
    sent = skipped = failed = 0
    locking = get_user_model().objects.select_for_update(skip_locked=True)
    for member in recipients:
        if member.pk in done:
            skipped += 1
            continue
        try:
            with transaction.atomic():
                if not locking.filter(pk=member.pk).exists() or (
                    not force and _sent_to(week=week, member_ids=[member.pk])
                ):
                    skipped += 1
                    continue
                _message(member=member, summary=summary, portal_name=name).send()
                ModelLogEntry.objects.log_action(member, SUMMARY_ACTION, data={"week": week})
        except (SMTPException, OSError):
            logger.exception("The staff summary to member %s could not be sent.", member.pk)
            failed += 1
            continue
        sent += 1
    return SendResult(sent=sent, skipped=skipped, failed=failed)
