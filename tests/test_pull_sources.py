"""What real sources say, kept on the way in: feed items (itunes:*, podcast:person, transcripts, chapters,
content:encoded), episode pages (OpenGraph, JSON-LD, <time>, bullet lists, iframe players) and local files'
own date tags. Every source is served from 127.0.0.1; the media is real speech (jfk.flac)."""

import json
import os
import shutil
import tomllib
from pathlib import Path

import pytest

from sofacast.media import ffmpeg

FEED_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
             'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0" '
             'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
             'xmlns:psc="http://podlove.org/simple-chapters"><channel><title>Garden Talk</title><link>{base}</link>'
             '<description>Gardens.</description>')

VTT = """WEBVTT

00:00:00.000 --> 00:00:04.000
<v Ben Stone>And so, my fellow Americans, ask not

00:00:04.000 --> 00:00:07.500
<v Ben Stone>what your country can do for you &amp; yours.

00:00:07.500 --> 00:00:11.000
<v Ada Host>Ask what you can do for your country.
"""


def _episode(workspace: Path, slug: str) -> dict:
    return tomllib.loads((workspace / "episodes" / slug / "episode.toml").read_text())


def _mp3(jfk: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg.encode(ffmpeg.decode(jfk), target)


def _item(base: str, name: str, extra: str, date: str = "Mon, 05 Oct 2026 10:00:00 GMT") -> str:
    return (f"<item><title>{name.title()}</title><guid isPermaLink=\"false\">guid-{name}</guid><pubDate>{date}</pubDate>"
            f'<enclosure url="{base}/media/{name}.mp3" length="1000" type="audio/mpeg"/>{extra}</item>')


@pytest.fixture
def interview_feed(http_root, jfk: Path) -> str:
    """An interview show's feed, newest first as feeds are, with everything an item can say."""
    folder, base = http_root
    for name in ("tomatoes", "compost", "bonus"):
        _mp3(jfk, folder / "media" / f"{name}.mp3")
    (folder / "media" / "tomatoes.vtt").write_text(VTT)
    (folder / "media" / "tomatoes.srt").write_text("1\n00:00:00,000 --> 00:00:11,000\nAsk not.\n")
    (folder / "media" / "tomatoes.chapters.json").write_text(json.dumps(
        {"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Hello"}, {"startTime": 4.5, "title": "Roofs & pots"}]}))
    tomatoes = _item(base, "tomatoes", f"""
        <itunes:episode>12</itunes:episode><itunes:season>3</itunes:season><itunes:episodeType>full</itunes:episodeType>
        <podcast:person role="host" href="https://example.org/ada">Ada Host</podcast:person>
        <podcast:person role="guest" href="https://example.org/ben" img="https://example.org/ben.jpg">Ben Stone</podcast:person>
        <podcast:person role="guest" img="javascript:alert(1)">Cleo Park</podcast:person>
        <podcast:transcript url="{base}/media/tomatoes.srt" type="application/x-subrip"/>
        <podcast:transcript url="{base}/media/tomatoes.vtt" type="text/vtt" language="en"/>
        <podcast:chapters url="{base}/media/tomatoes.chapters.json" type="application/json+chapters"/>
        <description>Short teaser.</description>
        <content:encoded><![CDATA[<p>Ben Stone grows <b>tomatoes</b> on a roof.</p>
          <ul><li>How did the rooftop garden start?</li><li>What grows best in pots?</li><li>Seeds</li></ul>]]></content:encoded>
        """, "Mon, 05 Oct 2026 10:00:00 GMT")
    compost = _item(base, "compost", """
        <itunes:season>3</itunes:season>
        <psc:chapters version="1.2"><psc:chapter start="00:00:00" title="Start"/>
          <psc:chapter start="00:00:06" title="Worms?"/></psc:chapters>
        <description>Compost, explained.</description>""", "Someday in 2026")
    bonus = _item(base, "bonus", "<itunes:episodeType>bonus</itunes:episodeType><itunes:season>2</itunes:season>",
                  "Tue, 01 Sep 2026 08:00:00 GMT")
    (folder / "feed.xml").write_text(FEED_HEAD.format(base=base) + tomatoes + compost + bonus + "</channel></rss>")
    return f"{base}/feed.xml"


