"""Demo data for ideas (a step of ``portal.demo.SEED_STEPS``): five product areas, and ideas
and complaints in every status, with votes, comments (staff ones among them) and the staff's
explanations; one declined idea and one declined complaint with their public reasons; one
duplicate merged into another, its votes and followers carried over.

Everything is written through ``community.idea_services`` (so counters, follows, history and
notifications are what real use would leave), then moved into the past: each event happens at
its own moment over the last eight weeks, so the response and resolution times on the staff
screens and dashboard are realistic. Running it again changes nothing (the items are skipped
when the first of them exists).
"""

from __future__ import annotations

from datetime import datetime, timedelta

AREAS = [
    ("Console", "console", "The web console: dashboards, settings, sign-in and navigation."),
    ("Command-line tool", "cli", "The `nw` command-line tool: install, profiles, scripting."),
    ("Billing", "billing", "Invoices, usage, budgets, payments and refunds."),
    ("Observability", "observability", "Logs, metrics, traces, dashboards and alerts."),
    ("Training and certification", "training", "Courses, exams and certificates here."),
]

# Who is who, by short key (the community seed makes jonas and sofia; learners as fallback).
PEOPLE = {
    "amara": "learner1@demo.localhost",
    "lukas": "learner2@demo.localhost",
    "mei": "learner3@demo.localhost",
    "jonas": "jonas@demo.localhost",
    "sofia": "sofia@demo.localhost",
}
FALLBACK = {"jonas": "lukas", "sofia": "mei"}
STAFF = "staff"

DECLINE_THEME = (
    "Thank you for asking, and to everyone who voted. We are **not** building a separate dark "
    "theme this year: every screen would need a second design and a second accessibility "
    "review, and that would slow down the console work most of you asked for (see the "
    "*planned* items).\n\n"
    "What you can do today: the console follows your system's *high contrast* setting, and "
    "browser extensions such as Dark Reader work with it. We will look at this again when "
    "the console's new design system is done."
)
DECLINE_EXPIRY = (
    "We understand it is a nuisance. Certifications expire after two years because the "
    "product changes a lot in two years, and a certificate says you know the product as it "
    "is: that is what makes it worth something to employers.\n\n"
    "To make renewal easy, the **renewal exam** is shorter (20 questions), free, and can be "
    "taken from three months before the expiry date. You will get reminders 90 and 30 days "
    "before."
)

