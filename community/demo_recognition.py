"""Demo data for recognition (a step of ``portal.demo.SEED_STEPS``): the wall of thanks (members
thanking the MVP and staff for answers, the team for a past live session and in general, two
customers' compliments), a "Member of the month" recognition award, and a finished giveaway
drawn with its recorded seed and winners.

Everything goes through the real services; rows are then moved into the past (a demo cannot
freeze time). Each part looks for what it would make first, so running it again changes
nothing. It runs after the community step (it thanks that step's answers).
"""

from __future__ import annotations

from datetime import timedelta

PEOPLE = {
    "amara": "learner1@demo.localhost",
    "lukas": "learner2@demo.localhost",
    "mei": "learner3@demo.localhost",
    "jonas": "jonas@demo.localhost",
    "sofia": "sofia@demo.localhost",
}
ROLLBACK = "How do I roll back a deployment that passed health checks but is broken?"
BLUE_GREEN = "Blue/green deployment keeps old connections on the blue environment"
# (who, question title, whose answer, message, days ago)
ANSWER_THANKS = [
    (
        "amara",
        ROLLBACK,
        "lukas",
        "Your rollback command got checkout working again **in under a minute** during our "
        "incident. Thank you, Lukas!",
        56,
    ),
    (
        "amara",
        ROLLBACK,
        "staff",
        "The audit log entry from the console rollback settled our post-mortem. Thanks!",
        55,
    ),
    (
        "mei",
        BLUE_GREEN,
        "lukas",
        "The close code 1012 trick drained every WebSocket in seconds. I owe you a coffee.",
        50,
    ),
]
SESSION = {
    "title": "Office hours: deployment pipelines",
    "slug": "office-hours-deployment-pipelines",
    "expert": "Dana Whitfield",
    "summary": "An open hour on pipelines, rollouts and rollbacks: bring your questions.",
    "days_ago": 20,
}
SESSION_THANKS = [
    ("jonas", "Dana walked us through our OIDC pipeline live. Best hour of my week.", 19),
    ("sofia", "Great office hours: the canary rollout demo was exactly what we needed.", 19),
]
TEAM_THANKS = (
    "amara",
    "The getting-started course and this community got me from zero to production in two "
    "weeks. Thank you all!",
    9,
)
COMPLIMENTS = [
    (
        "Maria, platform lead in Lisbon",
        "Your support team answered our outage ticket at 3 a.m. and stayed on until it was "
        "fixed. That is why we renewed.",
        30,
    ),
    (
        "The data team at Acme Freight",
        "The observability course paid for itself in the first week: we found a runaway job "
        "costing us thousands.",
        12,
    ),
]
BADGE = {
    "name": "Member of the month",
    "slug": "member-of-the-month",
    "description": "Recognises the member whose help stood out in the community this month.",
    "criteria": "Chosen by staff each month for outstanding help to other members.",
}
RECOGNISED = "amara"
CITATION = (
    "For eight clear, well-researched questions this month that became the community's most "
    "read threads, and for sharing every fix she found."
)
GIVEAWAY = {
    "title": "Community thank-you: Northwind hoodies",
    "description": "Two Northwind hoodies for members who helped others: everyone who answered "
    "or commented on a question in the period takes part. Winners choose their size; we ship "
    "anywhere.",
    "winner_count": 2,
    "starts_days_ago": 45,
    "ends_days_ago": 14,
}
# Comments that make the demo's members enter the giveaway (who, body); each goes on one of
# the MVP's answers inside the period.
COMMENTS = [
    ("amara", "This also fixed our staging environment, thanks for the detail."),
    ("mei", "Confirmed on our side too: the drain timeout was the missing piece."),
    ("jonas", "Worked for us as well; we added it to our runbook."),
    ("sofia", "Nice, and the metrics dashboard shows the change right away."),
]


def _backdate(model, pk: int, moment) -> None:
    model.objects.filter(pk=pk).update(created_at=moment)


def _thanks(who: dict, staff, now) -> list[str]:
    from community.models import Answer, Thanks
    from community.thanks_services import thanks_create

    if Thanks.objects.filter(kind=Thanks.Kind.THANKS).exists():
        return []
    count = 0
    for author, title, helper, message, days in ANSWER_THANKS:
        helper_user = staff if helper == "staff" else who[helper]
        answer = (
            Answer.objects.filter(question__title=title, author=helper_user)
            .order_by("created_at")
            .first()
        )
        if answer is None:
            continue
        thanks = thanks_create(author=who[author], message_md=message, answer=answer)
        _backdate(Thanks, thanks.pk, now - timedelta(days=days))
        count += 1
    session = _past_session(now)
    if session is not None:
        for author, message, days in SESSION_THANKS:
            thanks = thanks_create(author=who[author], message_md=message, session=session)
            _backdate(Thanks, thanks.pk, now - timedelta(days=days))
            count += 1
    author, message, days = TEAM_THANKS
    thanks = thanks_create(author=who[author], message_md=message)
    _backdate(Thanks, thanks.pk, now - timedelta(days=days))
    return [f"{count + 1} thanks on the wall of thanks (/community/thanks/)."]


