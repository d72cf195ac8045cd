"""Clean text from Whisper or a source page before it enters the feed.

Plain text loses control characters (XML 1.0 forbids most of them, and a feed with one is not
well-formed). HTML goes through nh3 (the Ammonia sanitizer) with an allow-list of tags and
attributes that podcast apps render; everything else — scripts, styles, event handlers,
javascript: links — is removed.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {"p", "br", "a", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_URL = re.compile(r"(https?://[^\s<>\"')]+[^\s<>\"').,;:!?])")


def clean_text(text: str) -> str:
    """Plain text: no control characters, no markup, spaces tidied."""
    without_tags = nh3.clean(_CONTROL.sub("", text or ""), tags=set(), attributes={})
    return re.sub(r"[ \t]+", " ", html.unescape(without_tags)).strip()


def clean_html(fragment: str) -> str:
    return nh3.clean(_CONTROL.sub("", fragment or ""), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener")


def text_to_html(text: str) -> str:
    """Paragraphs and line breaks of plain text as HTML, with bare URLs made links; then sanitized."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", clean_text_keep_lines(text)) if p.strip()]
    rendered = []
    for paragraph in paragraphs:
        escaped = html.escape(paragraph, quote=False)
        linked = _URL.sub(lambda m: f'<a href="{html.escape(m.group(1))}">{m.group(1)}</a>', escaped)
        rendered.append("<p>" + linked.replace("\n", "<br>") + "</p>")
    return clean_html("".join(rendered))


def clean_text_keep_lines(text: str) -> str:
    without_tags = nh3.clean(_CONTROL.sub("", text or ""), tags=set(), attributes={})
    return html.unescape(without_tags).strip()
