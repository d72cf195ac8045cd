"""kill -9 at fixed points of pull, transcribe, feed, publish and index (the SOFACAST_FAULT hook), then:
every file parses, no GUID changed, no ffmpeg child outlives its parent, the same command run again
succeeds, and after it no temporary file is left anywhere."""

from __future__ import annotations

import json
import shutil
import time
import tomllib
from pathlib import Path

import pytest
from lxml import etree

from sofacast.media import ffmpeg
from tests.conftest import RECORDINGS
from tests.faults.conftest import assert_clean, leftovers, measured, sofacast
from tests.faults.corpus import HostileServer

SLUG = "norms-in-cyberspace"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve seconds of a sample interview: short enough to transcribe in a few seconds."""
    path = tmp_path_factory.mktemp("clip") / "short-interview.mp3"
    ffmpeg.encode(ffmpeg.decode(RECORDINGS / "capacity-building.mp3")[: 16000 * 12], path)
    return path


def parses(root: Path) -> None:
    """Every TOML, JSON and XML file a command writes is complete."""
    for path in root.rglob("*"):
        if not path.is_file() or ".sofacast" in path.relative_to(root).parts:
            continue
        if path.suffix == ".toml":
            tomllib.loads(path.read_text("utf-8"))
        elif path.suffix == ".json":
            json.loads(path.read_text("utf-8"))
        elif path.suffix == ".xml" and path.parent.name == "feeds":
            etree.parse(str(path))


def guids(root: Path) -> tuple[dict, set[str]]:
    ledger = json.loads((root / "feeds" / "guids.json").read_text()) if (root / "feeds" / "guids.json").exists() else {}
    feed = root / "feeds" / "feed.xml"
    items = {i.findtext("guid") for i in etree.parse(str(feed)).getroot().iter("item")} if feed.exists() else set()
    return ledger, items


def same_guids(before: tuple[dict, set[str]], after: tuple[dict, set[str]]) -> None:
    ledger, items = before
    assert after[0].get("podcast", ledger.get("podcast")) == ledger.get("podcast")
    assert all(after[0].get("episodes", {}).get(slug, guid) == guid for slug, guid in ledger.get("episodes", {}).items())
    assert items <= after[1]


def ffmpeg_processes() -> list[str]:
    """Running ffmpeg processes (the suite runs one command at a time, so any left is an orphan)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
                state = (proc / "stat").read_text().split()[2]
            except OSError:
                continue
            if ffmpeg.ffmpeg_exe() in command and state != "Z":
                found.append(command[:160])
    return found


def kill_and_recover(root: Path, command: list[object], fault: str, again: list[object] | None = None) -> None:
    before = guids(root)
    killed = sofacast(*command, "-w", root, env={"SOFACAST_FAULT": fault})
    assert killed.code == -9, (fault, killed.code, killed.err)
    # Half a second: an orphaned ffmpeg would still be encoding (measured: over a second); ours get SIGKILL at once.
    deadline = time.monotonic() + 0.5
    while ffmpeg_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ffmpeg_processes() == [], "an ffmpeg child outlived sofacast"
    parses(root)
    same_guids(before, guids(root))
    rerun = sofacast(*(again or command), "-w", root)
    assert_clean(rerun, failed=False)
    parses(root)
    same_guids(before, guids(root))
    assert leftovers(root) == []
    measured("kill -9 points survived")


@pytest.mark.parametrize("fault", ["pull:before-commit", "atomic:before-rename", "ffmpeg:running"])
def test_a_killed_pull_of_a_new_file_leaves_nothing_half_there(show: Path, clip: Path, fault: str) -> None:
    kill_and_recover(show, ["pull", clip, "--slug", "short", "--title", "Short"], fault)
    data = tomllib.loads((show / "episodes" / "short" / "episode.toml").read_text())
    assert data["title"] == "Short" and (show / "episodes" / "short" / "short.mp3").is_file()


@pytest.mark.parametrize("fault", ["atomic:after-exchange", "no-rename-exchange,atomic:between-renames", "pull:before-commit"])
def test_a_killed_repull_keeps_the_episode_and_every_edit(show: Path, fault: str) -> None:
    media = show / "episodes" / SLUG / f"{SLUG}.mp3"
    source = show.parent / "new-cut.mp3"
    shutil.copy(media, source)
    toml = show / "episodes" / SLUG / "episode.toml"
    toml.write_text(toml.read_text().replace('title = "Norms in Cyberspace', 'title = "Edited: Norms in Cyberspace')
                    + '\n[speakers]\nS1 = "Elena Marsh"\n')
    (show / "episodes" / SLUG / "my-notes.txt").write_text("the producer's own file")
    assert sofacast("feed", "-w", show).code == 0
    kill_and_recover(show, ["pull", source, "--slug", SLUG, "--force"], fault, again=["feed"])
    assert sofacast("pull", source, "--slug", SLUG, "--force", "-w", show).code == 0
    data = tomllib.loads(toml.read_text())
    assert data["title"].startswith("Edited: ") and data["speakers"] == {"S1": "Elena Marsh"}
    assert (show / "episodes" / SLUG / "my-notes.txt").read_text() == "the producer's own file"
    assert "Edited: Norms" in (show / "feeds" / "feed.xml").read_text()


