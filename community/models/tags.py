"""Tags: how questions are found, tied to courses and to the certifications whose holders
answer them."""

from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Tag(index.Indexed, models.Model):
    """A topic questions are filed under (Snippets › Community tags).

    A tag may point to the course that teaches it (shown on the tag and question pages) and to
    the certifications whose holders may answer its questions when the portal requires a
    matching certification.
    """

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in addresses.")
    description = models.TextField(blank=True, help_text="What belongs under this tag.")
    course = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The course that teaches this topic, linked from its questions.",
    )
    certifications = models.ManyToManyField(
        "certification.Certification",
        blank=True,
        related_name="+",
        help_text="Holders of these may answer its questions when answering needs a "
        "matching certification.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("course"),
        FieldPanel("certifications"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
