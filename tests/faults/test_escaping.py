"""Property-based tests (Hypothesis): arbitrary strings in every field of every renderer, and the output,
parsed by a real HTML/XML parser, never holds a script, style, frame, object or SVG element, an on*
attribute, or a link that is not http(s). The cleaners are idempotent and never unescape."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from sofacast.feed.build import PublishedEpisode, build_feed
from sofacast.feed.podcast_index import Person, TranscriptLink
from sofacast.feed.settings import FeedSettings
from sofacast.feed.validate import validate_feed
from sofacast.formats.vtt import render_vtt
from sofacast.records import Segment, Show, TranscribeOptions, Transcript
from sofacast.sanitize import clean_html, html_to_text, plain_text, safe_url
from sofacast.shownotes.render import Chapter, Link, ShowNotes, to_html, to_markdown, to_page
from sofacast.shownotes.render import Person as Guest
from tests.faults.conftest import measured
from tests.faults.markup import feed_problems, html_problems, markdown_problems, vtt_problems

# What an attacker would try, in pieces Hypothesis can combine, nest and escape again.
NASTY = [
    "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "&amp;lt;script&amp;gt;", "&amp;amp;lt;b&amp;amp;gt;",
    "<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>", "<iframe src=//evil>", "<object data=x>", "<style>*{}</style>",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:", "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd",
    "\"><script>x</script>", "'><b onmouseover=1>", "]]>", "<![CDATA[", "<!--", "-->", "<?xml", "&", "&#x3C;script&#x3E;",
    "\x00", "\x1b[31m", "\u202e", "\u2066", "\ufeff", "\x85", "\r\n", "<", ">", "\"", "'", "`", "[x](javascript:alert(1))",
    "![x](javascript:1)", "<http://evil>", "<a href=javascript:1>", "https://example.org/a?b=<c>&d=\"e\"", "\\", "*_#|",
]
texts = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), max_size=8).map("".join)
urls = st.one_of(texts, st.sampled_from(["https://example.org/ok", "http://127.0.0.1:8/x?y=1#z", "mailto:a@b.org",
                                         "//evil.example", "/relative", " https://spaces.example/ "]))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_TAG_START = re.compile(r"<[A-Za-z/!?]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@SETTINGS
@given(texts)
@example("&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;")
@example("<<b>script>alert(1)<</b>/script>")
def test_plain_text_is_idempotent_and_holds_no_markup(text: str) -> None:
    once = plain_text(text)
    assert plain_text(once) == once
    assert plain_text(once, keep_lines=True) == once
    assert not _TAG_START.search(once) and not _CONTROLS.search(once)
    lines = plain_text(text, keep_lines=True)
    assert plain_text(lines, keep_lines=True) == lines and not _TAG_START.search(lines)
    measured("arbitrary strings through the cleaners and renderers")


@SETTINGS
@given(texts)
@example("&amp;lt;script&amp;gt;")
def test_html_to_text_decodes_once_and_gives_clean_text(fragment: str) -> None:
    text = html_to_text(fragment)
    assert plain_text(text, keep_lines=True) == text  # already clean: nothing left that cleaning would change
    assert not _TAG_START.search(text)


def test_html_to_text_never_decodes_twice() -> None:
    assert html_to_text("&amp;lt;script&amp;gt;") == "&lt;script&gt;"
    assert html_to_text("<p>Q&amp;A</p><ul><li>one</li><li>two</li></ul>") == "Q&A\n\n• one\n• two"


@SETTINGS
@given(texts)
def test_clean_html_is_idempotent_and_never_executable(fragment: str) -> None:
    once = clean_html(fragment)
    assert clean_html(once) == once
    assert html_problems(once) == []


@SETTINGS
@given(urls)
@example("java\tscript:alert(1)")
@example("https://example.org/)[x](javascript:1)")
def test_safe_url_is_web_only_and_idempotent(url: str) -> None:
    safe = safe_url(url)
    if safe is not None:
        assert re.match(r"https?://[a-z0-9.\-\[\]:]+(?:/|$|\?|#)", safe), safe
        assert not re.search(r"[\s<>\"'()\\`]", safe) and safe_url(safe) == safe


notes = st.builds(
    ShowNotes, title=texts, description=texts,
    guests=st.lists(st.builds(Guest, name=texts, bio=texts, url=urls), max_size=3), hosts=st.lists(texts, max_size=2),
    chapters=st.lists(st.builds(Chapter, start=st.floats(0, 1e6), title=texts, url=urls), max_size=3),
    previous=st.lists(st.builds(Link, title=texts, url=urls, note=texts), max_size=2),
    related=st.lists(st.builds(Link, title=texts, url=urls, note=texts), max_size=2),
)


@SETTINGS
@given(notes, texts)
def test_show_notes_pages_fragments_and_markdown_never_carry_executable_markup(shownotes: ShowNotes, language: str) -> None:
    assert html_problems(to_html(shownotes)) == []
    assert html_problems(to_page(shownotes, language), page=True) == []
    assert markdown_problems(to_markdown(shownotes)) == []
    measured("arbitrary strings through the cleaners and renderers")


def test_the_found_stored_script_stays_text_in_every_rendering() -> None:
    title = "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;"
    shownotes = ShowNotes(title=title, description="<img src=x onerror=alert(1)> see javascript:alert(2)",
                          guests=[Guest("Mallory", "x", "javascript:alert(3)")])
    page = to_page(shownotes, '"><script>alert(4)</script>')
    assert html_problems(page, page=True) == [] and "<script>" not in page
    assert "&amp;amp;lt;script" in page  # shown to the reader as the text the source held
    markdown = to_markdown(shownotes)
    assert markdown_problems(markdown) == [] and "javascript:" not in markdown.split("## Guests")[1]


@SETTINGS
@given(st.lists(st.tuples(texts, texts), min_size=1, max_size=4))
def test_captions_hold_only_webvtt_tags(pieces: list[tuple[str, str]]) -> None:
    segments = [Segment(i, float(i), i + 0.9, text or "x", speaker=speaker or None) for i, (speaker, text) in enumerate(pieces)]
    transcript = Transcript("slug", "en", 10.0, "e", "m", TranscribeOptions(), segments)
    assert vtt_problems(render_vtt(transcript)) == []


feed_fields = st.fixed_dictionaries({
    "title": texts, "description": texts, "author": texts, "host": texts, "episode_title": texts, "summary": texts,
    "notes": texts, "guest": texts, "guest_url": urls, "link": urls, "image": urls, "transcript": urls,
})


@SETTINGS
@given(feed_fields)
def test_the_feed_is_well_formed_and_safe_whatever_the_fields_hold(fields: dict[str, str]) -> None:
    show = Show(title=fields["title"] or "t", description=fields["description"], author=fields["author"], owner_name="o",
                owner_email="o@example.org", categories=["Technology"], base_url="https://example.org/show/",
                hosts=[fields["host"]])
    settings = FeedSettings("https://example.org/show/feeds/feed.xml", "https://example.org/show/", True, None, None, None, 3, 3)
    episode = PublishedEpisode(
        slug="e", guid="guid-1", title=fields["episode_title"], published=datetime(2026, 1, 1, tzinfo=UTC),
        link=safe_url(fields["link"]) or "https://example.org/show/e", summary=fields["summary"], notes_html=fields["notes"],
        enclosure_url="https://example.org/show/e.mp3", enclosure_length=10, enclosure_type="audio/mpeg", duration=5,
        transcripts=[TranscriptLink(safe_url(fields["transcript"]) or "https://example.org/t.vtt", "text/vtt")],
        people=[Person(plain_text(fields["guest"]) or "g", "guest", href=safe_url(fields["guest_url"]) or "")])
    document = build_feed(show, settings, "ead4c236-bf58-58c6-a2c6-a6b28d128cb6", fields["image"], [episode])
    etree.fromstring(document)  # well-formed XML whatever the text held
    assert feed_problems(document) == []
    unsafe = ("only http(s)", "holds markup", "element", "event handler", "style attribute")
    assert [f for f in validate_feed(document) if any(word in f.problem for word in unsafe)] == []
    measured("arbitrary strings through the cleaners and renderers")
