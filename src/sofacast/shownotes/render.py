"""Show notes for one episode, as HTML (the feed's content:encoded and a small page) and as Markdown.

Both are made from one `ShowNotes` record of plain text and URLs: the description, the guests with
bios and links, the questions as timestamped chapter links, the people, and links to earlier
episodes — the previous ones and the ones closest in topic, each with the shared terms as the reason.
An episode without a description opens with a line made from what the notes know instead:
"With Tomas Okafor and Henrik Sato: Why …? How …?" (`opening`); `first_paragraph` is what the feed's
plain-text description quotes.
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
    questions: list[str] = field(default_factory=list)  # the episode's show-notes questions
    show: str = ""  # the show's title


def _names(names: list[str]) -> str:
    """Names as prose: A; A and B; A, B and C."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def opening(notes: ShowNotes) -> str:
    """The notes' first paragraph: the description's, or one made from the guests and the questions.

    "With Tomas Okafor and Henrik Sato: What does …? Why …?" — the hosts stand in for missing guests,
    the chapters' questions for missing show-notes questions, and "An episode of SHOW." for all of it.
    """
    paragraphs = _paragraph_lines(notes.description)
    if paragraphs:
        return "\n".join(paragraphs[0])
    people = [n for n in map(plain_text, [g.name for g in notes.guests] or notes.hosts) if n]
    questions = [q for q in map(plain_text, notes.questions) if q]
    asked = " ".join(questions or [t for t in (plain_text(c.title) for c in notes.chapters) if t.endswith("?")])
    if people:
        return f"With {_names(people)}" + (f": {asked}" if asked else ".")
    if asked:
        return asked
    return f"An episode of {plain_text(notes.show)}." if plain_text(notes.show) else ""


def first_paragraph(notes: ShowNotes) -> str:
    """The notes' first paragraph as one line of plain text (the feed item's description)."""
    return plain_text(opening(notes))


def _description(notes: ShowNotes) -> str:
    """What the notes open with: the description, or `opening` when there is none."""
    return notes.description if _paragraph_lines(notes.description) else opening(notes)


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
        "description": _paragraphs(_description(notes)),
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
    for paragraph in _md_paragraphs(_description(notes)):
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