@pytest.mark.slow
def test_feed_items_keep_numbers_seasons_types_people_notes_and_the_publishers_files(workspace: Path, cli, interview_feed):
    result = cli("pull", interview_feed, "-w", workspace)
    assert result.exit_code == 0, result.output
    slugs = {path.name for path in (workspace / "episodes").iterdir() if path.is_dir()}
    assert slugs == {"tomatoes", "compost", "bonus"}

    tomatoes = _episode(workspace, "tomatoes")
    assert (tomatoes["number"], tomatoes["season"]) == (12, 3)
    assert "episode_type" not in tomatoes  # "full" is the default and is not written
    assert tomatoes["guests"] == [{"name": "Ben Stone", "url": "https://example.org/ben", "img": "https://example.org/ben.jpg"},
                                  {"name": "Cleo Park"}]  # a javascript: photo is not a photo
    # Ada is not the workspace's host (Elena Marsh is), so this episode records its own host.
    assert tomatoes["hosts"] == [{"name": "Ada Host", "url": "https://example.org/ada"}]
    assert tomatoes["questions"] == ["How did the rooftop garden start?", "What grows best in pots?"]
    assert tomatoes["description"].startswith("Ben Stone grows tomatoes on a roof.")  # content:encoded, not the teaser
    assert tomatoes["published"] == "2026-10-05T10:00:00+00:00"
    folder = workspace / "episodes" / "tomatoes"
    assert (folder / "publisher-transcript.vtt").read_text() == VTT  # VTT preferred to SRT: it names the voices
    assert not (folder / "publisher-transcript.srt").exists()
    assert json.loads((folder / "publisher-chapters.json").read_text())["chapters"][1]["title"] == "Roofs & pots"
    assert "imported the publisher's transcript (VTT) and chapters" in result.output

    bonus = _episode(workspace, "bonus")
    assert (bonus["episode_type"], bonus["season"]) == ("bonus", 2)
    compost = _episode(workspace, "compost")
    assert compost["season"] == 3
    # psc:chapters inline in the feed are kept in the JSON chapters form.
    inline = json.loads((workspace / "episodes" / "compost" / "publisher-chapters.json").read_text())
    assert inline["chapters"] == [{"startTime": 0.0, "title": "Start"}, {"startTime": 6.0, "title": "Worms?"}]
    # The item with an unparseable date is pulled all the same (yt-dlp refused the whole feed), and said to be undated.
    assert "the source gives no date" in result.output
    # Numbers: the numbered item keeps its own; the others follow publication order (the bonus is oldest).
    assert bonus["number"] == 1


@pytest.mark.slow
def test_the_publishers_transcript_and_chapters_are_used_until_forced(workspace: Path, cli, interview_feed):
    assert cli("pull", interview_feed, "-w", workspace).exit_code == 0
    first = cli("transcribe", "tomatoes", "-w", workspace)
    assert first.exit_code == 0, first.output
    assert "the publisher's transcript" in first.output
    transcript = json.loads((workspace / "transcripts" / "tomatoes.json").read_text())
    assert transcript["engine"] == "publisher"
    assert [s["speaker"] for s in transcript["segments"]] == ["Ben Stone", "Ada Host"]
    assert transcript["segments"][0]["text"] == ("And so, my fellow Americans, ask not what your country can do for you & yours.")
    vtt = (workspace / "transcripts" / "tomatoes.vtt").read_text()
    assert "<v Ben Stone>" in vtt and "&amp;" in vtt  # written back out escaped, as VTT wants

    again = cli("transcribe", "tomatoes", "-w", workspace)
    assert "up to date" in again.output and "--force" in again.output

    assert cli("chunk", "tomatoes", "-w", workspace).exit_code == 0
    chapters = json.loads((workspace / "transcripts" / "tomatoes.chapters.json").read_text())
    assert chapters["chapters"] == [{"startTime": 0.0, "title": "Hello"}, {"startTime": 4.5, "title": "Roofs & pots"}]

    forced = cli("transcribe", "tomatoes", "--force", "-w", workspace)
    assert forced.exit_code == 0, forced.output
    whisper = json.loads((workspace / "transcripts" / "tomatoes.json").read_text())
    assert whisper["engine"] == "faster-whisper"
    assert "ask not what your country" in " ".join(s["text"] for s in whisper["segments"]).lower()
    # Whisper's transcript stays: a plain run does not go back to the publisher's.
    assert "up to date" in cli("transcribe", "tomatoes", "-w", workspace).output
    assert json.loads((workspace / "transcripts" / "tomatoes.json").read_text())["engine"] == "faster-whisper"


