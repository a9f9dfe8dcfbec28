"""The training pages: the catalog, a course, and its lessons (ordered children of the course)."""

from django.conf import settings
from django.db import models
from django.http import Http404

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase

from courses.blocks import LessonStreamBlock, video_player
from courses.transcripts import lesson_transcripts, transcript_text, video_duration


class RestrictionCheckedInQuery:
    """Skips Wagtail's two view-restriction queries when the page's own query already checked.

    The selectors that load a page for serving annotate ``is_restricted``; when it is False
    there is nothing to check. Otherwise Wagtail's own check runs as usual.
    """

    def get_view_restrictions(self):
        if getattr(self, "is_restricted", None) is False:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class CourseIndexPage(RestrictionCheckedInQuery, Page):
    """The course catalog (at /courses/). Add courses as its children; one per portal."""

    intro = models.CharField(
        max_length=250, blank=True, help_text="One or two sentences above the list of courses."
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["courses.CoursePage", "courses.LiveSessionPage"]
    max_count = 1

    class Meta:
        verbose_name = "course catalog"

    def get_context(self, request, *args, **kwargs):
        from courses.forms import CatalogFilterForm
        from courses.selectors import catalog_list, catalog_topics
        from courses.session_selectors import catalog_sessions
        from portal.accounts.api import viewer_zone

        context = super().get_context(request, *args, **kwargs)
        form = CatalogFilterForm(request.GET, topics=catalog_topics(index_page=self))
        filters = form.filters()
        context["filter_form"] = form
        context["filtered"] = any(value for name, value in filters.items() if name != "sort")
        context["courses"] = catalog_list(index_page=self, member=request.user, filters=filters)
        context["sessions"] = catalog_sessions(
            index_page=self, filters=filters, show_all=request.GET.get("sessions") == "all"
        )
        context["viewer_zone"] = viewer_zone(member=request.user)
        return context

    def route(self, request, path_components):
        """Load a course, or a lesson with its course, in one query each (see the selectors)."""
        from courses.selectors import course_for_route, lesson_for_route

        if not path_components:
            return super().route(request, path_components)
        if len(path_components) == 1:
            page = course_for_route(index_page=self, slug=path_components[0], member=request.user)
        else:
            page = lesson_for_route(index_page=self, slugs=path_components[:2], member=request.user)
        if page is None:
            raise Http404
        return page.route(request, path_components[len(path_components[:2]) :])


class CourseTag(TaggedItemBase):
    content_object = ParentalKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class CoursePage(RestrictionCheckedInQuery, Page):
    """A course: its summary and outline. Add lessons as its children, in the order to take them."""

    LEVEL_CHOICES = [
        ("beginner", "Beginner"),
        ("intermediate", "Intermediate"),
        ("advanced", "Advanced"),
    ]

    summary = models.CharField(
        max_length=250, help_text="One or two sentences shown in the catalog and search results."
    )
    outcomes = models.TextField(
        blank=True, help_text="What learners will be able to do afterwards: one outcome per line."
    )
    level = models.CharField(
        max_length=20, choices=LEVEL_CHOICES, default="beginner", help_text="Who it is for."
    )
    estimated_minutes = models.PositiveIntegerField(
        default=60, help_text="About how long the whole course takes, in minutes."
    )
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text="The language the course is taught in.",
    )
    instructor = models.CharField(
        max_length=120, blank=True, help_text="Who teaches it, as shown to learners (optional)."
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown on the catalog card and at the top of the course (optional).",
    )
    prerequisites = ParentalManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="required_by",
        help_text="Courses to take first (shown as advice; enrolment stays open).",
    )
    tags = ClusterTaggableManager(
        through=CourseTag, blank=True, help_text="Topics, used to group and find courses."
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("outcomes"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("level"),
                FieldPanel("estimated_minutes"),
                FieldPanel("language"),
                FieldPanel("instructor"),
                FieldPanel("tags"),
                FieldPanel("prerequisites"),
            ],
            heading="About the course",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("outcomes"),
        index.SearchField("lesson_text"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("level"),
        index.FilterField("language"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage", "courses.LiveSessionPage"]

    class Meta:
        verbose_name = "course"

    def lesson_text(self) -> str:
        """The text of the course's live lessons, so the search index finds the course by it.

        Indexed when the course is saved; the catalog also searches lessons themselves, so a
        lesson edited later still leads to its course.
        """
        lessons = LessonPage.objects.live().child_of(self).order_by("path")
        body = LessonPage._meta.get_field("body")
        return "\n".join(
            " ".join(str(text) for text in body.get_searchable_content(lesson.body))
            + f"\n{lesson.transcript_text()}"
            for lesson in lessons
        )

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_outline
        from courses.session_selectors import upcoming_sessions
        from portal.accounts.api import viewer_zone

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = course_outline(course=self, member=request.user, details=True)
        context["sessions"] = upcoming_sessions(
            page=self, show_all=request.GET.get("sessions") == "all"
        )
        context["viewer_zone"] = viewer_zone(member=request.user)
        return context

    def route(self, request, path_components):
        """Fetch a lesson in one query; sessions below a course are served at their own URL."""
        if not path_components:
            return super().route(request, path_components)
        try:
            lesson = LessonPage.objects.child_of(self).get(slug=path_components[0])
        except LessonPage.DoesNotExist:
            raise Http404 from None
        lesson._cached_parent_obj = self
        return lesson.route(request, path_components[1:])


class LessonPage(RoutablePageMixin, RestrictionCheckedInQuery, Page):
    """One lesson of a course: a video, text, code, downloads and knowledge checks.

    A lesson with a video completes when the learner has watched 90% of it; any other lesson
    when the learner marks it done. The lesson serves its videos' files, posters and captions
    at ``video/<block id>/…`` (with byte ranges, to those who may read the lesson).
    """

    section = models.CharField(
        max_length=120,
        blank=True,
        help_text="Lessons in a row with the same section name are grouped under it (optional).",
    )
    is_preview = models.BooleanField(
        default=False,
        verbose_name="free preview",
        help_text="Anyone may read a preview lesson without signing in or enrolling.",
    )
    body = StreamField(LessonStreamBlock(), help_text="The lesson's content, top to bottom.")
    transcripts = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Cues of each video's captions, by video block id (made from the captions).",
    )
    video_duration = models.FloatField(
        null=True,
        blank=True,
        editable=False,
        help_text="Length in seconds of the first uploaded video, when known.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("section"),
        FieldPanel("is_preview"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("body"),
        index.SearchField("transcript_text"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "lesson"

    def save(self, *args, **kwargs):
        """Keep the transcripts and the video's length in step with the body's videos."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.transcripts = lesson_transcripts(self.body, language=self._course_language())
            self.video_duration = video_duration(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "transcripts", "video_duration"}
        return super().save(*args, **kwargs)

    def _course_language(self) -> str:
        if not self.path or self.depth <= 1:
            return ""
        courses = CoursePage.objects.filter(path=self.path[: -self.steplen])
        return courses.values_list("language", flat=True).first() or ""

    def transcript_text(self) -> str:
        """What the lesson's videos say, for the search index."""
        return transcript_text(self.transcripts or {})

    def body_blocks(self) -> list:
        """The body for the lesson template, in order: videos as their players, built from the
        stored ids without a query (``video_player``); other blocks as Wagtail's blocks."""
        return [
            video_player(item["value"], lesson=self, block_id=str(item["id"]))
            if item["type"] == "video"
            else self.body[number]
            for number, item in enumerate(self.body.raw_data)
        ]

    def video_file_url(self, block_id: str, part: str = "") -> str:
        """Where the player loads a video block's file, poster or captions (``part``) from."""
        return f"{self.url}video/{block_id}/{part}"

    @path("video/<str:block_id>/", name="video")
    def video_file(self, request, block_id: str):
        from courses.video_views import lesson_video

        return lesson_video(request, lesson=self, block_id=block_id, part="file")

    @path("video/<str:block_id>/poster/", name="video_poster")
    def video_poster(self, request, block_id: str):
        from courses.video_views import lesson_video

        return lesson_video(request, lesson=self, block_id=block_id, part="poster")

    @path("video/<str:block_id>/captions/<int:track>/", name="video_captions")
    def video_captions(self, request, block_id: str, track: int):
        from courses.video_views import lesson_video

        return lesson_video(request, lesson=self, block_id=block_id, part="captions", track=track)

    @property
    def has_video(self) -> bool:
        """Video lessons complete by watching; the others by the "Mark as done" button."""
        return any(block["type"] == "video" for block in self.body.raw_data)

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import lesson_view

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_view(lesson=self, member=request.user))
        return context
