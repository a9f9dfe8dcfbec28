"""The one place user-written text becomes HTML: Markdown rendered, then sanitised.

Every post, comment or note a member writes is stored as Markdown and shown as the HTML this
module makes from it (once, on save). Nothing else in the project marks user text safe, so
replacing the library (bleach is in maintenance mode; nh3 would be the successor) touches this
file only.

Two layers, each enough on its own for the common attacks:

1. markdown-it-py, CommonMark preset plus tables and strikethrough, with ``html=False``: raw
   HTML in the source is escaped, never passed through. Its link validation already refuses
   ``javascript:``, ``vbscript:``, ``file:`` and ``data:`` URLs. Images are not shown:
   ``![alt](url)`` renders as a link to the image, named by its alt text. Headings are moved
   down two levels (``#`` becomes ``<h3>``) so a post never competes with the page's own
   headings.
2. bleach's ``Cleaner`` with a small allowlist (``ALLOWED_TAGS``), links limited to http, https
   and mailto (relative links stay), comments stripped, and every link given
   ``rel="nofollow ugc"``.

Deliberately absent from the allowlist: ``img`` (tracking pixels, mixed content, huge
downloads), ``svg`` and ``math`` (their foreign-content parsing carried bleach's past
mutation-XSS bypasses), ``style``, ``noscript``, ``iframe``, ``object``, ``embed``, ``form``
and every ``on*`` or ``style`` attribute.
"""

from __future__ import annotations

import re
from html import escape

import bleach
from bleach.html5lib_shim import Filter
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "strong",
        "em",
        "del",
        "s",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
INLINE_TAGS = frozenset({"strong", "em", "del", "s", "code", "a", "br"})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc"
HEADING_SHIFT = 2
_LANGUAGE_CLASS = re.compile(r"^language-[A-Za-z0-9_+#.-]{1,30}$")


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name in {"href", "title", "rel"}
    if tag == "ol":
        return name == "start" and value.isdigit()
    if tag == "code":
        return name == "class" and bool(_LANGUAGE_CLASS.match(value))
    return False


class _LinkRelFilter(Filter):
    """Give every link ``rel="nofollow ugc"`` (search engines: not endorsed, user content)."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                token["data"][(None, "rel")] = LINK_REL
            yield token


def _shift_headings(state) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
            token.tag = f"h{level}"


def _image_as_link(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    label = self.renderInlineAsText(token.children or [], options, env) or "image"
    href = escape(token.attrGet("src") or "")
    return f'<a href="{href}">{escape(label)}</a>'


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("image", _image_as_link)
    md.core.ruler.push("shift_headings", _shift_headings)
    return md


_MD = _markdown()
_CLEANER = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_LinkRelFilter],
)
_INLINE_CLEANER = bleach.Cleaner(
    tags=INLINE_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_LinkRelFilter],
)


def render_markdown(text: str, *, inline: bool = False) -> str:
    """Markdown ``text`` as safe HTML to store beside it and show as is.

    ``inline=True`` is for comments: one paragraph's worth of emphasis, code and links, no
    blocks (the result has no ``<p>``). Never raises for any text; an empty text gives "".
    """
    text = (text or "").replace("\x00", "\ufffd")
    if not text.strip():
        return ""
    if inline:
        return _INLINE_CLEANER.clean(_MD.renderInline(text)).strip()
    return _CLEANER.clean(_MD.render(text)).strip()


__all__ = ["ALLOWED_PROTOCOLS", "ALLOWED_TAGS", "INLINE_TAGS", "LINK_REL", "render_markdown"]