def _page(base: str, head: str, body: str) -> str:
    return f"<!doctype html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


AUDIO = '<audio controls src="/media/ep.mp3"></audio>'


@pytest.mark.slow
@pytest.mark.parametrize(("head", "body", "title", "published"), [
    ('<title>Roof Gardens | Garden Talk</title><meta property="og:title" content="Roof Gardens">'
     '<meta property="article:published_time" content="2026-03-04T09:30:00Z">', AUDIO,
     "Roof Gardens", "2026-03-04T09:30:00+00:00"),
    ('<title>Site</title><script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", '
     '"name": "Garden Talk"}, {"@type": "PodcastEpisode", "name": "Seeds of Change", "datePublished": "2026-02-01"}]}</script>',
     AUDIO, "Seeds of Change", "2026-02-01"),
    ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Worms at Work"}</script><title>x</title>',
     f'<article><time datetime="2025-12-24T18:00:00+01:00">Christmas Eve</time>{AUDIO}</article>',
     "Worms at Work", "2025-12-24T18:00:00+01:00"),
    ("<title>Just a Title</title>", AUDIO, "Just a Title", None),
])
def test_episode_pages_give_their_title_and_date(workspace: Path, cli, jfk: Path, http_root, head, body, title, published):
    folder, base = http_root
    _mp3(jfk, folder / "media" / "ep.mp3")
    (folder / "ep.html").write_text(_page(base, head, body))
    result = cli("pull", f"{base}/ep.html", "-w", workspace)
    assert result.exit_code == 0, result.output
    slug = result.stdout.split()[1].rstrip(":")
    data = _episode(workspace, slug)
    assert data["title"] == title  # never yt-dlp's "<title> (1)"
    assert data["source_url"] == f"{base}/ep.html"
    if published:
        assert data["published"] == published
        assert "from the page's" in result.output
    else:  # the page says nothing: yt-dlp's date is the server's Last-Modified header, and the output says so
        assert "from the server's Last-Modified date" in result.output


@pytest.mark.slow
def test_a_page_gives_its_questions_and_description_and_its_iframe_player_is_followed(workspace: Path, cli, jfk, http_root):
    folder, base = http_root
    _mp3(jfk, folder / "media" / "ep.mp3")
    (folder / "player.html").write_text(_page(base, "<title>Player</title>", AUDIO))
    head = ('<meta property="og:title" content="Tomatoes on the Roof">'
            '<meta property="og:description" content="Ben Stone on city gardens &amp; rooftops.">')
    body = ('<nav><ul><li>Why subscribe?</li></ul></nav><h1>Tomatoes</h1><iframe src="/player.html"></iframe>'
            "<h2>We ask</h2><ul><li>How did it start?</li><li>What grows <em>best</em> in pots?</li><li>Links</li></ul>")
    (folder / "ep.html").write_text(_page(base, head, body))
    result = cli("pull", f"{base}/ep.html", "-w", workspace)
    assert result.exit_code == 0, result.output
    data = _episode(workspace, "tomatoes-on-the-roof")
    assert data["questions"] == ["How did it start?", "What grows best in pots?"]  # not the navigation's
    assert data["description"] == "Ben Stone on city gardens & rooftops."
    assert data["source_url"] == f"{base}/ep.html"
    assert (workspace / "episodes" / "tomatoes-on-the-roof" / data["media"]).is_file()


def test_a_page_without_media_or_player_is_one_line(workspace: Path, cli, http_root):
    folder, base = http_root
    (folder / "empty.html").write_text(_page(base, "<title>Nothing</title>", '<iframe src="/missing.html"></iframe>'))
    result = cli("pull", f"{base}/empty.html", "-w", workspace)
    assert result.exit_code == 1
    assert "no media found" in result.output and "Traceback" not in result.output


