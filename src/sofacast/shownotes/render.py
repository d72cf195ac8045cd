"""Show notes for one episode, as HTML (the feed's content:encoded and a small page) and as Markdown.

Both are made from one `ShowNotes` record of plain text and URLs: the description, the guests with
bios and links, the questions as timestamped chapter links, the people, and links to earlier
episodes — the previous ones and the ones closest in topic, each with the shared terms as the reason.
HTML is written by Jinja2 templates with autoescape, then passed through the allow-list sanitizer;
Markdown escapes every character that Markdown would read as syntax or raw HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from sofacast.formats.timestamps import short_clock
from sofacast.sanitize import clean_html, plain_text, safe_url


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Chapter:
    start: float
    title: str
    url: str  # the audio at that second (media fragment)


@dataclass(frozen=True)
class Person:
    name: str
    bio: str = ""
    url: str = ""


@dataclass
class ShowNotes:
    title: str
    description: str
    guests: list[Person] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    previous: list[Link] = field(default_factory=list)
    related: list[Link] = field(default_factory=list)


@dataclass(frozen=True)
class _Piece:
    text: str
    url: str | None = None


_BARE_URL = re.compile(r"https?://[^\s<>\"'()]+[^\s<>\"'().,;:!?]")


def _linked(line: str) -> list[_Piece]:
    """A line of text with its bare http(s) URLs as links."""
    pieces, cursor = [], 0
    for match in _BARE_URL.finditer(line):
        url = safe_url(match.group(0))
        if url is None:
            continue
        pieces += [_Piece(line[cursor:match.start()]), _Piece(match.group(0), url)]
        cursor = match.end()
    return [*pieces, _Piece(line[cursor:])]


def _paragraph_lines(text: str) -> list[list[str]]:
    """Plain text as paragraphs (split at blank lines), each a list of its lines."""
    paragraphs = [p for p in re.split(r"\n\s*\n", plain_text(text, keep_lines=True)) if p.strip()]
    return [paragraph.split("\n") for paragraph in paragraphs]


def _paragraphs(text: str) -> list[list[list[_Piece]]]:
    return [[_linked(line) for line in lines] for lines in _paragraph_lines(text)]


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("sofacast.shownotes", "templates"), autoescape=True,
                       undefined=StrictUndefined, keep_trailing_newline=True)


def _context(notes: ShowNotes) -> dict[str, object]:
    def person(guest: Person) -> Person:
        return Person(plain_text(guest.name), plain_text(guest.bio), safe_url(guest.url) or "")

    def link(item: Link) -> Link:
        return Link(plain_text(item.title), safe_url(item.url) or "", plain_text(item.note))

    guests = [person(g) for g in notes.guests]
    return {
        "description": _paragraphs(notes.description),
        "guests": guests,
        "chapters": [{"url": safe_url(c.url) or "", "clock": short_clock(c.start), "title": plain_text(c.title)}
                     for c in notes.chapters],
        "people": [f"{plain_text(h)} (host)" for h in notes.hosts] + [f"{g.name} (guest)" for g in guests],
        "previous": [link(item) for item in notes.previous],
        "related": [link(item) for item in notes.related],
    }


def to_html(notes: ShowNotes) -> str:
    fragment = _environment().get_template("notes.html.j2").render(_context(notes))
    return clean_html(fragment)


def to_page(notes: ShowNotes, language: str, fragment: str | None = None) -> str:
    """A small standalone page of the notes (the item's link when the episode has no web page of its own).

    `fragment` is `to_html(notes)` when the caller has already made it."""
    return _environment().get_template("page.html.j2").render(
        title=plain_text(notes.title), language=language, fragment=Markup(to_html(notes) if fragment is None else fragment))


# Markdown reads these as syntax (emphasis, links, images, code, headings, tables) or, for < and &,
# as raw HTML and entities; escaped, each is the literal character.
_MARKDOWN_SYNTAX = set("\\`*_[]()<>#|&!~")


def _md(text: str) -> str:
    """Markdown-escaped plain text (one line)."""
    return "".join("\\" + ch if ch in _MARKDOWN_SYNTAX else ch for ch in plain_text(text))


def _md_link(url: str, text: str) -> str:
    safe = safe_url(url)  # percent-encoded: no spaces, brackets or quotes left to end the link early
    return f"[{_md(text)}]({safe})" if safe else _md(text)


def _md_paragraphs(text: str) -> list[str]:
    # A line break inside a paragraph is a backslash at the end of the line (CommonMark).
    return ["\\\n".join(_md(line) for line in lines) for lines in _paragraph_lines(text)]


def to_markdown(notes: ShowNotes) -> str:
    lines = [f"# {_md(notes.title)}", ""]
    for paragraph in _md_paragraphs(notes.description):
        lines += [paragraph, ""]
    if notes.guests:
        lines += ["## Guests", ""] + [f"- {_md_link(g.url, g.name)}" + (f" — {_md(g.bio)}" if plain_text(g.bio) else "")
                                      for g in notes.guests] + [""]
    if notes.chapters:
        lines += ["## Questions", "", *(f"- {_md_link(c.url, short_clock(c.start))} {_md(c.title)}" for c in notes.chapters), ""]
    people = [f"{_md(h)} (host)" for h in notes.hosts] + [f"{_md(g.name)} (guest)" for g in notes.guests]
    if people:
        lines += ["## People", "", ", ".join(people), ""]
    if notes.previous:
        lines += ["## Previous episodes", ""] + [f"- {_md_link(link.url, link.title)}" for link in notes.previous] + [""]
    if notes.related:
        lines += ["## Related episodes", "",
                  *(f"- {_md_link(link.url, link.title)} — {_md(link.note)}" for link in notes.related), ""]
    return "\n".join(lines).rstrip() + "\n"
