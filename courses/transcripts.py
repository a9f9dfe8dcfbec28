"""Transcripts of lesson videos, read from their WebVTT caption files with webvtt-py.

A lesson keeps its videos' transcripts (``LessonPage.transcripts``, keyed by the video block's
id) so the page shows them without opening a file, and the search index finds a lesson by what
its videos say. Editors' caption files are checked with the same parser (``CaptionTrackBlock``).
"""

from __future__ import annotations

import html
import logging
from uuid import uuid4

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

logger = logging.getLogger(__name__)

MAX_CAPTION_BYTES = 2 * 1024 * 1024
NOT_UTF8 = "The captions file must be UTF-8 text."
TOO_LARGE = "The captions file is larger than 2 MB."
NOT_WEBVTT = "This is not a WebVTT captions file: it must start with “WEBVTT”."
BAD_CUE = "This WebVTT file has a cue the player cannot read: {detail}."
NO_CUES = "This WebVTT file has no captions in it."


class CaptionError(ValueError):
    """A caption file that is not usable WebVTT; the message is fit to show to an editor."""


def timestamp_label(seconds: float) -> str:
    """``75.4`` -> ``"1:15"``; an hour or more -> ``"1:02:03"``, as video players write times."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def cues_from_text(text: str) -> list[dict]:
    """The cues of a WebVTT text as ``{"start", "end", "label", "text"}`` dicts, in order.

    Cue markup (``<b>``, voice spans) is dropped and entities (``&amp;``) decoded: the text is
    plain, and the template escapes it. Raises ``CaptionError`` for anything webvtt-py cannot
    read strictly, or an empty file.
    """
    try:
        captions = webvtt.from_string(text, strict=True).captions
    except MalformedFileError:
        raise CaptionError(NOT_WEBVTT) from None
    except MalformedCaptionError as error:
        raise CaptionError(BAD_CUE.format(detail=error)) from None
    cues = [
        {
            "start": caption.start_time.in_milliseconds() / 1000,
            "end": caption.end_time.in_milliseconds() / 1000,
            "label": timestamp_label(caption.start_time.in_milliseconds() / 1000),
            "text": " ".join(html.unescape(caption.text).split()),
        }
        for caption in captions
    ]
    if not cues:
        raise CaptionError(NO_CUES)
    return cues


def cues_from_file(file) -> list[dict]:
    """The cues of an uploaded caption file (a Django ``File``), or ``CaptionError``."""
    file.open("rb")
    try:
        data = file.read(MAX_CAPTION_BYTES + 1)
    finally:
        file.close()
    if len(data) > MAX_CAPTION_BYTES:
        raise CaptionError(TOO_LARGE)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CaptionError(NOT_UTF8) from None
    return cues_from_text(text)


def _matches(code: str, language: str) -> bool:
    """``en-GB`` matches ``en`` and the other way round; case does not matter."""
    code, language = code.lower(), language.lower()
    return bool(language) and (code == language or code.split("-")[0] == language.split("-")[0])


def transcript_track(tracks, *, language: str):
    """The caption track to show as the transcript: one in ``language``, else the first."""
    usable = [track for track in tracks if track.get("file") is not None]
    preferred = [track for track in usable if _matches(track.get("language") or "", language)]
    return (preferred or usable or [None])[0]


def lesson_transcripts(body, *, language: str) -> dict[str, dict]:
    """``{video block id: {"language", "label", "cues"}}`` for a lesson's captioned videos.

    A caption file that cannot be read (it was replaced outside the editor, or the file is
    missing) leaves that video without a transcript instead of failing the save.
    """
    transcripts: dict[str, dict] = {}
    for block in body:
        if block.block_type != "video":
            continue
        if not block.id:  # a block added in code: give it the id it will be saved with
            block.id = str(uuid4())
        track = transcript_track(block.value.get("captions") or [], language=language)
        if track is None:
            continue
        try:
            cues = cues_from_file(track["file"].file)
        except (CaptionError, OSError) as error:
            logger.warning("Transcript of video block %s skipped: %s", block.id, error)
            continue
        transcripts[str(block.id)] = {
            "language": track.get("language") or "",
            "label": track.get("label") or "",
            "cues": cues,
        }
    return transcripts


def transcript_text(transcripts: dict) -> str:
    """All cue text of a lesson's transcripts, for the search index."""
    return "\n".join(
        cue["text"] for transcript in transcripts.values() for cue in transcript.get("cues", [])
    )


def video_duration(body) -> float | None:
    """Length in seconds of the lesson's first uploaded video, when its media item knows it."""
    for block in body:
        if block.block_type == "video":
            media = block.value.get("video")
            if media is not None and (media.duration or 0) > 0:
                return float(media.duration)
            return None
    return None
