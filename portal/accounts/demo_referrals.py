"""Demo data (a step of ``portal.demo.SEED_STEPS``): referrals, staff notes and interests.

- learner1 invited two colleagues, who joined through her link (made as real members and
  attributed by ``referral_attribute``, as a sign-up would be), three and one weeks ago;
- the staff left notes on learner3, one of them edited (its history shows both versions);
- learner1, learner2 and learner3 stated their interests (topics and, when the ideas step made
  them, products).

Everything goes through the real services. Running it again changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from allauth.account.models import EmailAddress

from portal.accounts.models import MemberNote, Referral, User

REFERRER = "learner1@demo.localhost"
REFERRED = [
    {
        "email": "priya@demo.localhost",
        "display_name": "Priya Raman",
        "country": "IN",
        "languages": ["en", "ta"],
        "time_zone": "Asia/Kolkata",
        "bio": "Site reliability engineer on Amara's team.",
        "weeks_ago": 3,
    },
    {
        "email": "tomas@demo.localhost",
        "display_name": "Tomás Silva",
        "country": "PT",
        "languages": ["pt", "en"],
        "time_zone": "Europe/Lisbon",
        "bio": "Developer moving our batch jobs to the platform.",
        "weeks_ago": 1,
    },
]
NOTED = "learner3@demo.localhost"
NOTES = [
    (
        "Asked on the phone for a classroom session in the Tokyo time zone; told her we plan "
        "one next quarter.",
        "Asked on the phone for a classroom session in the Tokyo time zone; told her we plan "
        "one next quarter. Update: booked for 14 May, she has a seat.",
    ),
    (
        "Very helpful in the community on networking questions: consider her for the MVP title.",
        None,
    ),
]
INTERESTS = {
    "learner1@demo.localhost": (["deployment", "observability", "security"], 2),
    "learner2@demo.localhost": (["observability", "cli"], 1),
    "learner3@demo.localhost": (["networking", "security"], 1),
}


def _seed_referrals(lines: list[str], password: str) -> None:
    from portal.accounts.referral_services import referral_attribute, referral_code_ensure

    referrer = User.objects.filter(email=REFERRER).first()
    if referrer is None:
        return
    code = referral_code_ensure(member=referrer)
    for spec in REFERRED:
        if User.objects.filter(email=spec["email"]).exists():
            continue
        fields = {key: value for key, value in spec.items() if key not in ("email", "weeks_ago")}
        member = User.objects.create_user(email=spec["email"], password=password, **fields)
        EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
        referral = referral_attribute(referred=member, code=code.code)
        # A demo cannot wait: move the sign-up (and so its referral) into the past together.
        joined = timezone.now() - timedelta(weeks=spec["weeks_ago"])
        User.objects.filter(pk=member.pk).update(date_joined=joined)
        if referral is not None:
            Referral.objects.filter(pk=referral.pk).update(created_at=joined)
        lines.append(f"{member.email} joined through {referrer.email}'s referral link.")


def _seed_notes(lines: list[str], staff_email: str) -> None:
    from portal.accounts.note_services import note_create, note_edit, note_version

    staff = User.objects.filter(email=staff_email).first()
    member = User.objects.filter(email=NOTED).first()
    if staff is None or member is None or MemberNote.objects.filter(member=member).exists():
        return
    for body, edited in NOTES:
        note = note_create(member=member, author=staff, body=body)
        if edited:
            note_edit(note=note, editor=staff, body=edited, version=note_version(note=note))
    lines.append(f"{len(NOTES)} staff notes on {member.email}, one edited.")


def _seed_interests(lines: list[str]) -> None:
    from community.interest_services import interests_set
    from community.models import MemberInterests, ProductArea, Tag

    areas = list(ProductArea.objects.values_list("pk", flat=True))
    for email, (slugs, area_count) in INTERESTS.items():
        member = User.objects.filter(email=email).first()
        if member is None or MemberInterests.objects.filter(member=member).exists():
            continue
        tag_ids = list(Tag.objects.filter(slug__in=slugs).values_list("pk", flat=True))
        interests_set(member=member, tag_ids=tag_ids, area_ids=areas[:area_count])
        lines.append(f"{email} stated {len(tag_ids)} topics of interest.")


def seed(*, staff_email: str, password: str) -> list[str]:
    """Create the demo data; return lines to print. Running it again changes nothing."""
    lines: list[str] = []
    _seed_referrals(lines, password)
    _seed_notes(lines, staff_email)
    _seed_interests(lines)
    return lines
