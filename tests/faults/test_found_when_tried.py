"""Each thing issue 9 found when sofacast was tried as a hostile feed and a careless producer would, reproduced.

(The broader suites beside this one cover the same ground many times over; these name the cases.)"""

from __future__ import annotations

import shutil
import tomllib
import wave
from pathlib import Path

import pytest
from lxml import etree
from mutagen.id3 import ID3

from sofacast.feed.validate import NS
from sofacast.media import ffmpeg
from tests.conftest import RECORDINGS, ROOT
from tests.faults.conftest import assert_clean, leftovers, measured, sofacast
from tests.faults.corpus import HostileServer
from tests.faults.markup import feed_problems, html_problems, markdown_problems

SLUG = "norms-in-cyberspace"


@pytest.fixture
def site(tmp_path: Path):
    folder = tmp_path / "site"
    (folder / "media").mkdir(parents=True)
    ffmpeg.encode(ffmpeg.decode(RECORDINGS / "capacity-building.mp3")[: 16000 * 4], folder / "media" / "clip.mp3")
    with HostileServer(folder, hang_seconds=10) as server:
        yield folder, server.base


def rss(items: str) -> str:
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>S</title><link>http://x/</link><description>d</description>{items}</channel></rss>'


def item(base: str, title: str, description: str = "d", enclosure: str = "", guid: str = "g1") -> str:
    return (f"<item><title>{title}</title><description>{description}</description><guid>{guid}</guid>"
            "<pubDate>Mon, 02 Feb 2026 10:00:00 GMT"
            f'</pubDate><enclosure url="{enclosure or base + "/media/clip.mp3"}" type="audio/mpeg" length="1"/></item>')


def publish_untranscribed(show: Path) -> None:
    """Pulled episodes have no transcript yet, so `feed` would hold them back: publish them as they are."""
    for toml in (show / "episodes").glob("*/episode.toml"):
        if not (show / "transcripts" / f"{toml.parent.name}.json").is_file():
            toml.write_text("draft = false\n" + toml.read_text())


def test_a_double_escaped_or_cdata_title_stays_text_in_the_show_notes_page(show: Path, site, cli) -> None:
    folder, base = site
    (folder / "feed.xml").write_text(rss(
        item(base, "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; Double") +
        item(base, "<![CDATA[<script>alert(2)</script>Cdata]]>",
             "<![CDATA[<img src=x onerror=alert(3)><a href='javascript:alert(4)'>x</a>]]>", guid="g2")))
    assert cli("pull", f"{base}/feed.xml", "-w", show).exit_code == 0
    publish_untranscribed(show)
    assert_clean(cli("feed", "-w", show), failed=False)
    pages = {p.parent.name: p.read_text() for p in (show / "episodes").glob("*/shownotes.html")}
    double = next(text for slug, text in pages.items() if slug.endswith("double"))
    assert "<title>&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; Double</title>" in double
    assert "<h1>&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; Double</h1>" in double
    assert all(html_problems(text, page=True) == [] for text in pages.values())
    assert all(markdown_problems(p.read_text()) == [] for p in (show / "episodes").glob("*/shownotes.md"))
    assert feed_problems((show / "feeds" / "feed.xml").read_bytes()) == []
    measured("found-when-tried cases reproduced")


def test_triple_escaped_markup_is_never_markup_in_the_feed(show: Path, site, cli) -> None:
    folder, base = site
    triple = "&amp;amp;lt;b onmouseover=alert(1)&amp;amp;gt;Triple&amp;amp;lt;/b&amp;amp;gt;"
    (folder / "feed.xml").write_text(rss(item(base, triple, triple)))
    assert cli("pull", f"{base}/feed.xml", "-w", show).exit_code == 0
    publish_untranscribed(show)
    assert cli("feed", "-w", show).exit_code == 0
    document = (show / "feeds" / "feed.xml").read_bytes()
    assert feed_problems(document) == []
    titles = [t.text for t in etree.fromstring(document).iter("title")]
    assert "&amp;lt;b onmouseover=alert(1)&amp;gt;Triple&amp;lt;/b&amp;gt;" in titles  # the source's text, shown as text
    measured("found-when-tried cases reproduced")


