"""Edges a hostile input can reach: the terminal, odd digits, huge times, Ctrl-C, partly failing feeds, links."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from mutagen.id3 import ID3

from sofacast.audio.id3_tags import ChapterMark, EpisodeTags, write_tags
from sofacast.media import ffmpeg
from tests.conftest import RECORDINGS
from tests.faults.conftest import assert_clean, leftovers, measured, sofacast
from tests.faults.corpus import HostileServer

SLUG = "norms-in-cyberspace"


def test_search_output_cannot_drive_the_terminal(show: Path, cli) -> None:
    chunks = show / "transcripts" / f"{SLUG}.chunks.json"
    data = json.loads(chunks.read_text())
    for chunk in data:
        chunk["question"] = "[/bold] [link=https://evil.example/]click me[/link] \x1b]8;;http://evil.example/\x07why?\x1b[2J"
    chunks.write_text(json.dumps(data))
    transcript = show / "transcripts" / f"{SLUG}.json"
    text = transcript.read_text().replace('"speaker": "Elena Marsh"', '"speaker": "[blink]Elena\\u001b[2J"')
    transcript.write_text(text)
    result = cli("search", "norms", "--episode", SLUG, "-w", show)
    assert_clean(result, failed=False)
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "[/bold]" in result.stdout and "me[/link]" in result.stdout  # shown as the text it is, not read as markup
    measured("edge cases")


def test_odd_digits_and_huge_numbers_are_one_line(show: Path, cli, tmp_path: Path) -> None:
    for question in ("²", "99999999999999999999999"):
        result = cli("search", "norms", "--question", question, "-w", show)
        assert_clean(result)
    foreign = tmp_path / "digits.xml"
    foreign.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>S</title><item><title>T</title><guid>g</guid>'
                       "<itunes:episode xmlns:itunes='http://www.itunes.com/dtds/podcast-1.0.dtd'>²</itunes:episode>"
                       '<enclosure url="https://example.org/a.mp3" length="²³" type="audio/mpeg"/></item></channel></rss>')
    report = cli("validate", foreign, "-w", show)
    assert report.exit_code == 1 and "length must be the file's size in bytes, got '²³'" in report.stdout
    assert "must be a positive whole number, got '²'" in report.stdout
    measured("edge cases")


def test_chapter_times_beyond_what_id3_holds_are_clamped(tmp_path: Path) -> None:
    path = tmp_path / "long.mp3"
    ffmpeg.encode(ffmpeg.decode(RECORDINGS / "capacity-building.mp3")[:16000], path)
    marks = [ChapterMark(0.0, 10.0, "Start"), ChapterMark(1e9, 2e9, "Far beyond 49 days")]
    write_tags(path, EpisodeTags("t", "s", "a", chapters=marks), "fingerprint")
    assert sorted(c.start_time for c in ID3(path).getall("CHAP")) == [0, 2**32 - 2]
    measured("edge cases")


def test_more_chapters_than_a_ctoc_counts_keep_the_first_255(tmp_path: Path) -> None:
    """Found when tried: a three-hour publish had 300-odd chapters, and mutagen failed writing the CTOC
    ("bytes must be in range(0, 256)"), so the feed failed with a traceback after the MP3 was made."""
    path = tmp_path / "long.mp3"
    ffmpeg.encode(ffmpeg.decode(RECORDINGS / "capacity-building.mp3")[:16000], path)
    marks = [ChapterMark(10.0 * i, 10.0 * i + 10, f"Question {i}") for i in range(300)]
    write_tags(path, EpisodeTags("t", "s", "a", chapters=marks), "fingerprint")
    tags = ID3(path)
    assert len(tags.getall("CHAP")) == 255 == len(tags.getall("CTOC")[0].child_element_ids)
    assert max(c.start_time for c in tags.getall("CHAP")) == 2540 * 1000
    measured("edge cases")


def test_ctrl_c_is_one_line_and_leaves_nothing_behind(show: Path, tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    with HostileServer(tmp_path / "site", hang_seconds=30) as server:
        process = subprocess.Popen([sys.executable, "-m", "sofacast", "pull", f"{server.base}/hang", "-w", str(show)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env={**__import__("os").environ, "SOFACAST_SOCKET_TIMEOUT": "25"})
        time.sleep(2.5)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "Traceback" not in err, err
    assert err.strip().startswith("Interrupted") and len(err.strip().splitlines()) == 1
    assert leftovers(show) == []
    measured("edge cases")


def test_publish_of_a_feed_with_a_bad_item_publishes_the_good_ones(show: Path, cli, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    ffmpeg.encode(ffmpeg.decode(RECORDINGS / "the-attribution-problem.mp3")[: 16000 * 8], site / "good.mp3")
    with HostileServer(site) as server:
        (site / "feed.xml").write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>S</title>'
            f'<item><title>Good one</title><guid>1</guid><pubDate>Mon, 02 Feb 2026 10:00:00 GMT</pubDate>'
            f'<enclosure url="{server.base}/good.mp3" type="audio/mpeg" length="1"/></item>'
            f'<item><title>Gone one</title><guid>2</guid><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate>'
            f'<enclosure url="{server.base}/gone.mp3" type="audio/mpeg" length="1"/></item></channel></rss>')
        result = cli("publish", f"{server.base}/feed.xml", "-w", show)
    assert_clean(result, failed=True)
    assert "1 of 2 episodes could not be pulled (Gone one:" in result.stderr
    assert "transcribed: good-one" in result.stdout and "feed: 4 episodes, written" in result.stdout
    assert (show / "transcripts" / "good-one.json").is_file() and "good-one" in (show / "feeds" / "feed.xml").read_text()
    measured("edge cases")


def test_the_sweep_leaves_linked_folders_and_the_producers_own_folders_alone(show: Path, cli, tmp_path: Path) -> None:
    elsewhere = tmp_path / "home" / "outside" / "linked"
    elsewhere.mkdir()
    (elsewhere / ".looks.like1234.tmp").write_text("not ours")
    (show / "episodes" / "linked").symlink_to(elsewhere, target_is_directory=True)
    (show / "episodes" / SLUG / "tmpmyfiles").mkdir()  # a producer's empty folder that only looks like scratch
    result = cli("feed", "-w", show)
    assert_clean(result)
    assert (elsewhere / ".looks.like1234.tmp").read_text() == "not ours"
    assert (show / "episodes" / SLUG / "tmpmyfiles").is_dir()
    measured("edge cases")


def test_validate_reports_a_source_link_that_is_not_web(show: Path, cli) -> None:
    toml = show / "episodes" / SLUG / "episode.toml"
    toml.write_text(toml.read_text().replace(f'source_url = "samples/recordings/{SLUG}.mp3"',
                                             'source_url = "javascript:alert(1)"'))
    report = cli("validate", "-w", show)
    assert report.exit_code == 1
    assert f"episode {SLUG}: source_url: 'javascript:alert(1)' is not an http(s) link" in report.stdout
    assert "javascript:" not in (show / "feeds" / "feed.xml").read_text()
    measured("edge cases")


def test_commands_that_end_with_a_code_of_their_own_are_not_taken_for_bugs(show: Path) -> None:
    """Without SOFACAST_DEBUG (as producers run it), validate's exit 1 and --help's exit 0 stay what they are."""
    (show / "episodes" / SLUG / f"{SLUG}.mp3").unlink()
    report = sofacast("validate", "-w", show, debug=False)
    assert report.code == 1 and "failed unexpectedly" not in report.err and report.err == "", report.err
    assert f"episode {SLUG}: enclosure: links to episodes/{SLUG}/{SLUG}.mp3" in report.out
    helped = sofacast("feed", "--help", debug=False)
    assert helped.code == 0 and helped.err == ""
    measured("edge cases")
