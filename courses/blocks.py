"""Lesson content blocks: the portal's base blocks plus video, code, downloads and quizzes."""

from django.utils.safestring import mark_safe

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

from portal.blocks import BaseStreamBlock

SOURCE_REQUIRED = "Choose a video file or enter its address."


class CaptionTrackBlock(blocks.StructBlock):
    language = blocks.CharBlock(
        max_length=10, default="en", help_text="Language code of the captions, e.g. en or de."
    )
    label = blocks.CharBlock(max_length=40, default="English", help_text="Shown in the player.")
    file = DocumentChooserBlock(help_text="A WebVTT (.vtt) file with the captions.")


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, help_text="What the video shows, for screen readers.")
    document = DocumentChooserBlock(
        required=False, help_text="The video file (MP4 or WebM) uploaded as a document…"
    )
    url = blocks.URLBlock(required=False, help_text="…or the address of the video file.")
    captions = blocks.ListBlock(
        CaptionTrackBlock(), min_num=1, help_text="Captions are required for every video."
    )

    class Meta:
        icon = "media"
        template = "courses/blocks/video_block.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("document") and not value.get("url"):
            raise blocks.StructBlockValidationError(block_errors={"url": SOURCE_REQUIRED})
        return value


class CodeValue(blocks.StructValue):
    def highlighted(self) -> str:
        """The code as HTML spans with Pygments' classes (escaped by Pygments)."""
        lexer = get_lexer_by_name(self.get("language") or "text")
        return mark_safe(highlight(self.get("code") or "", lexer, HtmlFormatter(nowrap=True)))  # noqa: S308


class CodeBlock(blocks.StructBlock):
    LANGUAGES = [
        ("bash", "Shell"),
        ("python", "Python"),
        ("javascript", "JavaScript"),
        ("typescript", "TypeScript"),
        ("json", "JSON"),
        ("yaml", "YAML"),
        ("sql", "SQL"),
        ("go", "Go"),
        ("java", "Java"),
        ("html", "HTML"),
        ("css", "CSS"),
        ("text", "Plain text"),
    ]
    language = blocks.ChoiceBlock(choices=LANGUAGES, default="bash", help_text="For highlighting.")
    code = blocks.TextBlock(help_text="Shown exactly as typed.")
    caption = blocks.CharBlock(required=False, max_length=200, help_text="Optional caption.")

    class Meta:
        icon = "code"
        template = "courses/blocks/code_block.html"
        value_class = CodeValue


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(help_text="A file learners can download.")
    description = blocks.CharBlock(
        required=False, max_length=200, help_text="What the file is (optional)."
    )

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/download_block.html"


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=250, help_text="The answer as shown.")
    correct = blocks.BooleanBlock(required=False, help_text="Tick for a right answer.")
    explanation = blocks.TextBlock(
        required=False, max_length=600, help_text="Why it is right or wrong, shown after choosing."
    )


class KnowledgeCheckBlock(blocks.StructBlock):
    """An ungraded multiple-choice question: learners see why each answer is right or wrong."""

    question = blocks.CharBlock(max_length=300, help_text="The question.")
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, max_num=6)

    class Meta:
        icon = "help"
        template = "courses/blocks/knowledge_check_block.html"

    def clean(self, value):
        value = super().clean(value)
        if not any(choice.get("correct") for choice in value.get("choices") or []):
            raise blocks.StructBlockValidationError(
                block_errors={"choices": "Mark at least one choice as correct."}
            )
        return value


class LessonStreamBlock(BaseStreamBlock):
    """A lesson's content: the base blocks plus video, code, downloads and knowledge checks."""

    video = VideoBlock()
    code = CodeBlock()
    download = DownloadBlock()
    knowledge_check = KnowledgeCheckBlock()
