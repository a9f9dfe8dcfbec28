"""StreamField blocks shared by every page type (the base blocks other apps reuse)."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        required=False,
        max_length=200,
        help_text="Describe the image for people who cannot see it; leave empty if decorative.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "components/blocks/image_block.html"


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[("info", "Information"), ("tip", "Tip"), ("warning", "Warning")], default="info"
    )
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "code"])

    class Meta:
        icon = "warning"
        template = "components/blocks/callout_block.html"


class BaseStreamBlock(blocks.StreamBlock):
    """Body content for any page: headings, text, images and callouts."""

    heading = blocks.CharBlock(
        form_classname="title", icon="title", template="components/blocks/heading_block.html"
    )
    paragraph = blocks.RichTextBlock(
        features=["h3", "h4", "bold", "italic", "link", "ol", "ul", "code", "blockquote"]
    )
    image = ImageBlock()
    callout = CalloutBlock()


class LinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=60)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, help_text="Used when no page is chosen.")

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": "Choose a page or enter a URL."}
            )
        return value


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=400)
    call_to_action = LinkBlock(required=False)

    class Meta:
        icon = "pick"
        template = "components/blocks/hero_block.html"


class FeatureCardBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock(max_length=300)
    link = LinkBlock(required=False)


class FeatureGridBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120)
    cards = blocks.ListBlock(FeatureCardBlock(), min_num=1, max_num=6)

    class Meta:
        icon = "table"
        template = "components/blocks/feature_grid_block.html"


class LatestAnnouncementsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="News", max_length=120)
    count = blocks.IntegerBlock(default=3, min_value=1, max_value=10)

    class Meta:
        icon = "list-ul"
        template = "components/blocks/latest_announcements_block.html"


class HomeStreamBlock(BaseStreamBlock):
    """Sections of the home page: the base blocks plus a hero, cards and the latest news."""

    hero = HeroBlock()
    features = FeatureGridBlock()
    latest_announcements = LatestAnnouncementsBlock()
