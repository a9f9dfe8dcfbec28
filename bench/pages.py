"""The pages ``make bench`` measures: add yours here when an issue adds a page.

Each entry is ``(name, path)`` on a portal's host. The first entry is the baseline: every other
page's throughput and median latency is also reported as a ratio to it, measured by the same
server in the same run, so the numbers compare across machines. Paths must answer 200 to an
anonymous visitor of the demo portal (a redirect or 404 is counted as an error).

A path may name a demo record that has no fixed address with ``{placeholder}``: ``PLACEHOLDERS``
maps each to a function run in the portal's schema that returns its value (a credential's
public id, say), resolved once before the run.
"""

BASELINE = ("trivial view", "/healthz")

PAGES = [
    BASELINE,
    ("home page", "/"),
    ("announcements", "/announcements/"),
    ("announcements feed", "/announcements/feed/"),
    ("login page", "/accounts/login/"),
    ("course catalog", "/courses/"),
    ("catalog search", "/courses/?q=deploy&sort=enrolled"),
    ("course page", "/courses/getting-started/"),
    ("lesson page (preview)", "/courses/getting-started/welcome/"),
    ("exam page", "/certification/exams/cloud-practitioner/"),
    ("verify page", "/verify/{valid_award}/"),
    ("Open Badges assertion", "/badges/assertions/{valid_award}.json"),
    ("MVP directory", "/certification/mvp/"),
    ("community home", "/community/"),
    ("community search", "/community/search/?q=deploy"),
    ("question page", "/community/questions/{answered_question}/"),
    ("leaderboard", "/community/leaderboard/?period=all"),
    ("ideas list", "/community/ideas/"),
    ("idea page", "/community/ideas/{declined_idea}/"),
    ("wall of thanks", "/community/thanks/"),
    ("giveaway page", "/community/giveaways/{drawn_giveaway}/"),
    ("testimonials page", "/testimonials/"),
]


def _valid_award() -> str:
    """The public id of the newest certification award that is still valid."""
    from django.db.models import Q
    from django.utils import timezone

    from certification.models import Award

    award = (
        Award.objects.filter(revoked_at__isnull=True, superseded_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .order_by("-issued_at")
        .first()
    )
    if award is None:
        raise LookupError("The portal has no valid certification award (seed_demo makes some).")
    return str(award.public_id)


def _answered_question() -> str:
    """The visible community question with the most answers (the demo seeds some)."""
    from community.models import Question

    question = (
        Question.objects.filter(hidden_at__isnull=True).order_by("-answer_count", "pk").first()
    )
    if question is None:
        raise LookupError("The portal has no community question (seed_demo makes some).")
    return str(question.pk)


def _declined_idea() -> str:
    """A visible declined idea (the demo seeds one with its public explanation)."""
    from community.models import Idea

    idea = Idea.objects.filter(hidden_at__isnull=True, status="declined").order_by("pk").first()
    if idea is None:
        raise LookupError("The portal has no declined idea (seed_demo makes one).")
    return str(idea.pk)


def _drawn_giveaway() -> str:
    """A giveaway whose winners were drawn (the demo seeds one)."""
    from community.models import Giveaway

    giveaway = Giveaway.objects.filter(drawn_at__isnull=False).order_by("pk").first()
    if giveaway is None:
        raise LookupError("The portal has no drawn giveaway (seed_demo makes one).")
    return str(giveaway.pk)


PLACEHOLDERS = {
    "valid_award": _valid_award,
    "answered_question": _answered_question,
    "declined_idea": _declined_idea,
    "drawn_giveaway": _drawn_giveaway,
}