# Each item: (key, kind, area, author, days ago, title, body, voters, events). Voters are
# (member, +1/-1). Events happen that many hours after submission: ("status", status,
# explanation) by staff, or ("comment", who, body).
ITEMS = [
    (
        "completion",
        "idea",
        "cli",
        "amara",
        52,
        "Shell completion for zsh and fish",
        "The `nw` tool completes commands in bash only. Most of my team uses **zsh** and a "
        "few use **fish**; typing `nw deploy create --placement` by hand every time is slow "
        "and error-prone.",
        [("lukas", 1), ("mei", 1), ("jonas", 1)],
        [
            (
                5,
                "status",
                "under_review",
                "Thanks! We are checking what the completion generator we use supports.",
            ),
            (30, "comment", "lukas", "Same here: fish with `nw` would save me a lot of typing."),
            (
                50,
                "comment",
                STAFF,
                "The generator supports zsh and fish. We will ship both "
                "with the next minor release.",
            ),
            (52, "status", "planned", "Planned for the **CLI 3.4** release, next month."),
        ],
    ),
    (
        "zsh",
        "idea",
        "cli",
        "sofia",
        44,
        "zsh completions for the nw tool",
        "Please add zsh completions for `nw`. I wrote a small one myself but it breaks with "
        "every release.",
        [("lukas", 1), ("mei", 1)],
        [(3, "comment", "mei", "Yes please, zsh is the default shell on macOS.")],
    ),
    (
        "vat",
        "complaint",
        "billing",
        "lukas",
        26,
        "Invoice PDFs are missing our VAT number",
        "Our VAT number is in the billing settings, but the invoice PDFs do not show it, so "
        "our accountant cannot reclaim the VAT. We have to ask support for a corrected invoice "
        "every month.",
        [("amara", 1), ("jonas", 1)],
        [
            (2, "comment", STAFF, "Sorry about that: we are looking into it today."),
            (
                20,
                "status",
                "planned",
                "Confirmed: the PDF template ignores the VAT field for "
                "accounts created before 2024. The fix is planned for the next billing release; "
                "until then support re-issues invoices within a day.",
            ),
        ],
    ),
    (
        "csv",
        "idea",
        "billing",
        "jonas",
        41,
        "Export invoices as CSV",
        "We import every invoice into our bookkeeping by hand. A CSV export (one line per "
        "invoice item, with the project and the VAT) would save our finance team an afternoon "
        "a month.",
        [("amara", 1), ("lukas", 1), ("mei", 1), ("sofia", 1)],
        [
            (20, "status", "under_review", ""),
            (
                70,
                "status",
                "planned",
                "Planned: one line per invoice item, with the project, "
                "the VAT rate and the currency.",
            ),
            (
                25 * 24,
                "status",
                "in_progress",
                "The export is being built; you can follow progress here.",
            ),
            (26 * 24, "comment", "sofia", "Could it include the cost centre tag too?"),
            (27 * 24, "comment", STAFF, "Yes: project tags will be columns of their own."),
        ],
    ),
    (
        "traces",
        "complaint",
        "observability",
        "lukas",
        15,
        "Traces are missing for short-lived functions",
        "Functions that finish in under a second never show up in the trace view, so we "
        "cannot see where the time goes in our busiest path.",
        [("sofia", 1), ("jonas", 1)],
        [
            (
                8,
                "status",
                "under_review",
                "Thanks for the report: can you tell us the runtime and the SDK version?",
            ),
            (12, "comment", "lukas", "Node 20, SDK 2.3.1."),
            (
                40,
                "status",
                "in_progress",
                "Found it: the SDK drops spans when the process "
                "exits before the batch is flushed. A fix is in review.",
            ),
        ],
    ),
    (
        "pattern",
        "idea",
        "observability",
        "sofia",
        55,
        "Alert when a log pattern appears",
        "We would like an alert when a pattern (for example `OutOfMemoryError`) appears in "
        "the logs more than N times in five minutes, without building a metric first.",
        [("lukas", 1), ("jonas", 1), ("amara", 1), ("mei", -1)],
        [
            (4, "status", "under_review", ""),
            (28, "status", "planned", "Planned for the next quarter."),
            (12 * 24, "status", "in_progress", ""),
            (
                30 * 24,
                "status",
                "done",
                "Shipped: **Log alerts** are in *Observability › "
                "Alerts › New alert › Log pattern*. Thank you for the idea!",
            ),
            (31 * 24, "comment", "sofia", "Works great, thank you!"),
        ],
    ),
    (
        "twice",
        "complaint",
        "billing",
        "mei",
        31,
        "I was charged twice for March",
        "My card was charged twice for the March invoice (same amount, same day). I need the "
        "second charge refunded.",
        [("amara", 1)],
        [
            (
                1,
                "comment",
                STAFF,
                "We are sorry: we can see both charges and are refunding the second one now.",
            ),
            (
                6,
                "status",
                "done",
                "Refunded (it takes 3-5 working days to show). The cause, "
                "a payment retry that did not see the first success, is fixed for everyone.",
            ),
        ],
    ),
    (
        "theme",
        "idea",
        "console",
        "mei",
        36,
        "A dark theme for the console",
        "Please add a dark theme to the console: I look at dashboards all day and the white "
        "background is tiring in the evening.",
        [("jonas", 1), ("sofia", 1), ("amara", -1)],
        [
            (10, "comment", "jonas", "Yes please, especially for the log viewer."),
            (48, "status", "declined", DECLINE_THEME),
        ],
    ),
    (
        "expiry",
        "complaint",
        "training",
        "amara",
        46,
        "My certification expires after only two years",
        "I passed the Practitioner exam and now I read it expires after two years. Having to "
        "take the exam again feels unfair.",
        [("jonas", 1)],
        [
            (30, "status", "declined", DECLINE_EXPIRY),
            (33, "comment", "amara", "Fair enough, a free and shorter renewal helps."),
        ],
    ),
    (
        "budgets",
        "idea",
        "billing",
        "sofia",
        6,
        "Budgets per project with e-mail alerts",
        "Let us set a monthly budget per project and get an e-mail at 80% and 100%, so a "
        "forgotten test environment does not surprise us at the end of the month.",
        [("lukas", 1), ("amara", 1)],
        [
            (
                26,
                "status",
                "under_review",
                "Good idea: we are checking how it fits with the "
                "budgets we already have per account.",
            )
        ],
    ),
    (
        "timer",
        "complaint",
        "training",
        "amara",
        9,
        "The exam timer kept running while my connection was down",
        "During the Practitioner exam my Wi-Fi dropped for ten minutes, and the timer kept "
        "running. I lost a third of my time through no fault of mine.",
        [("mei", 1)],
        [
            (
                16,
                "comment",
                STAFF,
                "We are sorry. We can see the gap in your attempt and "
                "will look at how to handle lost connections.",
            ),
            (
                18,
                "status",
                "under_review",
                "We are reviewing how the exam timer should "
                "behave when the connection drops; meanwhile support can reset an attempt.",
            ),
        ],
    ),
    (
        "signout",
        "complaint",
        "console",
        "jonas",
        3,
        "The console signs me out every 15 minutes",
        "Since last week the console signs me out after 15 minutes even while I am using it, "
        "and I lose what I was typing.",
        [("sofia", 1), ("lukas", 1)],
        [(5, "comment", "sofia", "Same for me in Firefox, not in Chrome.")],
    ),
    (
        "transcripts",
        "idea",
        "training",
        "mei",
        1,
        "Downloadable transcripts of the course videos",
        "I learn better reading than watching. Could each lesson's video have a transcript "
        "to download or read beside it?",
        [("amara", 1)],
        [],
    ),
]
FIRST_TITLE = ITEMS[0][5]
MERGE = ("zsh", "completion", 40)  # duplicate, target, days ago it was merged


