"""portal.sanitize.render_markdown: an XSS corpus comes out inert, Markdown features render.

The corpus is assembled from well-known lists: the OWASP XSS filter evasion cheat sheet,
html5sec.org, bleach's own mutation-XSS advisories (CVE-2020-6802 noscript, CVE-2020-6816 and
CVE-2021-23980 svg/math/comments) and Markdown-specific link tricks. Each vector is rendered
as a post body and as a comment, then parsed twice (Python's html.parser, and the WHATWG
html5lib parser browsers follow) and checked: only allowlisted elements, no event handler or
style attribute, no URL whose scheme, after decoding entities and dropping whitespace and
control characters, is javascript:, vbscript: or data:.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from bleach._vendor import html5lib

from portal.sanitize import ALLOWED_TAGS, INLINE_TAGS, LINK_REL, render_markdown

XSS_VECTORS = [
    # OWASP XSS filter evasion cheat sheet
    "<script>alert(1)</script>",
    '<SCRIPT SRC="http://xss.rocks/xss.js"></SCRIPT>',
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
    '&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;"
    "&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<svg/onload=alert('XSS')>",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\"><tr><td>x</td></tr></TABLE>",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">x</DIV>",
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDA'
    'vc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciPjwvc3ZnPg==" '
    'AllowScriptAccess="always">',
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    '<xss style="behavior: url(xss.htc);">x</xss>',
    # html5sec.org
    "<form><button formaction=javascript:alert(1)>X</button></form>",
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "<input autofocus onfocus=alert(1)>",
    "<template><script>alert(1)</script></template>",
    "<select><noembed></select><script>alert(1)</script>",
    "<isindex type=image src=1 onerror=alert(1)>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
    '<math href="javascript:alert(1)">CLICKME</math>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    # bleach's mutation-XSS advisories and their relatives
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 '
    'onerror=alert(1)&gt;">',
    "<svg><p><style><img src=1 href=1 onerror=alert(1)></p></svg>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<math><style><img src=x onerror=alert(1)></style></math>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    # Markdown links and images
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](data:text/html,<script>alert(1)</script>)",
    "[click](vbscript:msgbox(1))",
    "[click](<javascript:alert(1)>)",
    "[click](   javascript:alert(1))",
    "[click](javascript://%0aalert(1))",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    '[x](http://example.com "title\\" onmouseover=\\"alert(1)")',
    '[x](https://example.com/"onmouseover="alert(1))',
    "[<img src=x onerror=alert(1)>](http://example.com)",
    "**<img src=x onerror=alert(1)>**",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "# <script>alert(1)</script>",
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |",
]

FORBIDDEN_ELEMENTS = {
    "script", "style", "iframe", "object", "embed", "svg", "math", "img", "form", "input",
    "button", "base", "link", "meta", "noscript", "template", "frame", "frameset", "video",
    "audio", "source", "body", "details", "select", "textarea",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


def _scheme_is_dangerous(value: str) -> bool:
    cleaned = _INVISIBLE.sub("", html.unescape(value)).lower()
    return cleaned.startswith(("javascript:", "vbscript:", "data:"))


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def _elements_html_parser(markup: str):
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    return collector.elements


def _elements_html5(markup: str):
    """The elements a browser would build from ``markup`` (the WHATWG parsing algorithm)."""
    fragment = html5lib.parseFragment(markup, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for element in fragment.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        tag = element.tag.rsplit("}", 1)[-1].lower()
        found.append((tag, list(element.attrib.items())))
    return found[1:]  # the fragment's own container


def assert_inert(markup: str, allowed: frozenset[str]) -> None:
    assert "<!--" not in markup
    for parse in (_elements_html_parser, _elements_html5):
        for tag, attrs in parse(markup):
            assert tag not in FORBIDDEN_ELEMENTS, (tag, markup)
            assert tag in allowed, (tag, markup)
            for name, value in attrs:
                name = str(name).rsplit("}", 1)[-1].lower()
                assert not name.startswith("on"), (name, markup)
                assert name != "style", markup
                if name in URL_ATTRIBUTES or tag == "a":
                    assert not _scheme_is_dangerous(value or ""), (name, value, markup)


def test_the_corpus_holds_at_least_fifty_distinct_vectors():
    assert len(set(XSS_VECTORS)) == len(XSS_VECTORS) >= 50


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_a_post_body_made_of_an_xss_vector_comes_out_inert(vector):
    assert_inert(render_markdown(vector), ALLOWED_TAGS)
    assert_inert(
        render_markdown(f"Before {vector} after\n\n- {vector}\n\n> {vector}"), ALLOWED_TAGS
    )


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_a_comment_made_of_an_xss_vector_comes_out_inert(vector):
    assert_inert(render_markdown(vector, inline=True), INLINE_TAGS)


def test_raw_html_is_shown_as_text_not_interpreted():
    rendered = render_markdown("Use <b>bold</b> and <script>alert(1)</script> here.")
    assert "&lt;b&gt;bold&lt;/b&gt;" in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered


def test_markdown_features_render():
    rendered = render_markdown(
        "# Title\n\n## Sub\n\n**bold** *em* ~~gone~~ `code`\n\n"
        "```python\nprint('<hi>')\n```\n\n> quoted\n\n3. three\n4. four\n\n- item\n\n---\n\n"
        '| a | b |\n|---|---|\n| 1 | 2 |\n\n[docs](https://example.com/docs "Docs") '
        "[mail](mailto:help@example.com) [here](/community/tags/)"
    )
    for fragment in (
        "<h3>Title</h3>",
        "<h4>Sub</h4>",
        "<strong>bold</strong>",
        "<em>em</em>",
        "<s>gone</s>",
        "<code>code</code>",
        "<pre><code class=\"language-python\">print('&lt;hi&gt;')",
        "<blockquote>",
        '<ol start="3">',
        "<ul>",
        "<hr>",
        "<table>",
        "<th>a</th>",
        "<td>2</td>",
        f'<a href="https://example.com/docs" title="Docs" rel="{LINK_REL}">docs</a>',
        f'<a href="mailto:help@example.com" rel="{LINK_REL}">mail</a>',
        f'<a href="/community/tags/" rel="{LINK_REL}">here</a>',
    ):
        assert fragment in rendered, fragment


def test_every_link_gets_nofollow_ugc_even_autolinks():
    rendered = render_markdown("<https://example.com> and [x](http://example.org)")
    assert rendered.count(f'rel="{LINK_REL}"') == 2


def test_images_become_links_named_by_their_alt_text():
    rendered = render_markdown("![diagram of the setup](https://example.com/a.png)")
    assert "<img" not in rendered
    assert f'<a href="https://example.com/a.png" rel="{LINK_REL}">diagram of the setup</a>' in (
        rendered
    )


def test_comments_render_inline_without_blocks():
    rendered = render_markdown(
        "**yes** see [docs](https://example.com)\n\n# not a heading", inline=True
    )
    assert rendered.startswith("<strong>yes</strong>")
    assert "<p>" not in rendered and "<h3>" not in rendered


@pytest.mark.parametrize("text", ["", "   ", None, "\x00"])
def test_empty_or_odd_input_never_fails(text):
    assert render_markdown(text) in {"", "<p>\ufffd</p>"}


@pytest.mark.parametrize(
    "unsafe",
    [
        "<script>alert(1)</script>",
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href=" data:text/html,x">x</a>',
        '<p onclick="alert(1)">x</p>',
        '<p style="color:red">x</p>',
        "<svg><a>x</a></svg>",
        "<!-- x -->",
    ],
)
def test_the_checker_itself_catches_unsafe_markup(unsafe):
    with pytest.raises(AssertionError):
        assert_inert(unsafe, ALLOWED_TAGS)