@pytest.mark.parametrize("fault", ["pull:downloaded", "pull:before-commit", "pull:before-archive"])
def test_a_killed_feed_pull_is_tried_again_not_refused(show: Path, clip: Path, tmp_path: Path, fault: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(clip, site / "one.mp3")
    with HostileServer(site) as server:
        (site / "feed.xml").write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>S</title><item><title>Remote one</title><guid>r1</guid>'
            '<pubDate>Mon, 02 Feb 2026 10:00:00 GMT</pubDate>'
            f'<enclosure url="{server.base}/one.mp3" type="audio/mpeg" length="1"/>'
            "</item></channel></rss>")
        kill_and_recover(show, ["pull", f"{server.base}/feed.xml"], fault)
        again = sofacast("pull", f"{server.base}/feed.xml", "-w", show)
    assert again.code == 0 and "Already pulled remote-one" in again.out
    assert (show / "episodes" / "remote-one" / "remote-one.mp3").is_file()


@pytest.mark.parametrize("fault", ["ffmpeg:running", "atomic:before-rename", "atomic:before-rename@3"])
def test_a_killed_transcription_is_redone_whole(show: Path, clip: Path, fault: str) -> None:
    assert sofacast("pull", clip, "--slug", "short", "--title", "Short", "-w", show).code == 0
    kill_and_recover(show, ["transcribe", "short"], fault)
    transcript = json.loads((show / "transcripts" / "short.json").read_text())
    assert transcript["segments"] and all((show / "transcripts" / f"short{s}").is_file() for s in (".vtt", ".srt", ".txt"))


@pytest.mark.parametrize("fault", ["audio:programme-measured", "ffmpeg:running@1", "ffmpeg:running@2", "atomic:before-rename",
                                   "feed:before-replace"])
def test_a_killed_feed_keeps_the_published_one_and_its_guids(show: Path, fault: str) -> None:
    for slug in ("the-attribution-problem", "capacity-building"):  # one episode to encode is enough
        episode = show / "episodes" / slug / "episode.toml"
        episode.write_text("draft = true\n" + episode.read_text())
    assert sofacast("feed", "-w", show).code == 0
    toml = show / "sofacast.toml"
    toml.write_text(toml.read_text().replace('audio = "original"\n', ""))  # make podcast MP3s: ffmpeg at work
    published = (show / "feeds" / "feed.xml").read_bytes()
    kill_and_recover(show, ["feed"], fault)
    assert (show / "episodes" / SLUG / f"{SLUG}.podcast.mp3").is_file()
    assert published != (show / "feeds" / "feed.xml").read_bytes()


@pytest.mark.parametrize("fault", ["publish:pulled", "publish:transcribed", "ffmpeg:running@4"])
def test_a_killed_publish_is_finished_by_the_next_one(show: Path, clip: Path, fault: str) -> None:
    command = ["publish", clip, "--slug", "short", "--title", "Short", "--guest", "Tomas Okafor"]
    kill_and_recover(show, command, fault)
    numbers = [tomllib.loads(p.read_text()).get("number") for p in (show / "episodes").glob("*/episode.toml")]
    assert sorted(numbers) == [1, 2, 3, 4]
    assert "episodes/short/short.mp3" in (show / "feeds" / "feed.xml").read_text()


def test_a_killed_index_rebuild_leaves_a_working_index(show: Path) -> None:
    assert sofacast("index", "-w", show).code == 0
    kill_and_recover(show, ["index", "--rebuild"], "index:adding@2")
    found = sofacast("search", "cyber", "--json", "-w", show)
    assert found.code == 0 and json.loads(found.out)


def test_a_stranded_folder_from_an_older_version_is_put_back_before_anything_else(show: Path) -> None:
    before = guids(show)
    (show / "episodes" / SLUG).rename(show / "episodes" / f".{SLUG}.old")  # killed between two renames
    result = sofacast("feed", "-w", show)
    assert_clean(result, failed=False)
    assert f"Warning: episodes/{SLUG}: put back in place" in result.err
    assert (show / "episodes" / SLUG / "episode.toml").is_file()
    same_guids(before, guids(show))
    assert len(guids(show)[1]) == 3
    measured("kill -9 points survived")