def _ensure_areas():
    from community.models import ProductArea

    lines, areas = [], {}
    for position, (name, slug, description) in enumerate(AREAS):
        area, created = ProductArea.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
        areas[slug] = area
        if created:
            lines.append(f"Product area “{name}” created.")
    return lines, areas


def _backdate(*, idea, since: datetime, at: datetime) -> None:
    """Move what the last service call wrote about ``idea`` (rows made at or after ``since``)
    to the moment ``at``; notifications older than a week count as read."""
    from django.utils import timezone

    from community.models import IdeaComment, IdeaFollow, IdeaStatusChange, IdeaVote, Notification

    IdeaStatusChange.objects.filter(idea=idea, created_at__gte=since).update(created_at=at)
    IdeaComment.objects.filter(idea=idea, created_at__gte=since).update(created_at=at)
    IdeaVote.objects.filter(idea=idea, created_at__gte=since).update(created_at=at, updated_at=at)
    IdeaFollow.objects.filter(idea=idea, created_at__gte=since).update(created_at=at)
    notifications = Notification.objects.filter(idea=idea, created_at__gte=since)
    notifications.update(created_at=at)
    if at < timezone.now() - timedelta(days=7):
        seen = at + timedelta(hours=3)
        notifications.update(read_at=seen, digested_at=seen)