def test_a_javascript_guest_link_is_dropped_everywhere_and_reported_by_validate(show: Path, cli) -> None:
    toml = show / "episodes" / SLUG / "episode.toml"
    toml.write_text(toml.read_text().replace('url = "https://sofacast.example.org/people/tomas-okafor"',
                                             'url = "javascript:alert(1)"'))
    assert cli("feed", "-w", show).exit_code == 0
    feed = (show / "feeds" / "feed.xml").read_text()
    assert "javascript:" not in feed and "javascript:" not in (show / "episodes" / SLUG / "shownotes.md").read_text()
    assert "javascript:" not in (show / "episodes" / SLUG / "shownotes.html").read_text()
    item_of_it = next(i for i in etree.fromstring(feed.encode()).iter("item") if SLUG in i.find("enclosure").get("url"))
    person = item_of_it.xpath("podcast:person[text()='Tomas Okafor']", namespaces=NS)
    assert person and "href" not in person[0].attrib
    report = cli("validate", "-w", show)
    assert report.exit_code == 1
    assert f"episode {SLUG}: guests[0].url: 'javascript:alert(1)' is not an http(s) link" in report.stdout
    measured("found-when-tried cases reproduced")


def test_validate_reports_what_an_unsafe_feed_carries(tmp_path: Path, show: Path, cli) -> None:
    foreign = tmp_path / "foreign.xml"
    foreign.write_text(rss(
        "<item><title>&lt;script&gt;alert(1)&lt;/script&gt;</title><link>javascript:alert(2)</link><guid>x</guid>"
        "<description>&lt;img src=x onerror=alert(3)&gt;</description>"
        '<enclosure url="file:///etc/passwd" type="audio/mpeg" length="1"/></item>'))
    report = cli("validate", foreign, "-w", show)
    assert report.exit_code == 1
    for expected in ("title: holds markup", "link: links to 'javascript:alert(2)'", "description: has an event handler (onerror)",
                     "enclosure@url: links to 'file:///etc/passwd'"):
        assert expected in report.stdout, report.stdout
    measured("found-when-tried cases reproduced")


def test_media_outside_the_episode_folder_is_never_read_or_written(show: Path, cli) -> None:
    toml = show / "sofacast.toml"
    toml.write_text(toml.read_text().replace('audio = "original"\n', ""))
    episode = show / "episodes" / SLUG / "episode.toml"
    episode.write_text(episode.read_text().replace(f'media = "{SLUG}.mp3"', 'media = "../../../outside/x.mp3"'))
    shutil.copy(show / "episodes" / SLUG / f"{SLUG}.mp3", show.parent / "outside" / "x.mp3")
    result = cli("feed", "-w", show)
    assert_clean(result, failed=True)
    assert "episodes/norms-in-cyberspace/episode.toml: media: not a file name in the episode's folder" in result.stderr
    assert sorted(p.name for p in (show.parent / "outside").iterdir()) == ["keep.txt", "x.mp3"]
    measured("found-when-tried cases reproduced")


def test_pull_force_keeps_every_field_the_producer_set_and_regenerates_outputs(workspace: Path, cli, tmp_path: Path) -> None:
    source = tmp_path / "interview.mp3"
    ffmpeg.encode(ffmpeg.decode(RECORDINGS / "undersea-cables.mp3")[: 16000 * 6], source)
    shutil.copy(ROOT / "artwork.png", workspace)  # over the one init made, which [feed] artwork names
    assert cli("pull", source, "--slug", "cables", "--title", "Cables", "-w", workspace).exit_code == 0
    toml = workspace / "episodes" / "cables" / "episode.toml"
    edited = tomllib.loads(toml.read_text())
    edited.update(title="Undersea Cables, edited", description="The producer's own description.", published="2026-05-01",
                  questions=["Who repairs a cut cable?"], season=2, draft=False)  # published without a transcript
    import tomli_w
    toml.write_text(tomli_w.dumps(edited))
    assert cli("feed", "-w", workspace).exit_code == 0
    podcast = next((workspace / "episodes" / "cables").glob("*.podcast.mp3"))
    first_encoding = podcast.read_bytes()
    ffmpeg.encode(ffmpeg.decode(RECORDINGS / "undersea-cables.mp3")[16000 * 6: 16000 * 12], source)  # a new cut
    result = cli("pull", source, "--slug", "cables", "--force", "-w", workspace)
    assert result.exit_code == 0 and "Pulled cables" in result.stdout, result.output
    after = tomllib.loads(toml.read_text())
    for key in ("title", "description", "published", "questions", "season", "number"):
        assert after[key] == edited[key], key
    assert podcast.is_file() and (workspace / "episodes" / "cables" / "shownotes.html").is_file()  # kept until regenerated
    assert cli("feed", "-w", workspace).exit_code == 0
    assert podcast.read_bytes() != first_encoding  # made again from the new cut
    assert str(ID3(podcast)["TIT2"]) == "Undersea Cables, edited"
    measured("found-when-tried cases reproduced")


def test_a_failed_feed_item_is_tried_again_on_the_next_pull(show: Path, site, cli) -> None:
    folder, base = site
    (folder / "feed.xml").write_text(rss(item(base, "Good", guid="g1")
                                         + item(base, "Late", enclosure=f"{base}/media/late.mp3", guid="g2")))
    first = cli("pull", f"{base}/feed.xml", "-w", show)
    assert first.exit_code == 1 and "1 of 2 episodes could not be pulled (Late:" in first.stderr
    archive = (show / "episodes" / ".yt-dlp-archive.txt").read_text()
    assert archive.count("\n") == 1  # only the episode that is in place
    shutil.copy(folder / "media" / "clip.mp3", folder / "media" / "late.mp3")  # the publisher fixes the link
    second = cli("pull", f"{base}/feed.xml", "-w", show)
    assert second.exit_code == 0 and "Pulled late" in second.stdout and "Already pulled good" in second.stdout
    data = tomllib.loads((show / "episodes" / "late" / "episode.toml").read_text())
    assert data["source_url"] == f"{base}/media/late.mp3"  # no #__youtubedl_smuggle=… in what is kept
    measured("found-when-tried cases reproduced")


def test_a_bad_enclosure_does_not_abort_the_feed(show: Path, site, cli) -> None:
    folder, base = site
    (folder / "feed.xml").write_text(rss(item(base, "Good", guid="g1")
                                         + item(base, "Js", enclosure="javascript:alert(1)", guid="g2")
                                         + item(base, "File", enclosure="file:///etc/passwd", guid="g3")))
    result = cli("pull", f"{base}/feed.xml", "-w", show)
    assert_clean(result, failed=True)
    assert "Pulled good" in result.stdout and "2 of 3 episodes could not be pulled" in result.stderr
    assert "javascript:alert(1) is not an http(s) link" in result.stderr
    measured("found-when-tried cases reproduced")


