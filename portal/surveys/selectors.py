"""Reads of surveys: whether a member already answered, the surveys staff may see, the results
per question and the rows of the CSV export.

The results are counted by the database from ``SurveyAnswer`` rows (one per answer), so the
results screen costs the same few queries for 30 responses or 30,000.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Avg,
    Count,
    Exists,
    IntegerField,
    JSONField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, JSONObject

from wagtail.models import Page, PageViewRestriction
from wagtail.permissions import policy_registry

from portal.models.surveys import SurveyAnswer, SurveyField, SurveyPage, SurveySubmission
from portal.surveys import questions as q

LATEST_COMMENTS = 10


def _member_id(member) -> int | None:
    return member.pk if member is not None and member.is_authenticated else None


def survey_prepare(*, page: SurveyPage, member) -> None:
    """Load, in one query, what serving ``page`` needs, and keep it on the page: its questions
    (``get_form_fields``), whether it or a page above it has a view restriction (``is_restricted``,
    so Wagtail's own two queries are skipped) and whether ``member`` already answered
    (``has_answered``). A survey without questions gets none of the flags (they are asked then).
    """
    paths = [page.path[:end] for end in range(page.steplen, len(page.path) + 1, page.steplen)]
    member_id = _member_id(member)
    fields = list(
        SurveyField.objects.filter(page=page).annotate(
            restricted=Exists(PageViewRestriction.objects.filter(page__path__in=paths)),
            answered=Exists(
                SurveySubmission.objects.filter(page=page, member_id=member_id, once=True)
            ),
        )
    )
    page._survey_fields = fields
    if fields:
        if not page.alias_of_id:
            page.is_restricted = fields[0].restricted
        page._answered_by = (member_id, fields[0].answered)


def has_answered(*, page: SurveyPage, member) -> bool:
    """Whether ``member`` already gave the one response ``page`` takes (one query, none after
    ``survey_prepare``)."""
    member_id = _member_id(member)
    if member_id is None or page.allow_multiple:
        return False
    known = getattr(page, "_answered_by", None)
    if known is not None and known[0] == member_id:
        return known[1]
    return SurveySubmission.objects.filter(page=page, member_id=member_id, once=True).exists()


def _editable_surveys(user) -> QuerySet:
    """The pages ``user`` may edit that are surveys: Wagtail's rule for form submissions
    (``get_forms_for_user``, whose hook ``portal.surveys.staff`` uses to hide Wagtail's own
    Forms section)."""
    pages = policy_registry.get_by_type(Page).instances_user_has_permission_for(user, "change")
    return pages.type(SurveyPage).values("pk")


def surveys_for_staff(*, user) -> QuerySet[SurveyPage]:
    """The surveys ``user`` may edit, by title, each with ``responses`` and ``last_response``
    (one query, plus Wagtail's permission lookups)."""
    allowed = _editable_surveys(user)
    counted = (
        SurveySubmission.objects.filter(page=OuterRef("pk"))
        .order_by()
        .values("page")
        .annotate(n=Count("pk"))
        .values("n")
    )
    latest = (
        SurveySubmission.objects.filter(page=OuterRef("pk"))
        .order_by("-submit_time")
        .values("submit_time")[:1]
    )
    return (
        SurveyPage.objects.filter(pk__in=allowed)
        .annotate(
            responses=Coalesce(Subquery(counted, output_field=IntegerField()), 0),
            last_response=Subquery(latest),
        )
        .order_by("title")
    )


def survey_for_staff(*, user, page_id: int) -> SurveyPage | None:
    """The survey ``page_id`` with its questions if ``user`` may see its results, else None
    (unknown or refused): one query (two for a survey without questions)."""
    allowed = _editable_surveys(user)
    fields = list(
        SurveyField.objects.filter(page_id=page_id, page__in=allowed).select_related("page")
    )
    if not fields:
        return SurveyPage.objects.filter(pk=page_id, pk__in=allowed).first()
    page = fields[0].page
    page._survey_fields = fields
    return page


@dataclass(frozen=True)
class Bar:
    """One answer's share of a question's responses."""

    label: str
    count: int
    percent: float


@dataclass
class QuestionResult:
    """A question's figures. ``average`` is in the question's own points (scale 5..1 without
    N/A, 0-10); ``nps`` from -100 to 100; percentages are of the question's responses."""

    name: str
    label: str
    kind: str
    responses: int = 0
    average: float | None = None
    bars: list[Bar] = field(default_factory=list)
    promoters: int = 0
    detractors: int = 0
    comments: list[tuple[str, datetime]] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return q.FIELD_TYPE_LABELS.get(self.kind, self.kind)

    @property
    def average_out_of(self) -> int | None:
        return {q.SCALE: 5, q.RECOMMEND: 10}.get(self.kind)

    @property
    def passives(self) -> int:
        return self.responses - self.promoters - self.detractors

    @property
    def nps(self) -> int | None:
        """Net Promoter Score: % answering 9-10 minus % answering 0-6."""
        if self.kind != q.RECOMMEND or not self.responses:
            return None
        return round(100 * (self.promoters - self.detractors) / self.responses)

    @property
    def yes_percent(self) -> float | None:
        if self.kind != q.YES_NO or not self.responses:
            return None
        return next((bar.percent for bar in self.bars if bar.label == q.YES), 0.0)


@dataclass
class SurveyResults:
    page: SurveyPage
    responses: int
    first_at: datetime | None
    last_at: datetime | None
    questions: list[QuestionResult]


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _one_decimal(value: float) -> float:
    """Rounded half up, as people read averages (7.25 is 7.3)."""
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _results_rows(page: SurveyPage, comments: int) -> list[dict]:
    """One row per question answered: its figures, its answers counted (``counts``: value and
    n), its latest free-text answers (``latest``: text and at) and the survey's totals. One
    query: the counts and comments are correlated subqueries per question."""
    answers = SurveyAnswer.objects.filter(page=page)
    mine = answers.filter(question=OuterRef("question"))
    counted = (
        mine.filter(field_type__in=q.COUNTED_TYPES)
        .order_by()
        .values("value")
        .annotate(n=Count("pk"))
        .values(row=JSONObject(value="value", n="n"))
    )
    latest = (
        mine.filter(field_type__in=q.TEXT_TYPES)
        .order_by("-submitted_at", "-pk")
        .values(row=JSONObject(text="text", at="submitted_at"))[:comments]
    )
    totals = (
        SurveySubmission.objects.filter(page=page)
        .order_by()
        .values("page")
        .annotate(row=JSONObject(n=Count("pk"), first=Min("submit_time"), last=Max("submit_time")))
        .values("row")
    )
    return list(
        answers.order_by()
        .values("question")
        .annotate(
            responses=Count("submission", distinct=True),
            average=Avg("points"),
            promoters=Count("pk", filter=Q(field_type=q.RECOMMEND, points__gte=q.PROMOTER_MIN)),
            detractors=Count("pk", filter=Q(field_type=q.RECOMMEND, points__lte=q.DETRACTOR_MAX)),
            counts=ArraySubquery(counted),
            latest=ArraySubquery(latest),
            totals=Subquery(totals, output_field=JSONField()),
        )
    )


def _when(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def survey_results(*, page: SurveyPage, comments: int = LATEST_COMMENTS) -> SurveyResults:
    """Every question's figures in the survey's order: one query after the questions' (two for
    a survey nobody answered)."""
    rows = {row["question"]: row for row in _results_rows(page, comments)}
    if rows:
        totals = next(iter(rows.values()))["totals"] or {}
    else:
        totals = SurveySubmission.objects.filter(page=page).aggregate(
            n=Count("pk"), first=Min("submit_time"), last=Max("submit_time")
        )
    results = []
    for survey_field in page.get_form_fields():
        name, kind = survey_field.clean_name, survey_field.field_type
        row = rows.get(name, {})
        result = QuestionResult(
            name=name,
            label=survey_field.label,
            kind=kind,
            responses=row.get("responses", 0),
            promoters=row.get("promoters", 0),
            detractors=row.get("detractors", 0),
            comments=[(item["text"], _when(item["at"])) for item in row.get("latest") or []],
        )
        if kind in (q.SCALE, q.RECOMMEND) and row.get("average") is not None:
            result.average = _one_decimal(row["average"])
        if kind in q.COUNTED_TYPES:
            options = q.answer_options(
                field_type=kind, choices=survey_field.choices, offer_na=survey_field.offer_na
            )
            seen = {item["value"]: item["n"] for item in row.get("counts") or []}
            # Answers no longer offered (a choice staff removed) still show, after the others.
            labels = [*options, *sorted(set(seen) - set(options))]
            result.bars = [
                Bar(label, seen.get(label, 0), _percent(seen.get(label, 0), result.responses))
                for label in labels
            ]
        results.append(result)
    return SurveyResults(
        page=page,
        responses=totals.get("n") or 0,
        first_at=_when(totals.get("first")),
        last_at=_when(totals.get("last")),
        questions=results,
    )


def responses_for_export(*, page: SurveyPage) -> Iterator[tuple]:
    """Every response, oldest first, as (submitted, updated, course title or None, answers
    dict); streamed in chunks, one query per 2,000 responses."""
    return (
        SurveySubmission.objects.filter(page=page)
        .order_by("submit_time", "pk")
        .values_list("submit_time", "updated_at", "course__title", "form_data")
        .iterator(chunk_size=2000)
    )
