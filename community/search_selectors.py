"""Full-text search over questions and their answers, and the similar questions suggested while
a title is typed (PostgreSQL text search, ``community.search.CONFIG``).

A question matches when its title or body does, or when one of its visible answers does. Its
rank is the question's own rank (title weight A above body weight B, ``SearchRank``) plus half
of its best answer's, so a question that is about the words outranks one whose answer merely
mentions them. Queries are read as web search (``websearch_to_tsquery``: quotes for phrases,
``or``, ``-word``), which never raises a syntax error, whatever is typed.

Headlines (``SearchHeadline``) come from user text: they are marked with two private-use
characters that escaping leaves alone, the text is escaped, and only then are the markers
turned into ``<mark>``. Nothing of the raw output is ever marked safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from community.list_selectors import (
    PER_PAGE,
    QuestionPage,
    list_queryset,
    page_of,
    question_rows,
    visible_questions,
)
from community.models import Answer, Question
from community.search import CONFIG

QUERY_MAX_LENGTH = 200
SEARCH_CAP = 1000
ANSWER_WEIGHT = 0.5
SIMILAR_LIMIT = 5
SIMILAR_MIN_WORDS = 3
SIMILAR_MIN_LENGTH = 10

EMPTY_QUERY = "Type a few words to search questions and answers."
CAPPED = (
    "More than {cap:,} questions match: these are the best of the newest {cap:,}. "
    "Add words, a tag or a filter to narrow the search."
)
QUERY_TOO_LONG = f"Searches are limited to {QUERY_MAX_LENGTH} characters; the rest was ignored."

ANSWERED_FILTERS = {
    "": "Any",
    "yes": "Answered",
    "no": "Unanswered",
    "accepted": "With an accepted answer",
}

# Private-use characters: never produced by escaping, unlikely in what members write.
_START = "\ue000"
_STOP = "\ue001"
_MARKED = re.compile(f"{_START}([^{_START}{_STOP}]*){_STOP}")
_TAG_LIKE = re.compile(r"[<>&]")
_STRAY = re.compile(f"[{_START}{_STOP}]")

# Words too common to tell questions apart (the search configuration drops them as well).
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "this",
        "to",
        "use",
        "using",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)


@dataclass
class SearchResults:
    """What the search page shows: the cleaned query, its filters and a page of rows (None when
    nothing was searched), or a ``message`` explaining why not."""

    q: str
    tag: str
    answered: str
    results: QuestionPage | None = None
    message: str = ""


def highlight(text: str | None) -> SafeString:
    """``text`` from ``ts_headline`` escaped, its marked matches wrapped in ``<mark>``."""
    escaped = escape(text or "")
    marked = _MARKED.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(_STRAY.sub("", marked))  # noqa: S308 - escaped above; only <mark> added


def query_clean(q: str | None) -> tuple[str, str]:
    """The query as searched (NUL and control characters removed, whitespace collapsed, cut to
    ``QUERY_MAX_LENGTH``) and a message if it had to be cut."""
    text = re.sub(r"[\x00-\x1f\x7f\ue000\ue001]", " ", q or "")
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > QUERY_MAX_LENGTH:
        return text[:QUERY_MAX_LENGTH].strip(), QUERY_TOO_LONG
    return text, ""


def _headline(expression: str, query: SearchQuery, **options) -> SearchHeadline:
    return SearchHeadline(
        expression, query, config=CONFIG, start_sel=_START, stop_sel=_STOP, **options
    )


def search(
    *,
    q: str | None,
    tag: str | None = None,
    answered: str | None = None,
    page: object = 1,
    per_page: int = PER_PAGE,
) -> SearchResults:
    """Visible questions matching ``q`` (or with a visible answer matching it), best first.

    ``tag`` is a tag slug; ``answered`` one of ``ANSWERED_FILTERS`` (unknown values: any).
    An empty query runs no query and says what to type. The newest ``SEARCH_CAP`` matches
    are ranked (a word every question contains would otherwise rank them all) and the page
    says when the cap was reached. Costs the matches' ids, the page (with its headlines, tags
    and total) and its authors' badges: three queries (two when nothing matches).
    """
    text, message = query_clean(q)
    tag = (tag or "").strip()
    answered = answered if answered in ANSWERED_FILTERS else ""
    if not text:
        return SearchResults(q="", tag=tag, answered=answered, message=EMPTY_QUERY)
    query = SearchQuery(text, search_type="websearch", config=CONFIG)
    matching_answers = Answer.objects.filter(
        question=OuterRef("pk"), hidden_at__isnull=True, search_vector=query
    )
    best_answer = matching_answers.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
        "-rank", "pk"
    )
    candidates = visible_questions().order_by("-created_at", "-pk")
    if tag:
        candidates = candidates.filter(tags__slug=tag)
    if answered == "yes":
        candidates = candidates.filter(answer_count__gt=0)
    elif answered == "no":
        candidates = candidates.filter(answer_count=0)
    elif answered == "accepted":
        candidates = candidates.filter(accepted_answer__isnull=False)
    ids = _newest_matches(candidates, query)
    questions = (
        list_queryset(Question.objects.filter(pk__in=ids))
        .annotate(
            question_rank=Coalesce(
                SearchRank(F("search_vector"), query), Value(0.0), output_field=FloatField()
            ),
            answer_rank=Coalesce(
                Subquery(best_answer.values("rank")[:1]), Value(0.0), output_field=FloatField()
            ),
            rank=F("question_rank") + ANSWER_WEIGHT * F("answer_rank"),
            title_headline=_headline("title", query, highlight_all=True),
            body_headline=_headline("body_md", query, max_words=35, min_words=15),
            body_matches=ExpressionWrapper(Q(search_vector=query), output_field=BooleanField()),
            answer_headline=Subquery(
                best_answer.annotate(
                    headline=_headline("body_md", query, max_words=35, min_words=15)
                ).values("headline")[:1]
            ),
        )
        .order_by("-rank", "-created_at", "-pk")
    )
    if ids:
        results = _search_page(questions, page=page, per_page=per_page)
    else:
        nothing = Paginator([], per_page)
        results = QuestionPage(rows=[], page=nothing.page(1), sort="relevance")
    if len(ids) >= SEARCH_CAP and not message:
        message = CAPPED.format(cap=SEARCH_CAP)
    return SearchResults(q=text, tag=tag, answered=answered, results=results, message=message)


def _newest_matches(candidates: QuerySet[Question], query: SearchQuery) -> list[int]:
    """The ids of the newest ``SEARCH_CAP`` of ``candidates`` (ordered newest first) whose own
    text matches ``query`` or that have a visible answer matching it: one query.

    The two kinds of match are two branches, each its newest ``SEARCH_CAP``, joined with UNION
    ALL: PostgreSQL then picks per branch between the GIN index (rare words) and walking the
    newest-first index until enough rows matched (common words). A single ``OR`` of the two
    could use neither and read every question (a second at 100,000 questions).
    """
    own = candidates.filter(search_vector=query).values_list("pk", "created_at")[:SEARCH_CAP]
    answers = Answer.objects.filter(search_vector=query, hidden_at__isnull=True)
    by_answer = candidates.filter(pk__in=answers.order_by().values("question_id"))
    by_answer = by_answer.values_list("pk", "created_at")[:SEARCH_CAP]
    rows = own.union(by_answer, all=True).order_by("-created_at", "-pk")
    return list(dict.fromkeys(pk for pk, _ in rows))[:SEARCH_CAP]


def _search_page(questions: QuerySet[Question], *, page: object, per_page: int) -> QuestionPage:
    pager = page_of(questions, page=page, per_page=per_page)
    found = list(pager.object_list)
    extra = {}
    for question in found:
        from_answer = not question.body_matches and bool(question.answer_headline)
        extra[question.pk] = {
            # The headline parser drops anything tag-like ("<div>"): such titles unmarked.
            "title_html": highlight(question.title_headline)
            if not _TAG_LIKE.search(question.title)
            else escape(question.title),
            "snippet_html": highlight(
                question.answer_headline if from_answer else question.body_headline
            ),
            "snippet_from_answer": from_answer,
        }
    return QuestionPage(rows=question_rows(found, extra=extra), page=pager, sort="relevance")


def meaningful_words(title: str | None) -> list[str]:
    """The words of ``title`` worth matching: not stop words, two characters or more."""
    words = re.findall(r"\w+", (title or "").casefold())
    return [word for word in words if len(word) > 1 and word not in _STOP_WORDS]


def similar_enough(title: str | None) -> bool:
    """Whether ``title`` says enough to look for similar questions."""
    text, _ = query_clean(title)
    return len(text) >= SIMILAR_MIN_LENGTH and len(meaningful_words(text)) >= SIMILAR_MIN_WORDS


def similar_questions(
    *, title: str | None, exclude_id: int | None = None, limit: int = SIMILAR_LIMIT
) -> list[Question]:
    """The open, visible questions whose text best matches ``title``: at most ``limit``.

    Any of the title's meaningful words may match (an ``or`` query), ranked with title matches
    first. A title shorter than ``SIMILAR_MIN_LENGTH`` characters or with fewer than
    ``SIMILAR_MIN_WORDS`` meaningful words gives nothing, without a query. One query; each
    question carries ``answer_count`` and ``accepted_answer_id``.
    """
    if not similar_enough(title):
        return []
    words = meaningful_words(query_clean(title)[0])
    query = SearchQuery(words[0], search_type="plain", config=CONFIG)
    for word in words[1:12]:
        query |= SearchQuery(word, search_type="plain", config=CONFIG)
    questions = visible_questions().filter(closed_at__isnull=True, search_vector=query)
    if exclude_id is not None:
        questions = questions.exclude(pk=exclude_id)
    return list(
        questions.only("pk", "title", "answer_count", "accepted_answer_id", "created_at")
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-created_at", "-pk")[:limit]
    )
