"""Lesson content blocks: the portal's base blocks plus video, code, downloads and quizzes."""

from dataclasses import dataclass, field
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from wagtailmedia.blocks import VideoChooserBlock

from courses.transcripts import CaptionError, cues_from_file
from portal.blocks import BaseStreamBlock

SOURCE_REQUIRED = "Choose an uploaded video or enter the address of a video file."
SPEEDS = ["0.75", "1", "1.25", "1.5", "1.75", "2"]


class CaptionTrackBlock(blocks.StructBlock):
    language = blocks.CharBlock(
        max_length=10, default="en", help_text="Language code of the captions, e.g. en or de."
    )
    label = blocks.CharBlock(max_length=40, default="English", help_text="Shown in the player.")
    file = DocumentChooserBlock(help_text="A WebVTT (.vtt) file with the captions.")

    def clean(self, value):
        """Refuse a caption file webvtt-py cannot read, saying what is wrong with it."""
        value = super().clean(value)
        document = value.get("file")
        if document is not None:
            try:
                cues_from_file(document.file)
            except (CaptionError, OSError) as error:
                raise blocks.StructBlockValidationError(
                    block_errors={"file": ValidationError(str(error))}
                ) from None
        return value


class VideoBlock(blocks.StructBlock):
    """A video played in the page's own player, with captions, a transcript and resume."""

    title = blocks.CharBlock(max_length=120, help_text="What the video shows, for screen readers.")
    video = VideoChooserBlock(
        required=False, help_text="The video, uploaded to Media (MP4 or WebM)…"
    )
    url = blocks.URLBlock(required=False, help_text="…or the address of an MP4 or WebM file.")
    poster = ImageChooserBlock(
        required=False,
        help_text="Shown before the video plays (optional; else the media item's thumbnail).",
    )
    captions = blocks.ListBlock(
        CaptionTrackBlock(),
        help_text=(
            "One track per language. The track in the course's language (else the first) "
            "is also shown as the transcript. Videos without captions are listed in "
            "Reports › Videos without captions."
        ),
    )

    class Meta:
        icon = "media"
        template = "courses/blocks/video_block.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("video") and not value.get("url"):
            raise blocks.StructBlockValidationError(block_errors={"url": SOURCE_REQUIRED})
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        parent_context = parent_context or {}
        lesson = parent_context.get("page")
        block_id = str(parent_context.get("block_id") or "")
        if block_id and hasattr(lesson, "video_file_url"):
            context["player"] = video_player(
                self.get_prep_value(value), lesson=lesson, block_id=block_id
            )
        else:  # outside a lesson (e.g. another page's preview): the files' own addresses
            context["player"] = _player_from_objects(value)
        return context


@dataclass
class VideoPlayer:
    """What the video template shows: addresses of the video, poster and caption tracks."""

    title: str
    src: str
    poster: str = ""
    tracks: list[dict] = field(default_factory=list)
    transcript: dict | None = None
    player_id: str = field(default_factory=lambda: f"video-{uuid4().hex[:8]}")
    speeds: list[str] = field(default_factory=lambda: SPEEDS)
    block_type: str = "video"


def _tracks(raw: dict) -> list[dict]:
    """A video's raw caption tracks (Wagtail stores list items as ``{"value": …}`` or bare)."""
    items = raw.get("captions") or []
    return [item.get("value", item) if "type" in item else item for item in items]


def video_player(raw: dict, *, lesson, block_id: str) -> VideoPlayer:
    """The player of a lesson's video block, from its stored (raw) value: no query.

    The lesson serves the uploaded video, its poster and its caption files at
    ``<lesson>/video/<block id>/…``, so the page needs no media or document rows to render.
    """
    url = lesson.video_file_url
    uploaded = bool(raw.get("video"))
    return VideoPlayer(
        title=raw.get("title") or "",
        src=url(block_id) if uploaded else raw.get("url") or "",
        poster=url(block_id, "poster/") if uploaded or raw.get("poster") else "",
        tracks=[
            {
                "language": track.get("language") or "",
                "label": track.get("label") or "",
                "src": url(block_id, f"captions/{number}/"),
            }
            for number, track in enumerate(_tracks(raw))
            if track.get("file")
        ],
        transcript=(lesson.transcripts or {}).get(block_id),
        player_id=f"video-{block_id}",
    )


def _player_from_objects(value) -> VideoPlayer:
    media = value.get("video")
    poster = value.get("poster")
    if poster is not None:
        poster_url = poster.get_rendition("width-1280").url
    else:
        poster_url = media.thumbnail.url if media is not None and media.thumbnail else ""
    return VideoPlayer(
        title=value.get("title") or "",
        src=media.url if media is not None else value.get("url") or "",
        poster=poster_url,
        tracks=[
            {"language": track["language"], "label": track["label"], "src": track["file"].url}
            for track in value.get("captions") or []
            if track.get("file") is not None
        ],
    )


class EmbedVideoBlock(blocks.StructBlock):
    """A video hosted elsewhere (YouTube, Vimeo…), shown with the provider's own player."""

    title = blocks.CharBlock(max_length=120, help_text="What the video shows.")
    embed = EmbedBlock(help_text="The video's address on YouTube, Vimeo or another provider.")

    class Meta:
        icon = "media"
        template = "courses/blocks/embed_video_block.html"
        label = "External video"

    def get_context(self, value, parent_context=None):
        """The provider's player, or nothing (a plain link then) when it cannot be fetched.

        Wagtail turns provider errors into an empty embed; a network failure raised past the
        finder (``OSError``) is treated the same, so the lesson never fails to render.
        """
        context = super().get_context(value, parent_context=parent_context)
        embed = value.get("embed")
        try:
            context["embed_html"] = embed.html if embed else ""
        except OSError:
            context["embed_html"] = ""
        return context


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
    embed_video = EmbedVideoBlock()
    code = CodeBlock()
    download = DownloadBlock()
    knowledge_check = KnowledgeCheckBlock()
