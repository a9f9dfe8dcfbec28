"""Reading posts: the question page and the revision histories, within a fixed query budget.

``question_page`` costs two queries whatever the number of answers and comments: one row
holding the question (with its author, course page and the viewer's vote) and, as JSON, its
tags (with their courses), its comments, and its answers with their comments and the viewer's
votes; then the credentials of every author at once. A page of 50 answers with comments must
stay within 12 queries in all, and the portal's shell and session already take most of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, IntegerField, JSONField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, JSONObject
from django.utils.dateparse import parse_datetime

from wagtail.models import Page

from certification import api as certification_api
from community.models import Answer, Comment, CommunitySettings, Question, Revision, Tag, Vote
from community.permissions import is_moderator
from portal.accounts.api import PublicProfile, public_profile


@dataclass(frozen=True)
class AuthorCard:
    """What is shown beside a post: the author's public profile and valid credentials."""

    profile: PublicProfile
    credentials: tuple = ()

    @property
    def is_mvp(self) -> bool:
        return any(c.kind == "mvp" for c in self.credentials)

    @property
    def is_certified(self) -> bool:
        return any(c.kind == "certification" for c in self.credentials)

    @property
    def marker(self) -> str:
        """ "mvp", "certified" or "": how an answer by this author is marked."""
        if self.is_mvp:
            return "mvp"
        return "certified" if self.is_certified else ""


@dataclass
class QuestionPage:
    question: Question
    answers: list[Answer]
    tags: list[Tag]
    hidden_answers: int = 0
    settings: CommunitySettings | None = None
    viewer_credentials: tuple = ()
    viewer_reputation: int = 0


def _viewer_vote(viewer, **post) -> Coalesce | Value:
    if viewer is None or not viewer.is_authenticated:
        return Value(0, output_field=IntegerField())
    votes = Vote.objects.filter(member_id=viewer.pk, **post).values("value")[:1]
    return Coalesce(Subquery(votes, output_field=IntegerField()), Value(0))


_AUTHOR_FIELDS = ("id", "display_name", "avatar", "bio", "country", "languages", "time_zone")


def _author_json() -> JSONObject:
    return JSONObject(**{name: f"author__{name}" for name in _AUTHOR_FIELDS})


def _comments_json(**post) -> ArraySubquery:
    comments = (
        Comment.objects.filter(**post)
        .order_by("created_at", "pk")
        .values(
            json=JSONObject(
                id="id",
                question_id="question_id",
                answer_id="answer_id",
                body_html="body_html",
                created_at="created_at",
                hidden_at="hidden_at",
                author=_author_json(),
            )
        )
    )
    return ArraySubquery(comments)