def _tagged(jfk: Path, target: Path, **tags: str) -> Path:
    args = [a for key, value in tags.items() for a in ("-metadata", f"{key}={value}")]
    ffmpeg._run(["-y", "-i", str(jfk), *args, str(target)])
    return target


@pytest.mark.parametrize(("name", "tags", "published", "said"), [
    ("tagged.mp3", {"date": "2024-05-01"}, "2024-05-01", "the file's date tag"),
    ("recorded.m4a", {"creation_time": "2023-02-03T10:00:00Z"}, "2023-02-03T10:00:00+00:00", "the file's creation_time"),
])
def test_local_files_are_dated_by_their_own_tags(workspace: Path, cli, jfk: Path, tmp_path: Path, name, tags, published, said):
    path = _tagged(jfk, tmp_path / name, **tags)
    os.utime(path, (1_700_000_000, 1_700_000_000))  # an mtime that would say 2023-11-14
    result = cli("pull", path, "-w", workspace)
    assert result.exit_code == 0, result.output
    slug = result.stdout.split()[1].rstrip(":")
    assert _episode(workspace, slug)["published"] == published
    assert said in result.output


def test_a_local_file_without_tags_is_dated_by_its_mtime_and_says_so(workspace: Path, cli, jfk: Path):
    os.utime(jfk, (1_700_000_000, 1_700_000_000))
    result = cli("pull", jfk, "-w", workspace)
    assert _episode(workspace, "jfk")["published"] == "2023-11-14T22:13:20+00:00"
    assert "modification time" in result.output


def test_published_description_and_season_options(workspace: Path, cli, jfk: Path):
    result = cli("pull", jfk, "--published", "2026-09-07", "--description", "Kennedy, 1961.\n\n• Why serve?",
                 "--season", "2", "-w", workspace)
    assert result.exit_code == 0, result.output
    data = _episode(workspace, "jfk")
    assert (data["published"], data["season"]) == ("2026-09-07", 2)
    assert data["description"] == "Kennedy, 1961.\n\n• Why serve?"
    assert data["questions"] == ["Why serve?"]
    assert "dated" not in result.output  # the producer gave the date: nothing to explain


def test_a_published_date_that_is_not_a_date_is_one_line(workspace: Path, cli, jfk: Path):
    result = cli("pull", jfk, "--published", "last tuesday", "-w", workspace)
    assert result.exit_code == 1
    assert "is not a date" in result.output and "2026-09-07" in result.output
    assert not any((workspace / "episodes").iterdir())


def test_episodes_without_a_number_are_numbered_by_publication_date(workspace: Path, cli, jfk: Path, tmp_path: Path):
    pulls = (("winter", "2026-01-10", "1"), ("summer", "2026-07-01", "5"), ("spring", "2026-04-01", None),
             ("autumn", "2026-10-01", None), ("late-spring", "2026-05-01", None))
    for name, day, number in pulls:
        copy = tmp_path / f"{name}.flac"
        copy.write_bytes(jfk.read_bytes())
        assert cli("pull", copy, "--published", day, *(["--number", number] if number else []), "-w", workspace).exit_code == 0
    numbers = {name: _episode(workspace, name)["number"] for name, _, _ in pulls}
    # spring follows winter (1) by date; autumn follows summer (5); late spring would be 3, after spring (2), and is.
    assert numbers == {"winter": 1, "summer": 5, "spring": 2, "autumn": 6, "late-spring": 3}


@pytest.mark.slow
def test_unnumbered_feed_items_are_numbered_in_date_order_whatever_the_feed_order(workspace: Path, cli, jfk, http_root):
    folder, base = http_root
    days = {"b": "Wed, 02 Sep 2026 10:00:00 GMT", "c": "Thu, 03 Sep 2026 10:00:00 GMT", "a": "Tue, 01 Sep 2026 10:00:00 GMT"}
    items = ""
    for name, day in days.items():  # neither newest nor oldest first
        _mp3(jfk, folder / "media" / f"{name}.mp3")
        items += _item(base, name, "", day)
    (folder / "feed.xml").write_text(FEED_HEAD.format(base=base) + items + "</channel></rss>")
    assert cli("pull", f"{base}/feed.xml", "-w", workspace).exit_code == 0
    assert [_episode(workspace, name)["number"] for name in "abc"] == [1, 2, 3]


