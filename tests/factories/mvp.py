"""Nominations and MVP titles for tests, made through the real services; call inside a
portal's schema (``tenant.activate()``)."""

from certification.models import BadgeAward, Nomination
from certification.mvp_services import nomination_approve, nomination_create

REASON = "Answers every networking question within the hour, kindly and precisely."


def make_nomination(
    *, nominee, nominated_by, reason: str = REASON, expertise: str = ""
) -> Nomination:
    """``nominated_by`` nominates ``nominee`` through ``nomination_create``."""
    return nomination_create(
        nominator=nominated_by, nominee_id=nominee.pk, reason=reason, expertise=expertise
    )


def make_mvp(
    *, member, nominated_by, reviewed_by=None, expertise: str = "Networking"
) -> BadgeAward:
    """Nominate ``member`` and approve it: an MVP title valid for a year from now."""
    nomination = make_nomination(nominee=member, nominated_by=nominated_by, expertise=expertise)
    return nomination_approve(
        nomination=nomination, reviewed_by=reviewed_by or nominated_by, expertise=expertise
    )
