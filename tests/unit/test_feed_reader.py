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


def _stated(itunes: int | None, podcast: dict | None) -> int | None:
    """The number an item is given: its itunes tag's, else its podcast tag's when that is a whole number."""
    if itunes is not None or not podcast:
        return itunes
    return int(podcast["number"]) if float(podcast["number"]).is_integer() else None


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
        # "number" and "season" are the itunes tags; without them, podcast:episode and podcast:season number the item.
        if "number" in entry:
            assert facts.number == _stated(entry["number"], entry.get("podcast_episode"))
        if "season" in entry:
            assert facts.season == _stated(entry["season"], entry.get("podcast_season"))
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


def _numbered(tags: str) -> FeedItem:
    body = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
            'xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Show</title><item><title>One</title>'
            f'<enclosure url="{BASE}/one.mp3" length="1000" type="audio/mpeg"/>{tags}</item></channel></rss>')
    [item] = read_feed(f"{BASE}/feed.xml", body.encode())
    return item


@pytest.mark.parametrize(("tags", "number", "season"), [
    # Only the Podcasting 2.0 tags: they number the item (the season's name and the episode's display text are not kept).
    ('<podcast:season name="Green Signals">3</podcast:season><podcast:episode display="Ch. 7">7</podcast:episode>', 7, 3),
    ("<podcast:season> 2 </podcast:season><podcast:episode>12.0</podcast:episode>", 12, 2),
    # itunes wins where both are there.
    ("<itunes:season>4</itunes:season><itunes:episode>8</itunes:episode>"
     "<podcast:season>3</podcast:season><podcast:episode>7.5</podcast:episode>", 8, 4),
    ("<podcast:season>3</podcast:season><itunes:season>4</itunes:season>"
     "<podcast:episode>7</podcast:episode><itunes:episode>8</itunes:episode>", 8, 4),
    # An itunes tag that is not a number is as good as absent.
    ("<itunes:season>two</itunes:season><podcast:season>2</podcast:season>"
     "<itunes:episode>x</itunes:episode><podcast:episode>5</podcast:episode>", 5, 2),
    # A decimal episode (a mini-episode between two others) has no whole number to keep: it is numbered as unnumbered ones are.
    ("<podcast:season>1</podcast:season><podcast:episode>204.5</podcast:episode>", None, 1),
    # Hostile values are ignored, without a crash.
    ("<podcast:season>-1</podcast:season><podcast:episode>-3</podcast:episode>", None, None),
    ("<podcast:season>0</podcast:season><podcast:episode>0</podcast:episode>", None, None),
    ("<podcast:season>99999999999999999999</podcast:season><podcast:episode>1e400</podcast:episode>", None, None),
    ("<podcast:season>NaN</podcast:season><podcast:episode>inf</podcast:episode>", None, None),
    ("<podcast:season>\uff13</podcast:season><podcast:episode>1_000</podcast:episode>", None, None),
    ("<podcast:season></podcast:season><podcast:episode/>", None, None),
])
def test_podcast_season_and_episode_number_an_item_without_itunes_tags(tags: str, number: int | None, season: int | None):
    facts = _numbered(tags).facts
    assert (facts.number, facts.season) == (number, season)