def _answers_json(viewer) -> ArraySubquery:
    answers = (
        Answer.objects.filter(question_id=OuterRef("pk"))
        .annotate(
            accepted_first=Case(
                When(pk=OuterRef("accepted_answer_id"), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("accepted_first", "-score", "created_at", "pk")
        .values(
            json=JSONObject(
                id="id",
                body_html="body_html",
                created_at="created_at",
                edited_at="edited_at",
                score="score",
                comment_count="comment_count",
                hidden_at="hidden_at",
                viewer_vote=_viewer_vote(viewer, answer_id=OuterRef("pk")),
                author=_author_json(),
                comments=_comments_json(answer_id=OuterRef("pk")),
            )
        )
    )
    return ArraySubquery(answers)


def _tags_json() -> ArraySubquery:
    tags = (
        Tag.objects.filter(questions=OuterRef("pk"))
        .order_by("name")
        .values(
            json=JSONObject(
                id="id",
                name="name",
                slug="slug",
                course_id="course_id",
                course_title="course__title",
                course_url_path="course__url_path",
            )
        )
    )
    return ArraySubquery(tags)


def _settings_json() -> Subquery:
    """The portal's community settings row, read with the question (one row per portal)."""
    names = [field.attname for field in CommunitySettings._meta.concrete_fields]
    row = CommunitySettings.objects.order_by("pk").values(
        json=JSONObject(**{name: name for name in names})
    )[:1]
    return Subquery(row, output_field=JSONField())


def when_from_json(value):
    """A timestamp read back from a JSON column (None stays None)."""
    return parse_datetime(value) if value else None


def member_from_json(data: dict):
    """A member (unsaved instance) from the profile fields a JSON subquery selected."""
    return get_user_model()(
        id=data["id"],
        display_name=data["display_name"] or "",
        avatar=data["avatar"] or "",
        bio=data["bio"] or "",
        country=data["country"] or "",
        languages=data["languages"] or [],
        time_zone=data["time_zone"] or "UTC",
    )


def _comment(data: dict) -> Comment:
    comment = Comment(
        id=data["id"],
        question_id=data["question_id"],
        answer_id=data["answer_id"],
        body_html=data["body_html"],
        created_at=when_from_json(data["created_at"]),
        hidden_at=when_from_json(data["hidden_at"]),
    )
    comment.author = member_from_json(data["author"])
    return comment


def _answer(data: dict, question: Question) -> Answer:
    answer = Answer(
        id=data["id"],
        question_id=question.pk,
        body_html=data["body_html"],
        created_at=when_from_json(data["created_at"]),
        edited_at=when_from_json(data["edited_at"]),
        score=data["score"],
        comment_count=data["comment_count"],
        hidden_at=when_from_json(data["hidden_at"]),
    )
    answer.author = member_from_json(data["author"])
    answer.viewer_vote = data["viewer_vote"]
    answer.all_comments = [_comment(item) for item in data["comments"] or []]
    return answer


def _tag(data: dict) -> Tag:
    tag = Tag(id=data["id"], name=data["name"], slug=data["slug"], course_id=data["course_id"])
    if data["course_id"]:
        tag.course = Page(
            id=data["course_id"], title=data["course_title"], url_path=data["course_url_path"]
        )
    return tag


def _visible(post, viewer, moderator) -> bool:
    """Hidden posts are shown to their authors and to moderators only."""
    if post.hidden_at is None:
        return True
    if viewer is not None and viewer.is_authenticated and post.author_id == viewer.pk:
        return True
    return moderator()


def _viewer_following(viewer):
    """Whether the viewer follows the question, as a subquery (False for visitors)."""
    from django.db.models import BooleanField, Exists, Value

    from community.models import Follow

    if viewer is None or not viewer.is_authenticated:
        return Value(False, output_field=BooleanField())
    return Exists(Follow.objects.filter(member_id=viewer.pk, question_id=OuterRef("pk")))


def _viewer_reputation(viewer):
    """The viewer's reputation total as a subquery (0 for visitors), for the close control."""
    from django.db.models import IntegerField, Subquery, Value

    from community.models import MemberReputation

    if viewer is None or not viewer.is_authenticated:
        return Value(0, output_field=IntegerField())
    return Subquery(
        MemberReputation.objects.filter(member_id=viewer.pk).values("total")[:1],
        output_field=IntegerField(),
    )


def question_page(*, question_id: int, viewer) -> QuestionPage | None:
    """The question, its visible answers (accepted first, then by score, then oldest), all
    their visible comments, authors' cards and the viewer's votes; None when the question does
    not exist or is hidden from ``viewer``.

    Each post gets ``viewer_vote`` (1, -1 or 0), ``author_card`` and, for question and
    answers, ``shown_comments``. Two queries whatever the number of posts: the question with
    its author, course page, tags, comments, answers and their comments as JSON (one row),
    and the credentials of every author (``certification.api.member_badges_summary``); two
    more to learn whether a non-staff viewer moderates, only when a post hidden from others
    is on the page. Answers, comments and their authors are model instances built from that
    row, for display only.
    """
    question = (
        Question.objects.select_related("author", "page", "duplicate_of", "closed_by")
        .annotate(
            viewer_vote=_viewer_vote(viewer, question_id=OuterRef("pk")),
            tags_json=_tags_json(),
            comments_json=_comments_json(question_id=OuterRef("pk")),
            answers_json=_answers_json(viewer),
            settings_json=_settings_json(),
            viewer_reputation=_viewer_reputation(viewer),
            viewer_following=_viewer_following(viewer),
        )
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        return None
    moderator_cache: list[bool] = []

    def moderator() -> bool:
        if not moderator_cache:
            moderator_cache.append(is_moderator(member=viewer))
        return moderator_cache[0]

    if not _visible(question, viewer, moderator):
        return None
    answers_all = [_answer(item, question) for item in question.answers_json or []]
    answers = [answer for answer in answers_all if _visible(answer, viewer, moderator)]
    question.shown_comments = [
        comment
        for comment in map(_comment, question.comments_json or [])
        if _visible(comment, viewer, moderator)
    ]
    for answer in answers:
        answer.shown_comments = [c for c in answer.all_comments if _visible(c, viewer, moderator)]
        answer.is_accepted = answer.pk == question.accepted_answer_id
    posts = [question, *answers]
    comments = [c for post in posts for c in post.shown_comments]
    authors = {post.author_id: post.author for post in [*posts, *comments]}
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    member_ids = {*authors, viewer_id} - {None}
    credentials = certification_api.member_badges_summary(member_ids=member_ids)
    cards = {
        pk: AuthorCard(profile=public_profile(user), credentials=tuple(credentials.get(pk, ())))
        for pk, user in authors.items()
    }
    for post in [*posts, *comments]:
        post.author_card = cards[post.author_id]
    return QuestionPage(
        question=question,
        answers=answers,
        tags=[_tag(item) for item in question.tags_json or []],
        hidden_answers=len(answers_all) - len(answers),
        settings=CommunitySettings(**question.settings_json) if question.settings_json else None,
        viewer_credentials=tuple(credentials.get(viewer_id, ())),
        viewer_reputation=question.viewer_reputation or 0,
    )


def revisions_of(*, question: Question | None = None, answer: Answer | None = None) -> list:
    """Every revision of a question or answer, oldest first, with its author: one query."""
    post = {"question": question} if question is not None else {"answer": answer}
    return list(Revision.objects.filter(**post).select_related("author").order_by("number"))
