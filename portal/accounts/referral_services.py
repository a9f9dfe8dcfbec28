"""Writes of the referral programme: a member's referral code, and attributing a sign-up to the
member whose link brought the visitor.

Every member has a referral link, ``/r/<code>/``. The code is made the first time it is needed
(the member opens "Invite colleagues"), from ``secrets``: ten characters of an alphabet without
look-alikes (about 49 bits), so codes can be neither guessed nor enumerated. Two requests making
a member's code at once end with one code (the one-to-one constraint decides).

A new member is attributed to the owner of the code their browser remembered
(``portal.accounts.referral_views``) when they sign up (``portal.accounts.adapters``): once
(``Referral.referred`` is one-to-one), never to themselves (a check constraint), and an unknown,
malformed or deactivated code is ignored without a word: a referral must never stand in the way
of a sign-up.
"""

from __future__ import annotations

import re
import secrets

from django.db import IntegrityError, transaction

from portal.accounts.models import Referral, ReferralCode, User

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read out
CODE_LENGTH = 10
CODE_PATTERN = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
_CODE_ATTEMPTS = 5


def code_normalise(code: object) -> str | None:
    """The code in its stored form (lower case, trimmed), or None if it cannot be one of ours."""
    if not isinstance(code, str):
        return None
    code = code.strip().lower()
    return code if CODE_PATTERN.fullmatch(code) else None


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def referral_code_ensure(*, member: User) -> ReferralCode:
    """The member's referral code, made now if they have none yet.

    Race-safe: when two requests make the first code at the same moment, the loser's insert
    fails on the one-to-one constraint and it returns the winner's code. A clash with another
    member's code (about one in 10^14 per attempt) is retried with a new code.
    """
    existing = ReferralCode.objects.filter(member_id=member.pk).first()
    if existing is not None:
        return existing
    for _ in range(_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return ReferralCode.objects.create(member_id=member.pk, code=_new_code())
        except IntegrityError:
            existing = ReferralCode.objects.filter(member_id=member.pk).first()
            if existing is not None:
                return existing
    raise RuntimeError("Could not make a unique referral code.")  # pragma: no cover


def referral_attribute(*, referred: User, code: object) -> Referral | None:
    """Record that ``referred`` signed up through the link with ``code``; None if not.

    Nothing is recorded (and nothing raised) for a missing, malformed or unknown code, the
    member's own code, a deactivated referrer, or a member already attributed (first one wins,
    also when two attributions race).
    """
    code = code_normalise(code)
    if code is None or referred is None or referred.pk is None:
        return None
    owner = ReferralCode.objects.filter(code=code).values_list("member_id", "member__is_active")
    found = owner.first()
    if found is None:
        return None
    referrer_id, referrer_active = found
    if referrer_id == referred.pk or not referrer_active:
        return None
    try:
        with transaction.atomic():
            return Referral.objects.create(referrer_id=referrer_id, referred_id=referred.pk)
    except IntegrityError:
        return None
