"""What may come from outside, made safe: plain text, HTML converted to text once, allow-listed HTML, URLs.

Text is stored plain and escaped for its context only where it is written out (by Jinja2's autoescape
for HTML pages, by lxml/feedgen for XML). The functions here never unescape what they have cleaned,
and each is idempotent: cleaning twice gives what cleaning once gave.

- `plain_text`: no control or bidi-override characters, no markup-like `<tag …>` sequences (feed
  readers render some plain-text fields as HTML), spaces tidied.
- `html_to_text`: a source's HTML description as plain text, decoded exactly once, lists kept as
  `• ` lines. Only for fields that *are* HTML where they come from (an RSS description, a web page).
- `clean_html`: HTML through nh3 (the Ammonia sanitizer) with an allow-list: no scripts, styles,
  frames, SVG, event handlers; links only to http(s) (and mailto).
- `safe_url`: an absolute http(s) URL (or mailto where allowed), percent-encoded, or None.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html import unescape
from urllib.parse import quote, urlsplit, urlunsplit

import nh3

ALLOWED_TAGS = {"p", "br", "a", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
WEB_SCHEMES = ("http", "https")
# Longest text kept from a pulled title / description; a 100 kB title helps no listener.
MAX_TITLE_CHARS = 300
MAX_DESCRIPTION_CHARS = 20_000

# C0 and C1 controls (tab and newlines are handled apart), DEL, non-characters, lone surrogates, the
# byte-order mark, and the explicit bidi embeddings/overrides/isolates that can reorder what a reader sees.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")
# What an HTML parser would read as the start of a tag, comment or processing instruction, through its end.
_TAG_LIKE = re.compile(r"<[A-Za-z/!?][^>]*(?:>|$)", re.DOTALL)
# Elements whose content is code, not text: dropped with it.
_CODE_ELEMENTS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_URL_SAFE = "/?#[]@!$&*+,;=%~-._:"


def _strip_invisible(text: str) -> str:
    return _INVISIBLE.sub("", _LINE_BREAKS.sub("\n", text))


def _strip_markup(text: str) -> str:
    # Removing one tag can join the pieces of another ("<<b>script>"): repeat until nothing changes.
    while True:
        stripped = _TAG_LIKE.sub("", _CODE_ELEMENTS.sub("", text))
        if stripped == text:
            return text
        text = stripped


def plain_text(text: str | None, keep_lines: bool = False) -> str:
    """Safe plain text: one line (or paragraphs, with `keep_lines`), without controls or markup."""
    text = _strip_markup(_strip_invisible(unicodedata.normalize("NFC", text or "")).replace("\t", " "))
    if not keep_lines:
        return re.sub(r"\s+", " ", text).strip()
    lines = [re.sub(r"[^\S\n]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def title_text(text: str | None) -> str:
    """A pulled title: plain, on one line, at most MAX_TITLE_CHARS."""
    return _shorten(plain_text(text), MAX_TITLE_CHARS)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut) + "…"


_BLOCKS = {"p", "br", "li", "ul", "ol", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "table"}


def html_to_text(fragment: str | None) -> str:
    """A source's HTML (an RSS description, a page's text) as plain text with its paragraphs and list items."""
    # nh3 parses like a browser and serializes a small, regular subset: these tags, text escaped once.
    regular = nh3.clean(_strip_invisible(fragment or ""), tags=_BLOCKS, attributes={})
    regular = re.sub(r"<br\s*/?>", "\n", regular)
    regular = re.sub(r"<li>", "\n• ", regular)
    regular = re.sub(r"</(?:p|div|h\d|blockquote|pre|ul|ol|table|tr)>", "\n\n", regular)
    text = unescape(re.sub(r"<[^>]*>", "", regular))  # the one decode: HTML serialization to text
    return _shorten(plain_text(text, keep_lines=True), MAX_DESCRIPTION_CHARS)


@lru_cache(maxsize=65536)
def safe_url(value: str | None, mailto: bool = False) -> str | None:
    """`value` as an absolute http(s) URL (or mailto: when allowed), percent-encoded; None when it is not one."""
    text = (value or "").strip()
    if not text or _INVISIBLE.search(text) or re.search(r"\s", text):
        return None
    try:
        parts = urlsplit(text)
        port = parts.port  # raises on a malformed port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme == "mailto" and mailto:
        address = parts.path
        return f"mailto:{quote(address, safe='@.+-_')}" if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address) else None
    if scheme not in WEB_SCHEMES or not parts.hostname:
        return None
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if not re.fullmatch(r"[a-z0-9.-]+|\[[0-9a-f:.]+\]|[0-9a-f:.]+", host):
        return None
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    netloc = host + (f":{port}" if port is not None else "")
    return urlunsplit((scheme, netloc, quote(parts.path, safe=_URL_SAFE), quote(parts.query, safe=_URL_SAFE),
                       quote(parts.fragment, safe=_URL_SAFE)))


def _keep_safe_links(element: str, attribute: str, value: str) -> str | None:
    if element == "a" and attribute == "href":
        return safe_url(value, mailto=True)
    return value


def _clean_once(fragment: str) -> str:
    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer", attribute_filter=_keep_safe_links)


def clean_html(fragment: str | None) -> str:
    """HTML for show notes: the allow-list above, links to http(s)/mailto only, no controls."""
    cleaned = _clean_once(_strip_invisible(fragment or ""))
    # Misnested input (an <a> inside an <a>) can serialize to HTML that parses differently the next time:
    # clean until nothing changes, so that cleaning is idempotent.
    for _ in range(4):
        again = _clean_once(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned
