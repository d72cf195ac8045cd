"""An independent check for executable markup in what sofacast writes, as a browser or podcast app reads it.

It does not use sofacast's own sanitizer or rules: HTML is parsed by lxml's HTML parser (libxml2),
Markdown rendered by markdown-it-py with raw HTML allowed (as most Markdown renderers do), XML
parsed by lxml, and the text of the feed's fields that apps may render as HTML parsed again as HTML.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree, html
from markdown_it import MarkdownIt

DANGEROUS_ELEMENTS = {"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
                      "form", "input", "button", "link", "meta", "base", "template", "noscript", "img", "video",
                      "audio", "source", "textarea", "select"}
# The page template's own <meta> tags (charset, viewport, Content-Security-Policy) are allowed in <head> only.
HEAD_META_OK = {("meta", "charset"), ("meta", "name"), ("meta", "http-equiv")}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "srcset", "xlink:href", "cite",
                  "longdesc", "ping", "url", "uri", "img"}
PLAIN_FEED_FIELDS = {"title", "author", "name", "subtitle", "person", "category", "copyright", "email", "language"}
HTML_FEED_FIELDS = {"description", "summary", "encoded"}
_TAG_START = re.compile(r"<[A-Za-z/!?]")


def _web_link(value: str, mailto: bool = True) -> bool:
    scheme = urlsplit(value.strip()).scheme.lower()
    return scheme in ("http", "https") or (mailto and scheme == "mailto")


def html_problems(document: str, page: bool = False) -> list[str]:
    """What in an HTML page or fragment could run code, load something, or link anywhere but the web."""
    if not document.strip():
        return []
    root = html.document_fromstring(document) if page else html.fragment_fromstring(document, create_parent="div")
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        in_head = any(a.tag == "head" for a in element.iterancestors())
        if tag in DANGEROUS_ELEMENTS and not (tag == "meta" and in_head
                                              and any((tag, a) in HEAD_META_OK for a in element.attrib)):
            found.append(f"<{tag}> element")
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on"):
                found.append(f"{name} attribute on <{tag}>")
            elif name in URL_ATTRIBUTES and not _web_link(value):
                found.append(f"{name}={value[:40]!r} on <{tag}>")
            elif name == "style":
                found.append(f"style attribute on <{tag}>")
    return found


def markdown_problems(text: str) -> list[str]:
    rendered = MarkdownIt("commonmark", {"html": True}).render(text)
    return html_problems(rendered)


def feed_problems(document: bytes) -> list[str]:
    """Non-web links anywhere in a feed; markup in its plain-text fields; executable HTML in its HTML fields."""
    root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        for attribute, value in element.attrib.items():
            if etree.QName(attribute).localname in URL_ATTRIBUTES and not _web_link(value, mailto=False):
                found.append(f"{name}@{attribute}={value[:40]!r}")
        text = element.text or ""
        if name == "link" and text.strip() and not _web_link(text, mailto=False):
            found.append(f"<link>{text[:40]!r}")
        if name in HTML_FEED_FIELDS:
            found += [f"{name}: {p}" for p in html_problems(text)]
        elif name in PLAIN_FEED_FIELDS and _TAG_START.search(text):
            found.append(f"{name} holds markup: {text[:60]!r}")
    return found


def vtt_problems(text: str) -> list[str]:
    """WebVTT cue text may hold only its own tags (<v Name>, <c>, <i>, <b>, <u>, <lang>, <ruby>, <rt>, timestamps)."""
    found = []
    for tag in re.findall(r"<([^>]*)>", text):
        if not re.fullmatch(r"/?(?:v(?:\s[^<>]*)?|c(?:\.[\w.]+)?|i|b|u|ruby|rt|lang(?:\s[\w-]+)?"
                            r"|\d{2}:\d{2}(?::\d{2})?\.\d{3})", tag):
            found.append(f"<{tag[:40]}> in WebVTT")
    return found


def srt_problems(text: str) -> list[str]:
    """SubRip players read <i>, <b>, <u> and <font …> tags: a published SRT holds none."""
    return [f"<{tag[:40]}> in SubRip" for tag in re.findall(r"<([A-Za-z/][^>]*)>", text)]


def json_text_problems(document: str, keys: tuple[str, ...]) -> list[str]:
    """Markup in the fields apps show as text: chapter titles, transcript bodies and speakers."""
    found = []

    def visit(value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in keys and isinstance(inner, str) and _TAG_START.search(inner):
                    found.append(f"{key} holds markup: {inner[:60]!r}")
                visit(inner)
        elif isinstance(value, list):
            for inner in value:
                visit(inner)

    visit(json.loads(document))
    return found


def workspace_problems(root: Path) -> list[str]:
    """Every executable thing in every output a listener or a browser could load from the workspace."""
    problems: list[str] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or ".sofacast" in path.parts:
            continue
        where = str(path.relative_to(root))
        text = path.read_bytes()
        if path.suffix == ".html":
            problems += [f"{where}: {p}" for p in html_problems(text.decode("utf-8"), page=True)]
        elif path.suffix == ".md":
            problems += [f"{where}: {p}" for p in markdown_problems(text.decode("utf-8"))]
        elif path.name.endswith(".xml") and path.parent.name == "feeds":
            problems += [f"{where}: {p}" for p in feed_problems(text)]
        elif path.suffix == ".vtt":
            problems += [f"{where}: {p}" for p in vtt_problems(text.decode("utf-8"))]
        elif path.suffix == ".srt":
            problems += [f"{where}: {p}" for p in srt_problems(text.decode("utf-8"))]
        elif path.name.endswith((".chapters.json", ".transcript.json")):
            problems += [f"{where}: {p}" for p in json_text_problems(text.decode("utf-8"), ("title", "body", "speaker"))]
    return problems