def _past_session(now):
    """A live session that took place, for members to thank (made once)."""
    from courses.models import CourseIndexPage, LiveSessionPage

    session = LiveSessionPage.objects.filter(slug=SESSION["slug"]).first()
    if session is not None:
        return session
    catalog = CourseIndexPage.objects.first()
    if catalog is None:
        return None
    starts = (now - timedelta(days=SESSION["days_ago"])).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    session = LiveSessionPage(
        title=SESSION["title"],
        slug=SESSION["slug"],
        kind=LiveSessionPage.LIVE,
        expert=SESSION["expert"],
        summary=SESSION["summary"],
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        capacity=100,
        join_url="https://meet.example.com/northwind-office-hours",
    )
    catalog.add_child(instance=session)
    session.save_revision().publish()
    return session


def _compliments(staff, now) -> list[str]:
    from community.models import Thanks
    from community.thanks_services import compliment_create

    if Thanks.objects.filter(kind=Thanks.Kind.COMPLIMENT).exists():
        return []
    for name, message, days in COMPLIMENTS:
        thanks = compliment_create(staff=staff, customer_name=name, message_md=message)
        _backdate(Thanks, thanks.pk, now - timedelta(days=days))
    return [f"{len(COMPLIMENTS)} customers' compliments posted by staff."]


def _recognition(who: dict, staff, now) -> list[str]:
    from certification.models import Badge, BadgeAward
    from community.thanks_services import recognition_give

    badge, _ = Badge.objects.get_or_create(
        slug=BADGE["slug"],
        defaults={
            "kind": Badge.Kind.RECOGNITION,
            "name": BADGE["name"],
            "description": BADGE["description"],
            "criteria": BADGE["criteria"],
            "min_accepted_answers": 0,
        },
    )
    member = who[RECOGNISED]
    if BadgeAward.objects.filter(badge=badge, member=member).exists():
        return []
    award = recognition_give(staff=staff, member=member, badge=badge, citation=CITATION)
    BadgeAward.objects.filter(pk=award.pk).update(issued_at=now - timedelta(days=3))
    return [f"“{badge.name}” given to {member.public_name}: /verify/{award.public_id}/"]


def _giveaway_comments(who: dict, lukas, starts, ends) -> None:
    """One comment by each demo member on one of the MVP's answers in the period, dated then."""
    from community.models import Answer, Comment, Question
    from community.post_services import comment_create

    answers = list(
        Answer.objects.filter(
            author=lukas, created_at__gte=starts + timedelta(days=1), created_at__lt=ends
        ).order_by("created_at")[: len(COMMENTS)]
    )
    for (author, body), answer in zip(COMMENTS, answers, strict=False):
        if Comment.objects.filter(author=who[author], body_md=body).exists():
            continue
        activity = Question.objects.values_list("last_activity_at", flat=True).get(
            pk=answer.question_id
        )
        comment = comment_create(author=who[author], answer=answer, body_md=body)
        at = min(answer.created_at + timedelta(hours=20), ends - timedelta(hours=1))
        _backdate(Comment, comment.pk, at)
        Question.objects.filter(pk=answer.question_id).update(last_activity_at=max(activity, at))


def _giveaway(who: dict, staff, now) -> list[str]:
    from community.giveaway_services import giveaway_create, giveaway_draw
    from community.models import Giveaway

    giveaway = Giveaway.objects.filter(title=GIVEAWAY["title"]).first()
    if giveaway is not None and giveaway.drawn_at is not None:
        return []
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    starts = midnight - timedelta(days=GIVEAWAY["starts_days_ago"])
    ends = midnight - timedelta(days=GIVEAWAY["ends_days_ago"])
    if giveaway is None:
        _giveaway_comments(who, who["lukas"], starts, ends)
        giveaway = giveaway_create(
            staff=staff,
            title=GIVEAWAY["title"],
            description=GIVEAWAY["description"],
            rule=Giveaway.Rule.ANSWERED_OR_COMMENTED,
            starts_at=starts,
            ends_at=ends,
            winner_count=GIVEAWAY["winner_count"],
        )
    giveaway = giveaway_draw(staff=staff, giveaway=giveaway)
    winners = ", ".join(w.member.public_name for w in giveaway.winners.select_related("member"))
    return [
        f"Giveaway “{giveaway.title}” drawn among {giveaway.entries.count()} entries "
        f"(seed {giveaway.seed[:12]}…): {winners or 'no winner'}; "
        f"/community/giveaways/{giveaway.pk}/"
    ]


def seed(*, staff_email: str, password: str) -> list[str]:
    """Create the demo's recognition; return lines to print. Running it again changes nothing."""
    from django.utils import timezone

    from portal.accounts.models import User

    people = {u.email: u for u in User.objects.filter(email__in=[*PEOPLE.values(), staff_email])}
    staff = people.get(staff_email)
    if staff is None or any(email not in people for email in PEOPLE.values()):
        return ["Recognition: the demo members are missing; run the community step first."]
    who = {key: people[email] for key, email in PEOPLE.items()}
    now = timezone.now()
    return [
        *_thanks(who, staff, now),
        *_compliments(staff, now),
        *_recognition(who, staff, now),
        *_giveaway(who, staff, now),
    ]