# --- real-world feeds of tests/data/feeds, served from 127.0.0.1 and pulled whole -------------------------

FEEDS = Path(__file__).parent / "data" / "feeds"
EXPECTED = json.loads((FEEDS / "expected.json").read_text())
TRANSCRIPT_ORDER = {"application/json": ".json", "text/vtt": ".vtt", "application/x-subrip": ".srt", "application/srt": ".srt"}


def _moment(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["harbour-lights", "open-lab"])
def test_a_real_world_feed_is_pulled_with_every_stated_fact(workspace: Path, cli, jfk: Path, http_root, name: str):
    folder, base = http_root
    shutil.copytree(FEEDS / name, folder, dirs_exist_ok=True)  # its transcripts and chapters, at {base}/...
    (folder / "feed.xml").write_bytes((FEEDS / f"{name}.xml").read_bytes().replace(b"{base}", base.encode()))
    expected = [item for item in EXPECTED[f"{name}.xml"]["items"] if item.get("enclosure")]
    for item in expected:
        target = folder / item["enclosure"]["url"].replace("{base}/", "")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(jfk, target)
    result = cli("pull", f"{base}/feed.xml", "-w", workspace)
    assert result.exit_code == 0, result.output
    episodes = {data["source_url"]: (path.parent, data) for path in (workspace / "episodes").glob("*/episode.toml")
                if (data := tomllib.loads(path.read_text()))}
    assert len(episodes) == len(expected)
    for item in expected:
        folder_of, data = episodes[item["enclosure"]["url"].replace("{base}", base)]
        assert data["title"] == item["title"]
        if item.get("number"):
            assert data["number"] == item["number"]
        if item.get("season"):
            assert data["season"] == item["season"]
        assert data.get("episode_type", "full") == (item.get("episode_type") or "full").lower()
        if item.get("published"):
            assert _moment(data["published"]) == _moment(item["published"])
        guests = [p for p in item.get("people", []) if p["role"].lower() == "guest"]
        assert [(g["name"], g.get("url"), g.get("img")) for g in data.get("guests", [])] == [
            (p["name"], p["href"], p["img"]) for p in guests]
        if item.get("questions"):
            assert data["questions"] == [q.replace("\xa0", " ") for q in item["questions"]]
        readable = [t for t in item.get("transcripts", []) if t["type"] in TRANSCRIPT_ORDER]
        if readable:
            best = min(readable, key=lambda t: list(TRANSCRIPT_ORDER).index(t["type"]))
            kept = folder_of / f"publisher-transcript{TRANSCRIPT_ORDER[best['type']]}"
            assert kept.read_bytes() == (folder / best["url"].replace("{base}/", "")).read_bytes()
        else:
            assert not list(folder_of.glob("publisher-transcript.*"))
        assert (folder_of / "publisher-chapters.json").is_file() == bool(item.get("chapters_url") or item.get("psc_chapters"))


@pytest.mark.slow
def test_a_feed_numbered_only_by_podcast_season_and_episode_is_pulled_right(workspace: Path, cli, jfk: Path, http_root):
    """The Podcasting 2.0 namespace's own example feed numbers its items with podcast:season and podcast:episode
    alone (no itunes:season or itunes:episode): each item keeps its season and number."""
    folder, base = http_root
    body = (FEEDS / "podcastindex-example.xml").read_bytes()
    for host in (b"https://example.com", b"http://example.com"):  # every link it has that would be fetched, served here
        body = body.replace(host, base.encode())
    (folder / "feed.xml").write_bytes(body)
    for number in (1, 2, 3):
        shutil.copy(jfk, folder / f"file-0{number}.mp3")
    result = cli("pull", f"{base}/feed.xml", "-w", workspace)
    assert result.exit_code == 0, result.output
    pulled = {data["source_url"]: data for path in (workspace / "episodes").glob("*/episode.toml")
              if (data := tomllib.loads(path.read_text()))}
    assert {url.replace(base, ""): (data["number"], data.get("season"), data["title"]) for url, data in pulled.items()} == {
        "/file-01.mp3": (1, 1, "Episode 1 - The Past"),
        "/file-02.mp3": (2, 1, "Episode 2 - The Present"),
        "/file-03.mp3": (3, 1, "Episode 3 - The Future"),
    }
