"""Reads behind the community's lists: the question lists (newest, active, unanswered, by tag),
the tag list, a tag's page and the "unanswered in my expertise" queue.

Every list is two queries whatever the number of questions: the page itself, with the total
(``COUNT(*) OVER ()``) and each question's tags (an array subquery) in the same query, and the
authors' badges in one ``certification.api.member_badges_summary`` call. Pagination is by
offset, with Django's ``Paginator`` and ``Page`` (any page can be linked; a bad page number
gives the first page, one past the end the last, at the cost of two more queries then).
Hidden questions are never listed; bodies are not read, only the first characters of their
HTML for the excerpt.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject, Left
from django.utils.html import strip_tags

from certification import api as certification_api
from community.models import Question, Tag
from portal.accounts.api import PublicProfile, public_profile

PER_PAGE = 20
EXCERPT_LENGTH = 200

SORTS = {
    "newest": ("Newest", ("-created_at", "-pk")),
    "active": ("Active", ("-last_activity_at", "-pk")),
    "unanswered": ("Unanswered", ("-created_at", "-pk")),
}
DEFAULT_SORT = "newest"


@dataclass(frozen=True)
class TagRef:
    """A tag as a question row shows it: its name, linking to its page by slug."""

    name: str
    slug: str


@dataclass(frozen=True)
class QuestionRow:
    """One question in a list, with everything its row shows and no further query."""

    question: Question
    author: PublicProfile
    badges: list[certification_api.CredentialSummary]
    tags: list[TagRef]
    excerpt: str
    title_html: str = ""  # search: the title with matches marked (already escaped)
    snippet_html: str = ""  # search: the matching passage (already escaped)
    snippet_from_answer: bool = False

    @property
    def active_since_asked(self) -> bool:
        """Whether anything happened since the question was asked (worth an "active" date)."""
        return (self.question.last_activity_at - self.question.created_at).total_seconds() > 60

    @property
    def answered(self) -> bool:
        return self.question.answer_count > 0

    @property
    def accepted(self) -> bool:
        return self.question.accepted_answer_id is not None

    @property
    def closed(self) -> bool:
        return self.question.closed_at is not None

    @property
    def duplicate(self) -> bool:
        return self.question.duplicate_of_id is not None


@dataclass
class QuestionPage:
    """A page of question rows and the pager (``page``: Django's ``Page``)."""

    rows: list[QuestionRow]
    page: Page
    sort: str = DEFAULT_SORT

    @property
    def total(self) -> int:
        return self.page.paginator.count


@dataclass
class ExpertiseQueue:
    """The "unanswered in my expertise" queue of one member.

    ``scope`` is "all" (MVPs and staff see every unanswered question), "certified" (questions
    whose tags are tied to the member's certifications) or "none" (no certification: the page
    explains how to get one and lists nothing).
    """

    scope: str
    certification_names: list[str] = field(default_factory=list)
    questions: QuestionPage | None = None


def visible_questions() -> QuerySet[Question]:
    """Questions anyone may see: not hidden by a moderator."""
    return Question.objects.filter(hidden_at__isnull=True)


def sort_normalise(sort: str | None) -> str:
    """A known sort name (unknown or missing: newest)."""
    return sort if sort in SORTS else DEFAULT_SORT


def _excerpt(body_html: str) -> str:
    """Plain text of the start of a sanitised body, cut at a word (escaped by the template)."""
    cut = body_html.rsplit("<", 1)[0] if body_html.rfind("<") > body_html.rfind(">") else body_html
    text = re.sub(r"\s+", " ", html.unescape(strip_tags(cut))).strip()
    if len(text) <= EXCERPT_LENGTH:
        return text
    return text[:EXCERPT_LENGTH].rsplit(" ", 1)[0].rstrip(".,;:") + "…"


def list_queryset(queryset: QuerySet[Question]) -> QuerySet[Question]:
    """The columns a question row needs, in one query: the author, the tags (``tag_refs``, by
    name) and the start of the body; not the full body."""
    tags = (
        Tag.objects.filter(questions=OuterRef("pk"))
        .order_by("name")
        .values(ref=JSONObject(name="name", slug="slug"))
    )
    return (
        queryset.select_related("author")
        .defer("body_md", "body_html", "search_vector")
        .annotate(excerpt_html=Left("body_html", EXCERPT_LENGTH * 3), tag_refs=ArraySubquery(tags))
    )


def question_rows(
    questions: list[Question], *, extra: dict[int, dict] | None = None
) -> list[QuestionRow]:
    """Rows for ``questions`` (fetched with ``list_queryset``): one query for all badges.

    ``extra`` maps question ids to additional row fields (the search's headlines).
    """
    badges = certification_api.member_badges_summary(
        member_ids={question.author_id for question in questions}
    )
    more = extra or {}
    return [
        QuestionRow(
            question=question,
            author=public_profile(question.author),
            badges=badges.get(question.author_id, []),
            tags=[TagRef(**ref) for ref in question.tag_refs or []],
            excerpt=_excerpt(getattr(question, "excerpt_html", "") or ""),
            **more.get(question.pk, {}),
        )
        for question in questions
    ]


def page_number(page: object) -> int:
    """The page asked for: a positive number, else 1."""
    try:
        number = int(str(page))
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= 10**9 else 1


def page_of(queryset: QuerySet, *, page: object, per_page: int = PER_PAGE) -> Page:
    """Page ``page`` of ``queryset`` (ordered) and its total in one query.

    A total of ``COUNT_CACHE_FROM`` or more is kept in the (per-portal) cache for
    ``COUNT_CACHE_SECONDS``, so a large community does not count 100,000 rows on every page
    view (most of the list's time there): its total may lag a minute behind, its rows never do.
    Smaller totals are always exact. The total comes with the rows as an uncorrelated scalar
    subquery, which PostgreSQL runs once, over the filter alone (a window ``COUNT(*) OVER ()``
    would compute every column of every matching row, tag lists and headlines included:
    seconds at 100,000 questions). The row columns are then computed for the page's rows only.
    Past the end, the last page is served instead (a count and the page again). Returns
    Django's ``Page``, whose paginator knows the count without asking the database again.
    """
    number = page_number(page)
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    count_key = _count_key(sql, params)
    known = cache.get(count_key)
    if known is None:
        total = RawSQL(f"SELECT COUNT(*) FROM ({sql}) AS counted", params)  # noqa: S611
        counted = queryset.annotate(
            full_count=ExpressionWrapper(total, output_field=IntegerField())
        )
    else:
        counted = queryset

    def rows(number: int) -> list:
        # The page's ids come from the ordering alone (an index scan); only those rows get
        # their columns computed, however deep the page.
        start = (number - 1) * per_page
        ids = queryset.order_by(*queryset.query.order_by).values("pk")[start : start + per_page]
        return list(counted.filter(pk__in=ids))

    found = rows(number)
    if not found and number > 1:
        known = queryset.count()
        number = max(1, math.ceil(known / per_page))
        found = rows(number)
    paginator = Paginator(queryset, per_page)
    if known is None:
        known = found[0].full_count if found else 0
        if known >= COUNT_CACHE_FROM:
            cache.set(count_key, known, COUNT_CACHE_SECONDS)
    paginator.count = known  # no COUNT query of its own
    return Page(found, number, paginator)


def _count_key(sql: str, params: tuple) -> str:
    digest = hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()[:32]
    return f"community:count:{digest}"  # the cache's key function adds the schema


def paginate(
    queryset: QuerySet[Question], *, page: object, per_page: int = PER_PAGE, sort: str = ""
) -> QuestionPage:
    """Page ``page`` of ``queryset`` (from ``list_queryset``) as rows: two queries."""
    pager = page_of(queryset, page=page, per_page=per_page)
    return QuestionPage(rows=question_rows(list(pager.object_list)), page=pager, sort=sort)


def question_list(
    *, sort: str, tag: Tag | None = None, page: object = 1, per_page: int = PER_PAGE
) -> QuestionPage:
    """A page of visible questions by ``sort`` (newest, active or unanswered), of ``tag`` if
    given. Unanswered means no answer yet and still open. Three queries and a count."""
    sort = sort_normalise(sort)
    questions = visible_questions()
    if sort == "unanswered":
        questions = questions.filter(answer_count=0, closed_at__isnull=True)
    if tag is not None:
        questions = questions.filter(tags=tag)
    questions = list_queryset(questions).order_by(*SORTS[sort][1])
    return paginate(questions, page=page, per_page=per_page, sort=sort)


def tag_list(*, name: str = "") -> list[Tag]:
    """Every tag with ``question_count`` (visible questions), most used first: one query.

    ``name`` keeps the tags whose name contains it.
    """
    tags = Tag.objects.annotate(
        question_count=Count("questions", filter=Q(questions__hidden_at__isnull=True))
    ).order_by("-question_count", "name")
    if name.strip():
        tags = tags.filter(name__icontains=name.strip())
    return list(tags)


COUNT_CACHE_FROM = 10_000
COUNT_CACHE_SECONDS = 60
TAG_CHOICES_KEY = "community:tag_choices"  # the cache's key function adds the schema


def tag_choices() -> list[Tag]:
    """Every tag's name and slug, by name, for a filter's options: one query, then none until
    a tag is saved or deleted (``tag_choices_forget``, connected in ``CommunityConfig``)."""
    pairs = cache.get(TAG_CHOICES_KEY)
    if pairs is None:
        pairs = list(Tag.objects.order_by("name").values_list("name", "slug"))
        cache.set(TAG_CHOICES_KEY, pairs, None)
    return [Tag(name=name, slug=slug) for name, slug in pairs]


def tag_choices_forget(**kwargs) -> None:
    """Drop the cached choices now and again on commit (a request in between may have cached
    the list without the uncommitted change)."""
    cache.delete(TAG_CHOICES_KEY)
    transaction.on_commit(lambda: cache.delete(TAG_CHOICES_KEY))


def tag_by_slug(*, slug: str, viewer=None) -> Tag | None:
    """The tag with ``slug`` and its course page (for the link), or None: one query.

    ``viewer_following`` says whether ``viewer`` follows the tag (in the same query).
    """
    from django.db.models import BooleanField, Exists, OuterRef

    from community.models import Follow

    if viewer is not None and viewer.is_authenticated:
        following = Exists(Follow.objects.filter(member_id=viewer.pk, tag_id=OuterRef("pk")))
    else:
        following = Value(False, output_field=BooleanField())
    tags = Tag.objects.select_related("course").annotate(viewer_following=following)
    return tags.filter(slug=slug).first()


def expertise_queue(*, member, page: object = 1, per_page: int = PER_PAGE) -> ExpertiseQueue:
    """The unanswered open questions ``member`` can best answer.

    MVPs and staff see every unanswered question; certified members those whose tags are tied
    (``Tag.certifications``) to a certification they hold now; others nothing (scope "none").
    The member's credentials come from ``certification.api.member_badges_summary`` (one
    query); the tie is read through the tags' own relation by the certifications' slugs,
    which that summary gives. Then a list's two queries.
    """
    credentials = certification_api.member_badges_summary(member_ids=[member.pk]).get(member.pk, [])
    held = {c.slug: c.name for c in credentials if c.kind == "certification"}
    questions = visible_questions().filter(answer_count=0, closed_at__isnull=True)
    if member.is_staff or any(c.kind == "mvp" for c in credentials):
        scope = "all"
    elif not held:
        return ExpertiseQueue(scope="none")
    else:
        scope = "certified"
        tied = Tag.certifications.through.objects.filter(
            certification__slug__in=list(held), tag__questions=OuterRef("pk")
        )
        questions = questions.filter(Exists(tied))
    questions = list_queryset(questions).order_by("-created_at", "-pk")
    return ExpertiseQueue(
        scope=scope,
        certification_names=sorted(held.values(), key=str.casefold),
        questions=paginate(questions, page=page, per_page=per_page, sort="unanswered"),
    )
