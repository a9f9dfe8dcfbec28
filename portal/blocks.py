"""StreamField blocks shared by every page type (the base blocks other apps reuse).

Each block renders with a template in ``components/blocks/``; the home page adds a hero, a grid
of feature cards and the latest announcements to the base blocks.
"""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(help_text="Shown up to 1,200 pixels wide.")
    alt_text = blocks.CharBlock(
        required=False,
        max_length=200,
        help_text="Describe the image for people who cannot see it; leave empty if decorative.",
    )
    caption = blocks.CharBlock(
        required=False, max_length=250, help_text="Shown under the image (optional)."
    )

    class Meta:
        icon = "image"
        template = "components/blocks/image_block.html"


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[("info", "Information"), ("tip", "Tip"), ("warning", "Warning")],
        default="info",
        help_text="Sets the colour and the label read out by screen readers.",
    )
    text = blocks.RichTextBlock(
        features=["bold", "italic", "link", "code"], help_text="Keep it to a few sentences."
    )

    class Meta:
        icon = "warning"
        template = "components/blocks/callout_block.html"


class BaseStreamBlock(blocks.StreamBlock):
    """Body content for any page: headings, text, images and callouts."""

    heading = blocks.CharBlock(
        form_classname="title",
        icon="title",
        template="components/blocks/heading_block.html",
        help_text="A section heading (shown as a level-2 heading).",
    )
    paragraph = blocks.RichTextBlock(
        features=["h3", "h4", "bold", "italic", "link", "ol", "ul", "code", "blockquote"],
        template="components/blocks/paragraph_block.html",
        help_text="Text with links and lists.",
    )
    image = ImageBlock()
    callout = CalloutBlock()


class LinkValue(blocks.StructValue):
    """A link's target: the chosen page's URL, else the typed URL."""

    def href(self) -> str:
        page = self.get("page")
        if page is not None:
            return page.url or ""
        return self.get("url") or ""


class LinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=60, help_text="The link's text, e.g. “Browse courses”.")
    page = blocks.PageChooserBlock(required=False, help_text="A page of this portal…")
    url = blocks.CharBlock(
        required=False,
        max_length=300,
        help_text="…or an address, used when no page is chosen (e.g. /courses/ or https://…).",
    )

    class Meta:
        value_class = LinkValue

    def clean(self, value):
        value = super().clean(value)
        if value.get("label") and not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": "Choose a page or enter a URL."}
            )
        return value


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, help_text="The page's main heading.")
    text = blocks.TextBlock(
        required=False, max_length=400, help_text="One or two sentences under the heading."
    )
    call_to_action = LinkBlock(required=False, help_text="A prominent button (optional).")

    class Meta:
        icon = "pick"
        template = "components/blocks/hero_block.html"


class FeatureCardBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80, help_text="A few words.")
    text = blocks.TextBlock(max_length=300, help_text="One or two sentences.")
    link = LinkBlock(required=False, help_text="Makes the whole card a link (optional).")


class FeatureGridBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        required=False, max_length=120, help_text="Shown above the cards (optional)."
    )
    cards = blocks.ListBlock(FeatureCardBlock(), min_num=1, max_num=6)

    class Meta:
        icon = "table"
        template = "components/blocks/feature_grid_block.html"


class LatestAnnouncementsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="News", max_length=120, help_text="Shown above the list.")
    count = blocks.IntegerBlock(
        default=3, min_value=1, max_value=10, help_text="How many of the newest posts to show."
    )

    class Meta:
        icon = "list-ul"
        template = "components/blocks/latest_announcements_block.html"


class TestimonialsBlock(blocks.StructBlock):
    """The newest testimonials members approved and staff published (community app), with a
    link to the testimonials page."""

    heading = blocks.CharBlock(
        default="What our learners say", max_length=120, help_text="Shown above the testimonials."
    )
    count = blocks.IntegerBlock(
        default=3, min_value=1, max_value=6, help_text="How many of the newest to show."
    )

    class Meta:
        icon = "openquote"
        template = "components/blocks/testimonials_block.html"


class HomeStreamBlock(BaseStreamBlock):
    """Sections of the home page: the base blocks plus a hero, cards, the latest news and
    testimonials."""

    hero = HeroBlock()
    features = FeatureGridBlock()
    latest_announcements = LatestAnnouncementsBlock()
    testimonials = TestimonialsBlock()
