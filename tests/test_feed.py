"""The feed: built with feedgen, parsed back by podcastparser and feedparser, every tag checked by XPath."""

from __future__ import annotations

import json
import shutil
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import podcastparser
import pytest
from lxml import etree
from mutagen.id3 import ID3

from sofacast.feed.guids import podcast_guid
from sofacast.feed.validate import NS
from sofacast.media import ffmpeg
from sofacast.shownotes.related import TopicIndex
from sofacast.workspace import Workspace
from tests import scoring
from tests.conftest import ROOT, SAMPLE_EPISODES, copy_sample_show

SAMPLES = SAMPLE_EPISODES
BASE = "https://sofacast.example.org/diplomats-sofa/"
FEED_URL = BASE + "feeds/feed.xml"


def sample_show(root: Path, audio: str | None = None) -> Path:
    """The sample show with media and every committed transcript file; `audio` sets [feed] audio."""
    copy_sample_show(root)
    if audio:
        set_feed_option(root, "audio", f'"{audio}"')
    return root


def set_feed_option(root: Path, key: str, value: str) -> None:
    toml = root / "sofacast.toml"
    toml.write_text(toml.read_text().replace("[feed]\n", f"[feed]\n{key} = {value}\n"))


def edit_episode(root: Path, slug: str, old: str, new: str) -> None:
    path = root / "episodes" / slug / "episode.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample show's feed, with podcast-ready MP3s, built once for the read-only tests below."""
    from typer.testing import CliRunner

    from sofacast.cli import app

    root = sample_show(tmp_path_factory.mktemp("published") / "show")
    result = CliRunner().invoke(app, ["feed", "-w", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root


def xml(root: Path) -> etree._Element:
    return etree.parse(str(root / "feeds" / "feed.xml")).getroot()


def test_podcast_guid_follows_the_spec() -> None:
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("podnews.net/rss/") == podcast_guid("http://podnews.net/rss")


@pytest.mark.slow
def test_channel_tags(published: Path) -> None:
    channel = xml(published).find("channel")
    assert channel.findtext("link") == BASE  # the show page, whatever feedgen's last link was
    assert channel.xpath("atom:link[@rel='self']/@href", namespaces=NS) == [FEED_URL]
    assert channel.xpath("itunes:explicit/text()", namespaces=NS) == ["false"]
    assert channel.xpath("itunes:owner/itunes:email/text()", namespaces=NS) == ["producer@sofacast.example.org"]
    assert channel.xpath("itunes:owner/itunes:name/text()", namespaces=NS) == ["Elena Marsh"]
    assert channel.xpath("itunes:category/@text", namespaces=NS) == ["Government", "Technology"]
    assert channel.xpath("itunes:image/@href", namespaces=NS) == [BASE + "artwork.png"]
    assert channel.xpath("podcast:guid/text()", namespaces=NS) == [podcast_guid(FEED_URL)]
    assert channel.xpath("podcast:locked/text()", namespaces=NS) == ["yes"]
    assert channel.xpath("podcast:locked/@owner", namespaces=NS) == ["producer@sofacast.example.org"]
    assert channel.xpath("podcast:person[@role='host']/text()", namespaces=NS) == ["Elena Marsh"]


@pytest.mark.slow
def test_every_item_tag(published: Path) -> None:
    items = xml(published).findall("channel/item")
    assert len(items) == 3
    for item in items:
        url = item.find("enclosure").get("url")
        slug = url.split("/episodes/")[1].split("/")[0]
        local = published / "episodes" / slug / f"{slug}.podcast.mp3"
        assert url == f"{BASE}episodes/{slug}/{slug}.podcast.mp3"
        assert int(item.find("enclosure").get("length")) == local.stat().st_size
        assert item.find("enclosure").get("type") == "audio/mpeg"
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
        duration = item.findtext("itunes:duration", namespaces=NS)
        assert duration.isdigit() and abs(int(duration) - ffmpeg.probe(local).duration) <= 1
        transcripts = {t.get("type"): t for t in item.findall("podcast:transcript", NS)}
        assert set(transcripts) == {"text/vtt", "application/x-subrip", "application/json"}
        assert transcripts["text/vtt"].get("rel") == "captions"
        assert transcripts["text/vtt"].get("url") == f"{BASE}transcripts/{slug}.vtt"
        assert item.xpath("podcast:chapters/@type", namespaces=NS) == ["application/json+chapters"]
        assert item.xpath("podcast:chapters/@url", namespaces=NS) == [f"{BASE}transcripts/{slug}.chapters.json"]
        assert item.xpath("podcast:person[@role='host']/text()", namespaces=NS) == ["Elena Marsh"]
        guests = [g.name for g in Workspace.open(published).load_episode(slug).guests]
        assert item.xpath("podcast:person[@role='guest']/text()", namespaces=NS) == guests
        assert item.findtext("podcast:season", namespaces=NS) == "1"
        assert item.findtext("podcast:episode", namespaces=NS) == item.findtext("itunes:episode", namespaces=NS)
        notes = item.findtext("content:encoded", namespaces=NS)
        assert "<h3>Guests</h3>" in notes and f"{slug}.podcast.mp3#t=" in notes
    later = items[0].findtext("content:encoded", namespaces=NS)  # newest first
    # Both earlier episodes are listed as previous (previous = 3), so none is repeated as related.
    assert "<h3>Previous episodes</h3>" in later and "<h3>Related episodes</h3>" not in later


@pytest.mark.slow
def test_real_podcast_parsers_read_the_feed(published: Path) -> None:
    with open(published / "feeds" / "feed.xml", "rb") as handle:
        parsed = podcastparser.parse(FEED_URL, handle)
    assert parsed["title"] == "The Diplomat's Sofa"
    assert len(parsed["episodes"]) == 3
    for episode in parsed["episodes"]:
        enclosure = episode["enclosures"][0]
        slug = enclosure["url"].split("/episodes/")[1].split("/")[0]
        assert enclosure["file_size"] == (published / "episodes" / slug / f"{slug}.podcast.mp3").stat().st_size
        assert enclosure["mime_type"] == "audio/mpeg"
        assert episode["total_time"] > 60 and episode["guid"]
    document = feedparser.parse(str(published / "feeds" / "feed.xml"))
    assert not document.bozo
    assert document.feed.title == "The Diplomat's Sofa"
    assert [e.itunes_episode for e in document.entries] == ["3", "2", "1"]  # newest first, as apps expect
    assert all(e.enclosures[0].type == "audio/mpeg" for e in document.entries)


@pytest.mark.slow
def test_podcast_mp3_is_loudness_normalized_and_tagged(published: Path) -> None:
    slug = "capacity-building"
    path = published / "episodes" / slug / f"{slug}.podcast.mp3"
    lufs, true_peak = scoring.loudness_and_true_peak(ffmpeg.decode(path, sample_rate=44100), 44100)
    assert abs(lufs - (-16.0)) <= 1.0 and true_peak <= -1.0, (lufs, true_peak)
    tags = ID3(path)
    assert str(tags["TIT2"]) == "Capacity Building: Who Defends the Defenders?"
    assert str(tags["TALB"]) == "The Diplomat's Sofa"
    assert tags.getall("APIC")[0].mime == "image/png"
    chapters = json.loads((published / "transcripts" / f"{slug}.chapters.json").read_text())["chapters"]
    marks = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in marks] == [c["title"] for c in chapters]
    assert [c.start_time for c in marks] == [int(c["startTime"] * 1000) for c in chapters]
    assert tags.getall("CTOC")[0].child_element_ids == [c.element_id for c in marks]


@pytest.mark.slow
def test_show_notes_written_beside_the_episode(published: Path) -> None:
    notes = (published / "episodes" / "capacity-building" / "shownotes.md").read_text()
    assert notes.startswith("# Capacity Building")
    assert "## Questions" in notes and "What does cyber capacity building mean in practice?" in notes
    assert "## Previous episodes" in notes and "The Attribution Problem" in notes
    assert "Ambassador and former chair of a UN working group on ICT security." in notes


def guids(root: Path) -> tuple[str, list[str]]:
    channel = xml(root).find("channel")
    return channel.findtext("podcast:guid", namespaces=NS), [i.findtext("guid") for i in channel.findall("item")]


def test_guids_never_change(tmp_path: Path, cli) -> None:
    root = sample_show(tmp_path / "show", audio="original")
    assert cli("feed", "-w", root).exit_code == 0
    first_show, first_items = guids(root)
    # Rename a title, move the media, and move the whole show to another address.
    edit_episode(root, "norms-in-cyberspace", 'title = "Norms in Cyberspace', 'title = "Renamed: Norms in Cyberspace')
    folder = root / "episodes" / "the-attribution-problem"
    (folder / "the-attribution-problem.mp3").rename(folder / "moved.mp3")
    edit_episode(root, "the-attribution-problem", 'media = "the-attribution-problem.mp3"', 'media = "moved.mp3"')
    toml = root / "sofacast.toml"
    toml.write_text(toml.read_text().replace(BASE, "https://new-host.example.net/sofa/"))
    result = cli("feed", "-w", root)
    assert result.exit_code == 0, result.stderr
    assert guids(root) == (first_show, first_items)
    assert "Renamed: Norms" in (root / "feeds" / "feed.xml").read_text()


def test_text_is_sanitized(tmp_path: Path, cli) -> None:
    root = sample_show(tmp_path / "show", audio="original")
    edit_episode(root, "capacity-building", 'title = "Capacity Building:', 'title = "Capacity <b>Building</b>:')
    edit_episode(root, "capacity-building", "Two guests on the sofa:",
                 'Two <script>alert(1)</script><a href=\\"javascript:evil()\\" onclick=\\"evil()\\">guests</a>'
                 '\\u202e on the sofa:')
    edit_episode(root, "capacity-building", 'bio = "Ambassador', 'bio = "<img src=x onerror=alert(1)>Ambassador')
    result = cli("feed", "-w", root)
    assert result.exit_code == 0, result.stderr
    text = (root / "feeds" / "feed.xml").read_text()
    item = next(i for i in xml(root).findall("channel/item") if "capacity" in i.findtext("link"))
    assert item.findtext("title") == "Capacity Building: Who Defends the Defenders?"
    notes = item.findtext("content:encoded", namespaces=NS)
    for forbidden in ("<script", "alert(1)", "javascript:", "onclick", "onerror", "<img", "\u202e"):
        assert forbidden not in notes and forbidden not in text
    assert "guests" in notes and "Ambassador" in notes
    assert not feedparser.parse(text.encode()).bozo


@pytest.mark.parametrize(("breakage", "message"), [
    (lambda root: (root / "sofacast.toml").write_text((root / "sofacast.toml").read_text().replace(
        'categories = ["Government", "Technology"]', 'categories = ["Cooking Shows"]')),
     "channel: itunes:category: 'Cooking Shows' is not one of Apple's categories"),
    (lambda root: (root / "sofacast.toml").write_text((root / "sofacast.toml").read_text().replace(
        'email = "producer@sofacast.example.org"', 'email = "nobody"')),
     "sofacast.toml: owner.email: not an email address, got 'nobody'"),
], ids=["category", "owner-email"])
def test_a_channel_problem_never_replaces_the_published_feed(tmp_path: Path, cli, breakage, message: str) -> None:
    root = sample_show(tmp_path / "show", audio="original")
    assert cli("feed", "-w", root).exit_code == 0
    before = (root / "feeds" / "feed.xml").read_bytes()
    breakage(root)
    result = cli("feed", "-w", root)
    assert result.exit_code != 0
    assert message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert (root / "feeds" / "feed.xml").read_bytes() == before
    assert not list((root / "feeds").glob(".*.tmp"))


def items_by_guid(root: Path) -> dict[str, bytes]:
    return {item.findtext("guid"): etree.tostring(item) for item in xml(root).findall("channel/item")}


@pytest.mark.parametrize(("breakage", "message"), [
    (lambda root: edit_episode(root, "the-attribution-problem", 'published = "2026-09-21"', 'published = "last week"'),
     "episodes/the-attribution-problem/episode.toml: published: not a date, got 'last week'"),
    (lambda root: (root / "episodes" / "capacity-building" / "capacity-building.mp3").unlink(),
     "episode capacity-building: enclosure: the media file capacity-building.mp3 is missing"),
], ids=["date", "media"])
def test_an_episode_that_cannot_be_published_keeps_its_earlier_item(tmp_path: Path, cli, breakage, message: str) -> None:
    root = sample_show(tmp_path / "show", audio="original")
    assert cli("feed", "-w", root).exit_code == 0
    before = items_by_guid(root)
    breakage(root)
    edit_episode(root, "norms-in-cyberspace", 'title = "Norms in Cyberspace', 'title = "Renamed: Norms in Cyberspace')
    result = cli("feed", "-w", root)
    assert result.exit_code == 1, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    broken = message.split("/")[1] if message.startswith("episodes/") else message.split()[1].rstrip(":")
    assert f"kept as published before: {broken}" in result.stdout
    after = items_by_guid(root)
    assert set(after) == set(before)  # nobody's app loses the episode
    guid = json.loads((root / "feeds" / "guids.json").read_text())["episodes"][broken]
    assert after[guid] == before[guid]  # exactly as listeners have it
    assert "Renamed: Norms" in (root / "feeds" / "feed.xml").read_text()  # the others are up to date
    assert cli("validate", "-w", root).exit_code == 1  # the workspace problem is still reported


def test_an_episode_never_published_that_fails_is_left_out_and_named(tmp_path: Path, cli) -> None:
    root = sample_show(tmp_path / "show", audio="original")
    (root / "episodes" / "capacity-building" / "capacity-building.mp3").unlink()
    result = cli("feed", "-w", root)
    assert result.exit_code == 1
    assert "episode capacity-building: enclosure: the media file capacity-building.mp3 is missing" in result.stderr
    assert "feeds/feed.xml: 2 episodes, written" in result.stdout
    assert len(xml(root).findall("channel/item")) == 2


def test_validate_lists_every_finding(tmp_path: Path, cli) -> None:
    root = sample_show(tmp_path / "show", audio="original")
    assert cli("feed", "-w", root).exit_code == 0
    good = cli("validate", "-w", root)
    assert good.exit_code == 0 and "valid (3 episodes)" in good.stdout
    path = root / "feeds" / "feed.xml"
    text = path.read_text()
    text = text.replace("<itunes:explicit>false</itunes:explicit>", "<itunes:explicit>no</itunes:explicit>")
    text = text.replace("<itunes:duration>83</itunes:duration>", "<itunes:duration>1:23</itunes:duration>")
    path.write_text(text)
    bad = cli("validate", "-w", root)
    assert bad.exit_code == 1
    assert "channel: itunes:explicit: is 'no'; Apple wants true or false" in bad.stdout
    assert "episode norms-in-cyberspace: itunes:duration: must be whole seconds, got '1:23'" in bad.stdout
    path.write_text("<rss><channel><title>broken")
    assert "not well-formed" in cli("validate", "-w", root).stdout


@pytest.mark.slow
def test_an_intro_clip_shifts_chapters_and_transcripts(tmp_path: Path, cli) -> None:
    import numpy as np

    root = sample_show(tmp_path / "show")
    tone = 0.2 * np.sin(2 * np.pi * 440 * np.arange(2 * 16000) / 16000).astype(np.float32)
    ffmpeg.encode(tone, root / "intro.mp3")
    set_feed_option(root, "intro", '"intro.mp3"')
    for slug in SAMPLES[1:]:
        edit_episode(root, slug, "season = 1", "season = 1\ndraft = true")  # one episode is enough here
    result = cli("feed", "-w", root)
    assert result.exit_code == 0, result.stderr
    item = xml(root).find("channel/item")
    chapters_url = item.xpath("podcast:chapters/@url", namespaces=NS)[0]
    assert chapters_url == f"{BASE}feeds/episodes/norms-in-cyberspace.chapters.json"
    shifted = json.loads((root / "feeds/episodes/norms-in-cyberspace.chapters.json").read_text())["chapters"]
    original = json.loads((root / "transcripts/norms-in-cyberspace.chapters.json").read_text())["chapters"]
    offset = ffmpeg.probe(root / "intro.mp3").duration
    assert shifted[0]["startTime"] == 0.0
    assert all(abs(s["startTime"] - o["startTime"] - offset) < 0.05 for s, o in zip(shifted[1:], original[1:], strict=True))
    vtt = item.xpath("podcast:transcript[@type='text/vtt']/@url", namespaces=NS)[0]
    assert vtt == f"{BASE}feeds/episodes/norms-in-cyberspace.vtt"
    assert "00:00:00.000 -->" not in (root / "feeds/episodes/norms-in-cyberspace.vtt").read_text()
    audio = ffmpeg.probe(root / "episodes/norms-in-cyberspace/norms-in-cyberspace.podcast.mp3").duration
    assert abs(audio - offset - ffmpeg.probe(root / "episodes/norms-in-cyberspace/norms-in-cyberspace.mp3").duration) < 0.2
    # Found when tried: search's deep links ignored the intro and landed `offset` seconds early.
    hits = json.loads(cli("search", "norms", "--episode", "norms-in-cyberspace", "--json", "-w", root).stdout)
    assert hits and all(hit["link"] == f"{BASE}episodes/norms-in-cyberspace/norms-in-cyberspace.podcast.mp3"
                                       f"#t={int(offset + hit['start'])}" for hit in hits)


def test_related_episodes_by_topic_with_the_shared_terms() -> None:
    index = TopicIndex({
        "cables": "Undersea cables carry the internet. Cable repair ships fix cut cables near the coast.",
        "elections": "Elections face disinformation. Voters and election officials fight fake stories.",
        "repairs": "Who pays for cable repair when undersea cables are cut by anchors? Repair ships are few.",
        "misc": "We talk about the weather and music today.",
    })
    related = index.related("repairs", ["cables", "elections", "misc"])
    assert related[0].slug == "cables"
    assert {"repair", "cables", "ships"} & set(related[0].shared_terms)
    assert all(r.slug != "misc" for r in related)


@pytest.mark.slow
def test_publish_twice_changes_nothing(tmp_path: Path, workspace: Path, cli) -> None:
    source = tmp_path / "capacity-building.mp3"
    shutil.copy(ROOT / "samples/recordings/capacity-building.mp3", source)  # init made artwork.png: the feed is valid
    args = ["publish", source, "--slug", "capacity-building", "--guest", "Tomas Okafor", "--guest", "Henrik Sato",
            "--question", "What does cyber capacity building mean in practice?", "-w", workspace]
    (workspace / "sofacast.toml").write_text((workspace / "sofacast.toml").read_text() + "\n[site]\nenabled = true\n")
    first = cli(*args)
    assert first.exit_code == 0, first.stderr
    assert "feed: 1 episode, written" in first.stdout
    assert "site: site/: 7 pages, " in first.stdout and (workspace / "site" / "episodes" / "capacity-building").is_dir()
    mtimes = {p: p.stat().st_mtime_ns for p in workspace.rglob("*") if p.is_file()}
    second = cli(*args)
    assert second.exit_code == 0
    assert "pulled: nothing new" in second.stdout and "feed: 1 episode, unchanged" in second.stdout
    assert "site: site/: 7 pages, unchanged" in second.stdout
    assert {p: p.stat().st_mtime_ns for p in workspace.rglob("*") if p.is_file()} == mtimes
    rebuilt = cli("feed", "-w", workspace)  # the feed alone, rebuilt with nothing changed, touches nothing either
    assert rebuilt.exit_code == 0 and "unchanged" in rebuilt.stdout
    assert {p: p.stat().st_mtime_ns for p in workspace.rglob("*") if p.is_file()} == mtimes
    with open(workspace / "feeds/feed.xml", "rb") as stream:
        parsed = podcastparser.parse("https://example.org/show/feeds/feed.xml", stream)
    assert parsed["episodes"][0]["title"]
