"""Our feed as podcast apps read it: parsed back by podcast-partytime (the Podcasting 2.0 parser Podverse uses,
run with node), podcastparser and feedparser, and every value checked against what the workspace says.

Also a sanity check of the real-world feed fixtures in tests/data/feeds/ (see NOTICE.md there): each is a feed
that real parsers read, is documented, and agrees with the facts expected.json states about it.
"""

from __future__ import annotations

import json
import mimetypes
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from lxml import etree

from sofacast.feed.guids import podcast_guid
from sofacast.records import Episode, Show
from sofacast.workspace import Workspace
from tests.conftest import REAL_SPEECH
from tests.feed_parsers import (
    parse_many_with_partytime,
    parse_with_feedparser,
    parse_with_partytime,
    parse_with_podcastparser,
    pristine_podcastparser,
)
from tests.test_feed import sample_show

FEEDS = Path(__file__).resolve().parent / "data" / "feeds"
FIXTURES = sorted(path.name for path in FEEDS.glob("*.xml"))
EXPECTED: dict[str, Any] = {name: facts for name, facts in json.loads((FEEDS / "expected.json").read_text()).items()
                            if not name.startswith("_")}
BASE = "http://127.0.0.1:8000"  # stands for {base}; the fixtures are only parsed here, never fetched
PODCAST_NAMESPACES = ("https://podcastindex.org/namespace/1.0",
                      "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md")
# partytime reports a transcript's type by its own name for it (phase-1 TranscriptType): SRT is "application/srt".
PARTYTIME_TRANSCRIPT_TYPES = {"application/x-subrip": "application/srt", "text/srt": "application/srt"}
# A workspace transcript file's suffix -> the type partytime reports for it.
TRANSCRIPT_TYPES = {".vtt": "text/vtt", ".srt": "application/srt", ".transcript.json": "application/json",
                    ".txt": "text/plain", ".html": "text/html"}


# -- our feed -------------------------------------------------------------------------------------------------

@pytest.fixture
def feed(tmp_path: Path, cli) -> Path:
    """The sample show's feed, linking the episodes' original media (no podcast MP3s to encode: fast)."""
    root = sample_show(tmp_path / "show", audio="original")
    result = cli("feed", "-w", root)
    assert result.exit_code == 0, result.output
    return root


def feed_url(show: Show) -> str:
    return urljoin(show.base_url.rstrip("/") + "/", "feeds/feed.xml")


def local_file(show: Show, root: Path, url: str) -> Path:
    """The workspace file a published URL names (everything is published under base_url)."""
    base = show.base_url.rstrip("/") + "/"
    assert url.startswith(base), f"{url} is not published under {base}"
    return root / url[len(base):]


def people_of(show: Show, episode: Episode) -> list[tuple[str, str, str | None, str | None]]:
    """(name, role, href, img) of the episode's people: its hosts (the show's, unless the episode names its
    own), then its guests; a web page or photo not in episode.toml may come from sofacast.toml's [people]."""
    def person(name: str, role: str, url: str = "", img: str = "") -> tuple[str, str, str | None, str | None]:
        known = show.people.get(name, {})
        return name, role, url or known.get("url") or None, img or known.get("img") or None

    hosts = [person(host.name, "host", host.url, host.img) for host in episode.hosts]
    return (hosts or [person(name, "host") for name in show.hosts]) + [
        person(guest.name, "guest", guest.url, guest.img) for guest in episode.guests]


def same_day(published: str, parsed: datetime) -> bool:
    """episode.toml's `published` (a date, or a datetime) is the moment the feed says: for a date, a moment of
    that day in some time zone (the feed may write midnight in the show's zone)."""
    if len(published) == 10:
        return any((parsed + timedelta(hours=hours)).date() == date.fromisoformat(published) for hours in range(-12, 15))
    return parsed == datetime.fromisoformat(published)


def episodes_by_guid(root: Path) -> dict[str, Episode]:
    workspace = Workspace.open(root)
    ledger = json.loads((root / "feeds" / "guids.json").read_text())["episodes"]
    return {ledger[episode.slug]: episode for episode in workspace.episodes()}


