"""What a feed must never carry to a listener's app: links that are not http(s), markup in plain-text
fields, and anything executable in HTML fields (scripts, frames, SVG, event handlers, javascript: links).

The rules read the feed the way an app does: XML first, then the text of HTML fields as HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree, html

from sofacast.sanitize import safe_url

# Attributes that hold a URL, whatever the element (RSS, iTunes, Podcasting 2.0, Media RSS, Atom).
URL_ATTRIBUTES = frozenset({"url", "href", "uri", "img", "src", "feedUrl"})
# Elements whose text is a URL.
URL_ELEMENTS = frozenset({"link", "url", "docs", "comments", "new-feed-url"})
# Elements whose text apps may render as HTML: checked as HTML, not as plain text.
HTML_ELEMENTS = frozenset({"description", "encoded", "summary"})
# Elements and attributes that run code or load other documents when HTML is rendered.
EXECUTABLE_ELEMENTS = frozenset({"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
                                 "math", "form", "input", "button", "textarea", "select", "link", "meta", "base",
                                 "template", "noscript"})
HTML_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "poster", "background", "srcset",
                                 "xlink:href", "cite", "longdesc", "lowsrc", "dynsrc", "ping"})
_TAG_LIKE = re.compile(r"<[A-Za-z/!?]")


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _short(value: str, limit: int = 60) -> str:
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def html_problems(fragment: str) -> Iterator[str]:
    """What in an HTML fragment could run code or lead to a non-http(s) link."""
    if not fragment.strip():
        return
    try:
        root = html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return
    for element in root.iter():
        name = _local(element.tag).lower() if isinstance(element.tag, str) else ""
        if name in EXECUTABLE_ELEMENTS:
            yield f"has a <{name}> element"
        for attribute, value in element.attrib.items():
            key = attribute.lower()
            if key.startswith("on"):
                yield f"has an event handler ({key})"
            elif key in HTML_URL_ATTRIBUTES and safe_url(value, mailto=True) is None:
                yield f"links to {_short(value)}: only http(s) and mailto links are allowed"
            elif key == "style" and re.search(r"expression\s*\(|javascript:|url\s*\(", value, re.IGNORECASE):
                yield "has a style attribute that loads or runs something"


def _elements(root: etree._Element, skip_items: bool) -> Iterator[etree._Element]:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if skip_items and any(ancestor.tag == "item" for ancestor in element.iterancestors()):
            continue
        if skip_items and element.tag == "item":
            continue
        yield element


def feed_problems(root: etree._Element, skip_items: bool = False) -> Iterator[tuple[str, str]]:
    """(field name, problem) for every unsafe link or markup under `root` (the channel without its items, or one item)."""
    for element in _elements(root, skip_items):
        name = etree.QName(element).localname
        field = _field_name(element)
        for attribute, value in element.attrib.items():
            if _local(attribute) in URL_ATTRIBUTES and safe_url(value) is None:
                yield f"{field}@{_local(attribute)}", f"links to {_short(value)}: only http(s) links are allowed"
        text = (element.text or "").strip()
        if not text or len(element):
            continue
        if name in URL_ELEMENTS:
            if safe_url(text) is None:
                yield field, f"links to {_short(text)}: only http(s) links are allowed"
        elif name in HTML_ELEMENTS:
            for problem in dict.fromkeys(html_problems(text)):
                yield field, problem
        elif _TAG_LIKE.search(text):
            yield field, f"holds markup ({_short(text)}); it must be plain text"


def _field_name(element: etree._Element) -> str:
    qname = etree.QName(element)
    prefix = element.prefix
    return f"{prefix}:{qname.localname}" if prefix else qname.localname