def _times(idea) -> dict:
    """The item's own timestamps, recomputed from its backdated rows."""
    from community.models import IdeaComment, IdeaStatus, IdeaStatusChange

    changes = list(IdeaStatusChange.objects.filter(idea=idea).order_by("created_at", "pk"))
    comments = list(IdeaComment.objects.filter(idea=idea).order_by("created_at", "pk"))
    staff = [c.created_at for c in changes] + [c.created_at for c in comments if c.by_staff]
    moves = [c.created_at for c in changes if c.old_status != c.new_status]
    resolved = [
        c.created_at for c in changes if c.new_status in (IdeaStatus.DONE, IdeaStatus.DECLINED)
    ]
    moments = [idea.created_at, *staff, *(c.created_at for c in comments)]
    return {
        "first_staff_response_at": min(staff) if staff else None,
        "resolved_at": min(resolved) if resolved else None,
        "status_changed_at": max(moves) if moves else None,
        "last_activity_at": max(moments),
    }


def seed(*, staff_email: str, password: str) -> list[str]:
    """Create the demo's ideas; return lines to print. Running it again changes nothing."""
    from django.utils import timezone

    from community import idea_services as services
    from community.models import Idea
    from portal.accounts.models import User

    lines, areas = _ensure_areas()
    users = {u.email: u for u in User.objects.filter(email__in=[*PEOPLE.values(), staff_email])}
    staff = users.get(staff_email)
    if staff is None or Idea.objects.filter(title=FIRST_TITLE).exists():
        return lines
    who = {STAFF: staff}
    for key, email in PEOPLE.items():
        member = users.get(email) or users.get(PEOPLE.get(FALLBACK.get(key, ""), ""))
        if member is None:
            return [*lines, f"Ideas skipped: the demo member {email} is missing."]
        who[key] = member

    now = timezone.now().replace(second=0, microsecond=0)
    ideas = {}
    for key, kind, area, author, days, title, body, voters, events in ITEMS:
        base = now - timedelta(days=days, hours=4)
        since = timezone.now()
        idea = services.idea_create(
            author=who[author], kind=kind, title=title, body_md=body, area=areas[area]
        )
        Idea.objects.filter(pk=idea.pk).update(created_at=base, last_activity_at=base)
        _backdate(idea=idea, since=since, at=base)
        idea.created_at = base
        voted = {idea.author_id}
        for number, (voter, value) in enumerate(voters, start=1):
            if who[voter].pk in voted:
                continue  # a stand-in for a missing member
            voted.add(who[voter].pk)
            since = timezone.now()
            services.idea_vote(member=who[voter], idea=idea, value=value)
            _backdate(idea=idea, since=since, at=min(base + timedelta(hours=7 * number), now))
        for hours, action, *rest in events:
            at = min(base + timedelta(hours=hours), now - timedelta(minutes=5))
            since = timezone.now()
            if action == "status":
                status, explanation = rest
                services.idea_status_set(
                    idea=idea, staff=staff, status=status, explanation_md=explanation
                )
            else:
                commenter, text = rest
                services.idea_comment(author=who[commenter], idea=idea, body_md=text)
            _backdate(idea=idea, since=since, at=at)
        Idea.objects.filter(pk=idea.pk).update(**_times(idea))
        ideas[key] = Idea.objects.get(pk=idea.pk)

    duplicate_key, target_key, days = MERGE
    merged_at = now - timedelta(days=days)
    since = timezone.now()
    target = services.idea_merge(
        duplicate=ideas[duplicate_key], target=ideas[target_key], staff=staff
    )
    _backdate(idea=target, since=since, at=merged_at)
    times = _times(target)
    times["last_activity_at"] = max(times["last_activity_at"], merged_at)
    Idea.objects.filter(pk=target.pk).update(**times)
    Idea.objects.filter(pk=ideas[duplicate_key].pk).update(
        merged_at=merged_at,
        last_activity_at=merged_at,
        first_staff_response_at=merged_at,
    )
    statuses = sorted({Idea.objects.get(pk=i.pk).get_status_display() for i in ideas.values()})
    lines.append(
        f"{len(ITEMS)} ideas and complaints ({', '.join(statuses)}); one idea and one "
        f"complaint declined with their reasons; “{ideas[duplicate_key].title}” merged into "
        f"“{target.title}”."
    )
    return lines