def test_partytime_reads_our_feed(feed: Path) -> None:
    workspace = Workspace.open(feed)
    show = workspace.show()
    parsed = parse_with_partytime(feed / "feeds" / "feed.xml")

    assert parsed["title"] == show.title
    assert parsed["guid"] == podcast_guid(feed_url(show))
    assert parsed["pubsub"]["self"] == feed_url(show)
    assert parsed["locked"] is True and parsed["podcastOwner"] == show.owner_email
    assert [(p["name"], p["role"].lower()) for p in parsed["podcastPeople"]] == [(host, "host") for host in show.hosts]

    by_guid = episodes_by_guid(feed)
    assert sorted(item["guid"] for item in parsed["items"]) == sorted(by_guid)
    for item in parsed["items"]:
        episode = by_guid[item["guid"]]
        slug = episode.slug
        assert item["title"] == episode.title
        assert same_day(episode.published, datetime.fromisoformat(item["pubDate"].replace("Z", "+00:00")))

        enclosure = item["enclosure"]
        media = local_file(show, feed, enclosure["url"])
        assert media.resolve() == workspace.media_path(episode).resolve()
        assert enclosure["length"] == media.stat().st_size
        assert enclosure["type"] == mimetypes.guess_type(media.name)[0]
        assert episode.duration is not None and abs(item["duration"] - episode.duration) <= 1

        assert (item["itunesEpisode"], item["itunesSeason"]) == (episode.number, episode.season)
        assert item["podcastEpisode"]["number"] == episode.number
        assert item["podcastSeason"]["number"] == episode.season
        assert item["itunesEpisodeType"] == episode.episode_type

        # Each transcript URL is a rendering the workspace has, under the type partytime knows it by.
        transcripts = item["podcastTranscripts"]
        files = {local_file(show, feed, t["url"]): t for t in transcripts}
        assert len(files) == len(transcripts) >= 3
        for path, transcript in files.items():
            assert path.is_file(), f"{transcript['url']} names no file of the workspace"
            assert path.parent == workspace.transcripts_dir and path.name.startswith(f"{slug}.")
        by_suffix = {path.name[len(slug):]: t for path, t in files.items()}
        assert {".vtt", ".srt", ".transcript.json"} <= set(by_suffix)
        for suffix, transcript in by_suffix.items():
            assert transcript["type"] == TRANSCRIPT_TYPES[suffix], suffix
        assert by_suffix[".vtt"].get("rel") == "captions"
        assert all(t.get("language") == show.language for t in transcripts)

        chapters = item["podcastChapters"]
        assert local_file(show, feed, chapters["url"]) == workspace.transcript_path(slug, ".chapters.json")
        assert chapters["type"] == "application/json+chapters"

        people = [(p["name"], p["role"].lower(), p.get("href"), p.get("img")) for p in item["podcastPeople"]]
        assert people == people_of(show, episode)


def test_podcastparser_reads_our_feed(feed: Path) -> None:
    workspace = Workspace.open(feed)
    show = workspace.show()
    parsed = parse_with_podcastparser(feed / "feeds" / "feed.xml", feed_url(show))
    assert parsed["title"] == show.title
    assert parsed["import_prohibited"] is True

    by_guid = episodes_by_guid(feed)
    assert sorted(e["guid"] for e in parsed["episodes"]) == sorted(by_guid)
    for entry in parsed["episodes"]:
        episode = by_guid[entry["guid"]]
        assert entry["title"] == episode.title
        assert same_day(episode.published, datetime.fromtimestamp(entry["published"], UTC))
        [enclosure] = entry["enclosures"]
        media = local_file(show, feed, enclosure["url"])
        assert media.resolve() == workspace.media_path(episode).resolve()
        assert enclosure["file_size"] == media.stat().st_size
        assert enclosure["mime_type"] == mimetypes.guess_type(media.name)[0]
        assert episode.duration is not None and abs(entry["total_time"] - episode.duration) <= 1
        assert (entry["number"], entry["season"], entry["type"]) == (episode.number, episode.season, episode.episode_type)
        # podcastparser keeps one transcript URL (the last tag's); it must be one of the workspace's renderings.
        transcript = local_file(show, feed, entry["transcript_url"])
        assert transcript.is_file() and transcript.name.startswith(f"{episode.slug}.")
        assert local_file(show, feed, entry["chapters_json_url"]) == workspace.transcript_path(episode.slug, ".chapters.json")
        assert [(p["name"], p["role"], p["href"], p["img"]) for p in entry["persons"]] == people_of(show, episode)


