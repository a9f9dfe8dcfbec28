"""Fill a portal's community with many questions, fast, for ``make bench``.

``manage.py seed_community_bench --schema demo --questions 100000`` adds bench questions (spread
over the last year, tagged, a third answered) by a few bench members, and one question with 50
answers and two comments on each, with bulk inserts: about 100,000 questions a minute here. Not
for real portals: the rows skip the services (no revisions, reputation or notifications), and
the bench members cannot sign in; a third of the questions count as answered (``answer_count``)
without answer rows, so the lists' filters see a realistic mix. Idempotent: it tops up to the
number asked for.
"""

import random
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from django_tenants.utils import schema_context

from community.models import Answer, Comment, Question, Tag
from community.search import CONFIG
from portal.sanitize import render_markdown
from portal.tenants.models import Organization

TITLE_PREFIX = "Bench question"
FIFTY_TITLE = "Bench: the question with 50 answers"
BODY = (
    "How do I **deploy** a service with zero downtime on Northwind Cloud? I tried a rolling "
    "update but the health checks fail during the switch, and the load balancer drops a few "
    "requests. Is there a setting for connection draining?"
)
ANSWER = (
    "Use a blue/green release: bring the new version up next to the old one, wait for its "
    "health checks, then switch the load balancer. Keep `draining_timeout` above your slowest "
    "request."
)
COMMENT = "Thanks, that fixed it for us."
WORDS = ["deploy", "network", "metrics", "billing", "token", "cluster", "logs", "scale", "cli"]
MEMBERS = 20


class Command(BaseCommand):
    help = "Add many bench questions (and one with 50 answers) to a portal's community."

    def add_arguments(self, parser):
        parser.add_argument("--schema", default="demo", help="The portal's schema (demo).")
        parser.add_argument("--questions", type=int, default=100_000)
        parser.add_argument("--batch", type=int, default=5_000)

    def handle(self, *args, schema: str, questions: int, batch: int, **options):
        if not Organization.objects.filter(schema_name=schema).exists():
            raise CommandError(f"No portal with the schema {schema!r}.")
        if questions < 0 or batch < 1:
            raise CommandError("--questions must be 0 or more and --batch at least 1.")
        started = time.monotonic()
        with schema_context(schema), transaction.atomic():
            made = self._seed(questions=questions, batch=batch)
        seconds = time.monotonic() - started
        self.stdout.write(f"{schema}: {made} bench questions added in {seconds:.1f} s.")

    def _members(self) -> list[int]:
        User = get_user_model()
        emails = [f"bench-{n}@bench.invalid" for n in range(MEMBERS)]
        unusable = make_password(None)
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        User.objects.bulk_create(
            [
                User(email=email, display_name=f"Bench member {n}", password=unusable)
                for n, email in enumerate(emails)
                if email not in existing
            ]
        )
        return list(User.objects.filter(email__in=emails).values_list("pk", flat=True))

    def _tags(self) -> list[int]:
        for word in WORDS[:6]:
            Tag.objects.get_or_create(slug=f"bench-{word}", defaults={"name": f"bench-{word}"})
        return list(Tag.objects.values_list("pk", flat=True))

    def _seed(self, *, questions: int, batch: int) -> int:
        members, tags = self._members(), self._tags()
        body_html = render_markdown(BODY)
        have = Question.objects.filter(title__startswith=TITLE_PREFIX).count()
        now = timezone.now()
        rng = random.Random(have)  # noqa: S311 - spreads dates, nothing secret
        through = Question.tags.through
        made = 0
        while have + made < questions:
            size = min(batch, questions - have - made)
            rows = []
            for offset in range(size):
                number = have + made + offset
                created = now - timedelta(minutes=rng.randrange(1, 525_600))
                answered = number % 3 == 0
                rows.append(
                    Question(
                        author_id=members[number % len(members)],
                        title=f"{TITLE_PREFIX} {number}: {rng.choice(WORDS)} and "
                        f"{rng.choice(WORDS)} on Northwind Cloud",
                        body_md=BODY,
                        body_html=body_html,
                        created_at=created,
                        last_activity_at=created,
                        answer_count=1 if answered else 0,
                        first_answer_at=created + timedelta(hours=2) if answered else None,
                    )
                )
            created_rows = Question.objects.bulk_create(rows)
            through.objects.bulk_create(
                [
                    through(question_id=row.pk, tag_id=tags[row.pk % len(tags)])
                    for row in created_rows
                ]
            )
            made += size
        self._index()
        self._fifty(members=members, tags=tags)
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give later
            cursor.execute("ANALYZE community_question, community_question_tags, community_answer")
        return made

    def _index(self) -> None:
        """Search vectors of the new rows, in one statement (as community.search writes them)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE community_question SET search_vector = "
                "setweight(to_tsvector(%s::regconfig, title), 'A') || "
                "setweight(to_tsvector(%s::regconfig, body_md), 'B') "
                "WHERE search_vector IS NULL",
                [CONFIG, CONFIG],
            )

    def _fifty(self, *, members: list[int], tags: list[int]) -> None:
        """One question with 50 answers, two comments on each, for the question page's bench."""
        if Question.objects.filter(title=FIFTY_TITLE).exists():
            return
        now = timezone.now()
        question = Question.objects.create(
            author_id=members[0],
            title=FIFTY_TITLE,
            body_md=BODY,
            body_html=render_markdown(BODY),
            created_at=now - timedelta(days=2),
            last_activity_at=now,
            answer_count=50,
            first_answer_at=now - timedelta(days=2, hours=-1),
        )
        question.tags.set(tags[:2])
        answers = Answer.objects.bulk_create(
            [
                Answer(
                    question=question,
                    author_id=members[(n % (len(members) - 1)) + 1],
                    body_md=ANSWER,
                    body_html=render_markdown(ANSWER),
                    created_at=now - timedelta(days=1, minutes=-n),
                    score=n % 7,
                    comment_count=2,
                )
                for n in range(50)
            ]
        )
        comment_html = render_markdown(COMMENT, inline=True)
        Comment.objects.bulk_create(
            [
                Comment(
                    answer=answer,
                    author_id=members[(answer.pk + n) % len(members)],
                    body_md=COMMENT,
                    body_html=comment_html,
                )
                for answer in answers
                for n in range(2)
            ]
        )
        self._index()
