"""Reading real-world feeds (sofacast.pull.feed_xml): every fact tests/data/feeds/expected.json states,
read off each file by eye, must come out of the reader. The feeds are test fixtures of podcastparser,
feedparser and partytime, the Podcasting 2.0 spec's example, and feeds of our own (see NOTICE.md)."""

import json
from datetime import datetime
from pathlib import Path

import pytest

from sofacast.pull.feed_xml import FeedItem, read_feed
from sofacast.questions import questions_from_description

FEEDS = Path(__file__).parent.parent / "data" / "feeds"
EXPECTED = {name: facts for name, facts in json.loads((FEEDS / "expected.json").read_text()).items() if name.endswith(".xml")}
BASE = "http://127.0.0.1:8000"


def _read(name: str) -> list[FeedItem]:
    body = (FEEDS / name).read_bytes().replace(b"{base}", BASE.encode())
    return read_feed(f"{BASE}/{name}", body)


def _url(text: str | None) -> str | None:
    return text.replace("{base}", BASE) if text else text


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_stated_fact_of_a_real_feed_is_read(name: str):
    items = {item.media_url: item for item in _read(name)}
    expected = [e for e in EXPECTED[name]["items"] if e.get("enclosure")]
    # Items with media are all there, whatever their dates (expected.json lists some of a file's items).
    assert {_url(e["enclosure"]["url"]) for e in expected} <= set(items)
    if len(EXPECTED[name]["items"]) == EXPECTED[name].get("items_in_file"):  # every item listed: none without media read
        assert len(items) == len(expected)
    for entry in expected:
        facts = items[_url(entry["enclosure"]["url"])].facts
        if entry.get("title"):
            assert facts.title == entry["title"]
        if "number" in entry:
            assert facts.number == entry["number"]
        if "season" in entry:
            assert facts.season == entry["season"]
        if entry.get("episode_type"):
            assert facts.episode_type == entry["episode_type"]
        if entry.get("published"):
            assert _moment(facts.published) == _moment(entry["published"])
        if "people" in entry:
            for roles, people in ((("guest",), facts.guests), (("host", "co-host"), facts.hosts)):
                stated = [p for p in entry["people"] if p["role"].lower() in roles]
                assert [(p.name, p.url or None, p.img or None) for p in people] == [
                    (p["name"], p["href"], p["img"]) for p in stated], roles
        if "transcripts" in entry:
            assert [(t.url, t.mime) for t in facts.transcripts] == [(_url(t["url"]), t["type"]) for t in entry["transcripts"]]
        if "chapters_url" in entry:
            assert facts.chapters_url == (_url(entry["chapters_url"]) or "")
        if entry.get("psc_chapters"):
            assert [(c.start, c.title) for c in facts.chapters] == [(c["start"], c["title"]) for c in entry["psc_chapters"]]
        # Read as plain text, where a no-break space is a space.
        questions = [q.replace("\xa0", " ") for q in entry.get("questions") or [entry.get("first_question") or ""] if q]
        if questions:
            found = questions_from_description(facts.description)
            assert found[:len(questions)] == questions


def test_the_reader_is_given_something_to_check():
    # The fixtures must state facts about items with media, or the test above checks nothing.
    assert sum(1 for facts in EXPECTED.values() for e in facts["items"] if e.get("enclosure") and len(e) > 3) >= 20