def test_feedparser_reads_our_feed(feed: Path) -> None:
    workspace = Workspace.open(feed)
    show = workspace.show()
    document = parse_with_feedparser(feed / "feeds" / "feed.xml", feed_url(show))
    assert not document.bozo, document.get("bozo_exception")
    assert document.feed.title == show.title
    assert document.feed.podcast_guid == podcast_guid(feed_url(show))

    by_guid = episodes_by_guid(feed)
    assert sorted(e.id for e in document.entries) == sorted(by_guid)
    for entry in document.entries:
        episode = by_guid[entry.id]
        assert entry.title == episode.title
        [enclosure] = entry.enclosures
        media = local_file(show, feed, enclosure.href)
        assert media.resolve() == workspace.media_path(episode).resolve()
        assert int(enclosure.length) == media.stat().st_size
        assert enclosure.type == mimetypes.guess_type(media.name)[0]
        assert (entry.itunes_episode, str(entry.itunes_season)) == (str(episode.number), str(episode.season))
        assert entry.itunes_episodetype == episode.episode_type
        notes = entry.content[0].value
        for question in episode.questions[:1]:
            assert question in notes


# -- the real-world fixtures ----------------------------------------------------------------------------------

def local_copy(name: str, folder: Path) -> Path:
    """The fixture with {base} filled in, as the feed served at {base}/<name>."""
    target = folder / name
    target.write_bytes((FEEDS / name).read_bytes().replace(b"{base}", BASE.encode()))
    return target


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("feeds")
    return {name: local_copy(name, folder) for name in FIXTURES}


@pytest.fixture(scope="module")
def partytime_reads(filled: dict[str, Path]) -> dict[str, dict[str, Any] | None]:
    """Every fixture as partytime reads it (items without a GUID kept), with one start of node."""
    parsed = parse_many_with_partytime(list(filled.values()), allow_missing_guid=True)
    return {name: parsed[path.resolve()] for name, path in filled.items()}


def fill(value: Any) -> Any:
    return value.replace("{base}", BASE) if isinstance(value, str) else value


def item_count(path: Path) -> int:
    """<item>s in the file (a liveItem is not one), read leniently: some fixtures use undeclared prefixes."""
    tree = etree.parse(str(path), etree.XMLParser(recover=True))
    return len(tree.getroot().findall(".//channel/item")) + len(tree.getroot().findall("./item"))


def test_every_fixture_is_documented() -> None:
    notice = (FEEDS / "NOTICE.md").read_text()
    assert sorted(EXPECTED) == FIXTURES
    for name in FIXTURES:
        assert f"`{name}`" in notice, f"NOTICE.md does not say where {name} comes from"
        assert item_count(FEEDS / name) == EXPECTED[name]["items_in_file"], name


def test_own_fixtures_ship_their_transcripts_and_chapters() -> None:
    """Every transcript and chapters URL of a feed we wrote ({base}/..., or relative to the feed) is a file in
    tests/data/feeds/<feed>/; its media are served by the tests from jfk.flac, whose size the enclosures state."""
    size = (REAL_SPEECH / "jfk.flac").stat().st_size
    own = [name for name in FIXTURES if b"{base}" in (FEEDS / name).read_bytes()]
    assert len(own) >= 4
    sidecars = 0
    for name in own:
        root = etree.parse(str(FEEDS / name)).getroot()
        urls = []
        for namespace in PODCAST_NAMESPACES:
            urls += root.xpath("//p:transcript/@url | //p:chapters/@url", namespaces={"p": namespace})
        for url in urls:
            relative = url.removeprefix("{base}/")
            assert not relative.startswith(("http:", "https:")), url
            assert (FEEDS / Path(name).stem / relative).is_file(), f"{name}: {url} has no file"
            sidecars += 1
        for enclosure in root.iter("enclosure"):
            url = enclosure.get("url")
            assert re.match(r"^(\{base\}/|\./)?media/", url), url
            assert int(enclosure.get("length")) == size and enclosure.get("type") == "audio/flac"
    assert sidecars >= 10


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_is_a_feed_partytime_reads(name: str, partytime_reads: dict[str, Any]) -> None:
    """Not a test of sofacast: each fixture is a real feed. partytime leaves out items without an enclosure
    (and liveItems, which are not items)."""
    parsed = partytime_reads[name]
    assert parsed is not None, f"partytime cannot parse {name}"
    assert len(parsed.get("items", [])) <= EXPECTED[name]["items_in_file"]


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_is_a_feed_podcastparser_reads(name: str, filled: dict[str, Path]) -> None:
    """Not a test of sofacast: each fixture is a real feed (podcastparser leaves out items without a title,
    enclosure or link)."""
    if name == "feedparser-euc-kr-item.xml":
        # podcastparser reads with expat, which has no multi-byte encodings other than UTF-8/16.
        with pytest.raises(ValueError, match="multi-byte encodings are not supported"):
            parse_with_podcastparser(filled[name], f"{BASE}/{name}")
        return
    episodes = parse_with_podcastparser(filled[name], f"{BASE}/{name}")["episodes"]
    assert len(episodes) <= EXPECTED[name]["items_in_file"]


