"""Show notes for one episode, as HTML (the feed's content:encoded) and as Markdown (beside the episode).

Both are made from one `ShowNotes` record: the description, the guests with bios and links, the
questions as timestamped chapter links, the people, and links to earlier episodes — the previous
ones and the ones closest in topic, each with the shared terms as the reason.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from sofacast.feed.sanitize import clean_text, clean_text_keep_lines, text_to_html
from sofacast.formats.timestamps import short_clock


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


@dataclass
class ShowNotes:
    title: str
    description: str
    guests: list[tuple[str, str, str]] = field(default_factory=list)  # name, bio, url
    hosts: list[str] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    previous: list[Link] = field(default_factory=list)
    related: list[Link] = field(default_factory=list)


def _a(url: str, text: str) -> str:
    return f'<a href="{html.escape(url)}">{html.escape(text)}</a>' if url else html.escape(text)


def to_html(notes: ShowNotes) -> str:
    parts = [text_to_html(notes.description)]
    if notes.guests:
        items = "".join(f"<li>{_a(url, clean_text(name))}" + (f" — {html.escape(clean_text(bio))}" if bio else "") + "</li>"
                        for name, bio, url in notes.guests)
        parts.append(f"<h3>Guests</h3><ul>{items}</ul>")
    if notes.chapters:
        items = "".join(f"<li>{_a(c.url, short_clock(c.start))} {html.escape(clean_text(c.title))}</li>" for c in notes.chapters)
        parts.append(f"<h3>Questions</h3><ul>{items}</ul>")
    people = [f"{html.escape(h)} (host)" for h in notes.hosts] + [f"{html.escape(clean_text(g[0]))} (guest)" for g in notes.guests]
    if people:
        parts.append(f"<h3>People</h3><p>{', '.join(people)}</p>")
    if notes.previous:
        items = "".join(f"<li>{_a(link.url, clean_text(link.title))}</li>" for link in notes.previous)
        parts.append(f"<h3>Previous episodes</h3><ul>{items}</ul>")
    if notes.related:
        items = "".join(f"<li>{_a(link.url, clean_text(link.title))} — {html.escape(link.note)}</li>" for link in notes.related)
        parts.append(f"<h3>Related episodes</h3><ul>{items}</ul>")
    return "".join(parts)


def _md(text: str) -> str:
    """Markdown-escaped plain text."""
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in clean_text(text))


def _md_link(url: str, text: str) -> str:
    return f"[{_md(text)}]({url.replace(')', '%29').replace(' ', '%20')})" if url else _md(text)


def to_markdown(notes: ShowNotes) -> str:
    lines = [f"# {_md(notes.title)}", "", clean_text_keep_lines(notes.description), ""]
    if notes.guests:
        lines += ["## Guests", ""] + [f"- {_md_link(url, name)}" + (f" — {_md(bio)}" if bio else "")
                                      for name, bio, url in notes.guests] + [""]
    if notes.chapters:
        lines += ["## Questions", ""] + [f"- {_md_link(c.url, short_clock(c.start))} {_md(c.title)}" for c in notes.chapters] + [""]
    people = [f"{_md(h)} (host)" for h in notes.hosts] + [f"{_md(g[0])} (guest)" for g in notes.guests]
    if people:
        lines += ["## People", "", ", ".join(people), ""]
    if notes.previous:
        lines += ["## Previous episodes", ""] + [f"- {_md_link(link.url, link.title)}" for link in notes.previous] + [""]
    if notes.related:
        lines += ["## Related episodes", ""] + [f"- {_md_link(link.url, link.title)} — {_md(link.note)}" for link in notes.related] + [""]
    return "\n".join(lines).rstrip() + "\n"
