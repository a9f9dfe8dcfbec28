"""The training pages: the catalog, a course, and its lessons (ordered children of the course)."""

from django.conf import settings
from django.db import models
from django.http import Http404

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase

from courses.blocks import LessonStreamBlock


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

        context = super().get_context(request, *args, **kwargs)
        form = CatalogFilterForm(request.GET, topics=catalog_topics(index_page=self))
        filters = form.filters()
        context["filter_form"] = form
        context["filtered"] = any(value for name, value in filters.items() if name != "sort")
        context["courses"] = catalog_list(index_page=self, member=request.user, filters=filters)
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
            for lesson in lessons
        )

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_outline

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = course_outline(course=self, member=request.user, details=True)
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


class LessonPage(RestrictionCheckedInQuery, Page):
    """One lesson of a course: a video, text, code, downloads and knowledge checks.

    A lesson with a video completes when the learner has watched 90% of it; any other lesson
    when the learner marks it done.
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

    content_panels = [
        *Page.content_panels,
        FieldPanel("section"),
        FieldPanel("is_preview"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "lesson"

    @property
    def has_video(self) -> bool:
        """Video lessons complete by watching; the others by the "Mark as done" button."""
        return any(block.block_type == "video" for block in self.body)

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import lesson_view

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_view(lesson=self, member=request.user))
        return context