@pytest.mark.parametrize("name", [name for name in FIXTURES if EXPECTED[name]["items"]])
def test_expected_facts_agree_with_partytime(name: str, partytime_reads: dict[str, Any]) -> None:
    """A cross-check of the hand-written expected.json on what partytime reads reliably. Where they differ by
    design (partytime keeps relative URLs as they are, takes the first enclosure, drops items without one),
    the manifest states what a correct reader gets."""
    items = {item.get("title"): item for item in partytime_reads[name].get("items", [])}
    feed_location = f"{BASE}/{name}"
    for facts in EXPECTED[name]["items"]:
        item = items.get(facts["title"])
        if item is None:
            assert facts.get("enclosure") is None or facts.get("title") is None, facts["title"]
            continue
        if "number" in facts:
            assert item.get("itunesEpisode") == facts["number"]
        if "season" in facts:
            assert item.get("itunesSeason") == facts["season"]
        if "episode_type" in facts:
            assert item.get("itunesEpisodeType") == facts["episode_type"]
        if "people" in facts:
            people = [(p["name"], p["role"].lower(), p.get("href"), p.get("img")) for p in item.get("podcastPeople", [])]
            assert people == [(p["name"], p["role"], p["href"], p["img"]) for p in facts["people"]]
        if "transcripts" in facts:
            transcripts = [(urljoin(feed_location, t["url"]), t["type"]) for t in item.get("podcastTranscripts", [])]
            stated = facts["transcripts"]
            assert transcripts == [(fill(t["url"]), PARTYTIME_TRANSCRIPT_TYPES.get(t["type"], t["type"])) for t in stated]
        if "chapters_url" in facts:
            chapters = item.get("podcastChapters")
            assert (urljoin(feed_location, chapters["url"]) if chapters else None) == fill(facts["chapters_url"])
        if "has_content_encoded" in facts:
            assert bool(item.get("content")) == facts["has_content_encoded"]
        if facts.get("published"):
            assert datetime.fromisoformat(item["pubDate"].replace("Z", "+00:00")) == datetime.fromisoformat(facts["published"])
        if facts.get("enclosure") and name != "podcastparser-image_and_audio.xml":  # partytime takes the image
            assert urljoin(feed_location, item["enclosure"]["url"]) == fill(facts["enclosure"]["url"])
            if facts["enclosure"]["length"] is not None:
                assert item["enclosure"]["length"] == facts["enclosure"]["length"]


def test_podcastparser_needs_the_canonical_namespace_registered(tmp_path: Path) -> None:
    """Why parse_with_podcastparser registers https://podcastindex.org/namespace/1.0: without it, podcastparser
    0.6.11 reads no Podcasting 2.0 tag of a feed that uses the canonical URI (the spec's own example feed)."""
    path = local_copy("podcastindex-example.xml", tmp_path)
    with open(path, "rb") as handle:
        bare = pristine_podcastparser(canonical_namespace=False).parse(path.as_uri(), handle)["episodes"][0]
    if bare.get("persons"):  # a podcastparser that knows the URI: the workaround can go
        pytest.skip("this podcastparser knows the canonical podcast namespace")
    assert not bare.get("transcript_url") and not bare.get("chapters_json_url")
    helped = parse_with_podcastparser(path)["episodes"][0]
    assert helped["chapters_json_url"] == "https://example.com/ep3_chapters.json"
    assert [p["name"] for p in helped["persons"]] == ["Adam Curry", "Dave Jones", "Becky Smith"]
