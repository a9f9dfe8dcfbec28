"""The site shell's pages: the home page and announcements (news and incident status posts)."""

from django.db import models
from django.http import Http404
from django.utils import timezone

from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from modelcluster.fields import ParentalKey

from portal.blocks import BaseStreamBlock, HomeStreamBlock


class RestrictionsInOneQuery:
    """Reads the view restrictions on a page and its ancestors in one query, not Wagtail's two.

    Wagtail first loads the ancestors to resolve aliases; unless the page is itself an alias,
    the ancestors' paths (prefixes of its own path) are all that's needed.
    """

    def get_view_restrictions(self):
        if self.alias_of_id:
            return super().get_view_restrictions()
        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        return PageViewRestriction.objects.filter(page__path__in=paths)


class HomePage(RestrictionsInOneQuery, Page):
    """The portal's front page. Editors compose it from sections: hero, cards, text, news."""

    intro = models.CharField(
        max_length=250,
        blank=True,
        help_text="One sentence under the page title, for search engines too.",
    )
    body = StreamField(HomeStreamBlock(), blank=True, help_text="The sections of the home page.")

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "home page"

    def route(self, request, path_components):
        """Route through a section page without loading its own fields (one query fewer).

        Only its place in the tree is needed to reach the page below it; the page that is
        served is always loaded in full.
        """
        if len(path_components) < 2:
            return super().route(request, path_components)
        section = self.get_children().filter(slug=path_components[0]).specific(defer=True).first()
        if section is None:
            raise Http404
        section._cached_parent_obj = self
        return section.route(request, path_components[1:])

    @property
    def has_hero(self) -> bool:
        """A hero gives the page its main heading; without one the template shows the title."""
        return any(block.block_type == "hero" for block in self.body)


class AnnouncementIndexPage(Page):
    """Lists news and status posts, newest first, with an Atom feed. One per portal."""

    intro = models.CharField(max_length=250, blank=True, help_text="Shown above the list.")

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.AnnouncementPage"]
    max_count = 1

    class Meta:
        verbose_name = "announcements index"

    PER_PAGE = 20

    def get_context(self, request, *args, **kwargs):
        from portal.selectors import announcement_page

        context = super().get_context(request, *args, **kwargs)
        context["announcements"] = announcement_page(
            index_page=self, number=request.GET.get("page"), per_page=self.PER_PAGE
        )
        return context

    def route(self, request, path_components):
        """Fetch a post as an AnnouncementPage in one query (the only child type allowed)."""
        if not path_components:
            return super().route(request, path_components)
        try:
            post = AnnouncementPage.objects.child_of(self).get(slug=path_components[0])
        except AnnouncementPage.DoesNotExist:
            raise Http404 from None
        post._cached_parent_obj = self  # as Wagtail's own route does: the post links back here
        return post.route(request, path_components[1:])


class AnnouncementPage(Page):
    """A news item, or a status post during an incident.

    While an incident's latest update is not "resolved", a banner shows on every page of the
    portal with that update; post a new update in the timeline as the incident progresses.
    """

    KIND_NEWS = "news"
    KIND_INCIDENT = "incident"
    KIND_CHOICES = [(KIND_NEWS, "News"), (KIND_INCIDENT, "Incident (status post)")]
    SEVERITY_CHOICES = [("minor", "Minor"), ("major", "Major"), ("critical", "Critical")]

    kind = models.CharField(
        max_length=10,
        choices=KIND_CHOICES,
        default=KIND_NEWS,
        help_text="An incident shows a site-wide banner until its latest update says resolved.",
    )
    summary = models.CharField(
        max_length=250, help_text="One or two sentences, shown in lists, the feed and the banner."
    )
    published_at = models.DateTimeField(
        default=timezone.now, help_text="The date shown on the post and in the feed."
    )
    severity = models.CharField(
        max_length=10, choices=SEVERITY_CHOICES, blank=True, help_text="For incidents only."
    )
    body = StreamField(
        BaseStreamBlock(), blank=True, help_text="The full post: what happened or what is new."
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("published_at"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("severity"), InlinePanel("updates", label="Timeline update")],
            heading="Incident",
            help_text="Add an update each time the situation changes; the newest one counts.",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["portal.AnnouncementIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "announcement"

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.kind == self.KIND_INCIDENT and not self.severity:
            raise ValidationError({"severity": "An incident needs a severity."})

    @property
    def is_incident(self) -> bool:
        return self.kind == self.KIND_INCIDENT

    def get_context(self, request, *args, **kwargs):
        from portal.selectors import incident_timeline

        context = super().get_context(request, *args, **kwargs)
        context["timeline"] = incident_timeline(page=self)
        return context


class IncidentUpdate(Orderable):
    """One entry in an incident's timeline; the newest entry is the incident's status."""

    STATUS_INVESTIGATING = "investigating"
    STATUS_IDENTIFIED = "identified"
    STATUS_MONITORING = "monitoring"
    STATUS_RESOLVED = "resolved"
    STATUS_CHOICES = [
        (STATUS_INVESTIGATING, "Investigating"),
        (STATUS_IDENTIFIED, "Identified"),
        (STATUS_MONITORING, "Monitoring"),
        (STATUS_RESOLVED, "Resolved"),
    ]

    page = ParentalKey(AnnouncementPage, on_delete=models.CASCADE, related_name="updates")
    posted_at = models.DateTimeField(
        default=timezone.now, help_text="When this update was posted; the newest one counts."
    )
    status = models.CharField(
        max_length=20,
        choices=STATUS_CHOICES,
        help_text="Resolved removes the site-wide banner.",
    )
    message = models.TextField(max_length=1000, help_text="What changed, in plain words.")

    panels = [FieldPanel("posted_at"), FieldPanel("status"), FieldPanel("message")]

    class Meta(Orderable.Meta):
        ordering = ["sort_order"]
        indexes = [models.Index(fields=["page", "posted_at"])]