@pytest.mark.parametrize("kind", ["random-bytes", "truncated-mp3", "zero-second-wav", "header-only-mp3"])
def test_unplayable_media_is_refused_before_it_enters_the_workspace(workspace: Path, cli, tmp_path: Path, kind: str) -> None:
    path = tmp_path / ("bad.wav" if kind == "zero-second-wav" else "bad.mp3")
    recording = (RECORDINGS / "undersea-cables.mp3").read_bytes()
    if kind == "random-bytes":
        path.write_bytes(bytes((i * 7919) % 251 for i in range(50_000)))
    elif kind == "truncated-mp3":  # the first tenth of a real recording, with a header that promises all of it
        path.write_bytes(recording[: len(recording) // 10])
    elif kind == "header-only-mp3":
        path.write_bytes(recording[:600])
    else:
        with wave.open(str(path), "wb") as empty:
            empty.setnchannels(1), empty.setsampwidth(2), empty.setframerate(16000)
    before = sorted(p.name for p in (workspace / "episodes").iterdir())
    result = cli("pull", path, "--slug", "bad", "-w", workspace)
    assert_clean(result, failed=True)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert sorted(p.name for p in (workspace / "episodes").iterdir()) == before
    measured("found-when-tried cases reproduced")


def test_leftovers_of_killed_runs_of_older_versions_are_swept(show: Path, cli) -> None:
    folder = show / "episodes" / SLUG
    (folder / f".{SLUG}.podcast.mp3.abcd1234.tmp.mp3").write_bytes(b"half an mp3")
    (folder / "tmpab12cd34").mkdir()
    (folder / "tmpab12cd34" / "programme.wav").write_bytes(b"RIFF")
    (show / "episodes" / ".downloads" / "tmpxyz").mkdir(parents=True)
    (show / "transcripts" / f".{SLUG}.json.q1w2e3r4.tmp").write_text("{")
    (show / ".sofacast" / "tmp" / "99999999").mkdir(parents=True)
    (show / ".sofacast" / "lock.99999999.json").write_text('{"command": "pull"')
    (folder / "notes-of-mine.tmp.txt").write_text("a producer's file that only looks like a temp file")
    assert cli("feed", "-w", show).exit_code == 0
    assert leftovers(show) == ["episodes/norms-in-cyberspace/notes-of-mine.tmp.txt"]
    assert not (show / ".sofacast" / "lock.99999999.json").exists()
    measured("found-when-tried cases reproduced")


def test_a_huge_limit_and_a_huge_slug_are_one_line(show: Path, cli, tmp_path: Path) -> None:
    result = cli("search", "norms", "--limit", "99999999999999999999", "-w", show)
    assert_clean(result, failed=True)
    assert "--limit 99999999999999999999 is out of range. Give a number from 1 to 1000." in result.stderr
    long_slug = cli("pull", RECORDINGS / "undersea-cables.mp3", "--slug", "x" * 250, "-w", show)
    assert_clean(long_slug, failed=True)
    assert "is not a usable slug" in long_slug.stderr
    measured("found-when-tried cases reproduced")


def test_a_corrupt_id3_header_makes_the_podcast_mp3_again(show: Path, cli) -> None:
    toml = show / "sofacast.toml"
    toml.write_text(toml.read_text().replace('audio = "original"\n', ""))
    for slug in ("the-attribution-problem", "capacity-building"):
        episode = show / "episodes" / slug / "episode.toml"
        episode.write_text("draft = true\n" + episode.read_text())
    assert cli("feed", "-w", show).exit_code == 0
    podcast = show / "episodes" / SLUG / f"{SLUG}.podcast.mp3"
    podcast.write_bytes(b"ID3\x04\x00\x00\xff\xff\xff\xff" + podcast.read_bytes()[10:])  # a header that claims 256 MB of tags
    result = cli("feed", "-w", show)
    assert_clean(result, failed=False)
    assert str(ID3(podcast)["TIT2"]).startswith("Norms in Cyberspace")
    measured("found-when-tried cases reproduced")


@pytest.mark.parametrize("args", [["search"], ["search", "x", "--limit", "abc"], ["frobnicate"], ["pull"],
                                  ["feed", "--no-such-option"]],
                         ids=["missing-argument", "not-a-number", "unknown-command", "missing-source", "unknown-option"])
def test_a_usage_mistake_is_one_line_too(show: Path, args: list[str]) -> None:
    run = sofacast(*args, cwd=show)
    assert run.code == 2 and len(run.error_lines()) == 1, run.err
    assert run.err.startswith("Error: ") and "--help" in run.err and "Traceback" not in run.err
    measured("found-when-tried cases reproduced")
