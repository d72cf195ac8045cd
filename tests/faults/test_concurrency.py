"""Commands at the same time, as two producers (or a producer and a cron job) run them: searches while the
index is rebuilt, two rebuilds, two publishes, two pulls into one slug, and writers that must wait
(or, with --no-wait, say so in one line) while readers never wait."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

import pytest

from sofacast.lock import workspace_lock
from sofacast.media import ffmpeg
from tests.conftest import RECORDINGS
from tests.faults.conftest import assert_clean, measured, sofacast

SLUG = "norms-in-cyberspace"


def start(*args: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sofacast", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen[str], timeout: float = 300) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


@pytest.fixture
def big_catalogue(show: Path) -> Path:
    """The sample show plus 120 long synthetic episodes, so that a rebuild of the index takes a while."""
    transcript = json.loads((show / "transcripts" / f"{SLUG}.json").read_text())
    segments = transcript["segments"]
    transcript["segments"] = [dict(s, id=i, start=s["start"] + 100 * (i // len(segments)),
                                   end=s["end"] + 100 * (i // len(segments)))
                              for i, s in enumerate(segments * 60)]
    for n in range(120):
        slug = f"synthetic-{n:03d}"
        (show / "episodes" / slug).mkdir()
        (show / "episodes" / slug / "episode.toml").write_text(
            f'title = "Synthetic {n}"\npublished = "2026-01-01"\ndraft = true\n')
        (show / "transcripts" / f"{slug}.json").write_text(json.dumps(dict(transcript, episode=slug)))
    return show


def test_search_never_fails_while_the_index_is_rebuilt(big_catalogue: Path, cli) -> None:
    assert sofacast("index", "-w", big_catalogue).code == 0
    rebuilds = [start("index", "--rebuild", "-w", big_catalogue)]
    during, results = 0, []
    while any(p.poll() is None for p in rebuilds) or during < 24:
        rebuilding = any(p.poll() is None for p in rebuilds)
        result = cli("search", "cyberspace", "--json", "-w", big_catalogue)
        assert_clean(result, failed=False)
        results.append(len(json.loads(result.stdout)))
        during += rebuilding
        if not rebuilding and during < 24:
            rebuilds.append(start("index", "--rebuild", "-w", big_catalogue))
    assert all(finish(p)[0] == 0 for p in rebuilds)
    assert during >= 24 and all(count > 0 for count in results)
    measured("searches while the index was being rebuilt", during)
    measured("concurrent scenarios")


def test_two_rebuilds_at_once_both_finish(big_catalogue: Path) -> None:
    assert sofacast("index", "-w", big_catalogue).code == 0
    expected = sofacast("index", "-w", big_catalogue).out
    first, second = start("index", "--rebuild", "-w", big_catalogue), start("index", "--rebuild", "-w", big_catalogue)
    for process in (first, second):
        code, out, err = finish(process)
        assert code == 0 and "Traceback" not in err, err
        assert out.split(":")[1].split()[0] == expected.split(":")[1].split()[0]  # the same number of passages
    measured("concurrent scenarios")


@pytest.fixture
def clips(tmp_path: Path) -> list[Path]:
    audio = ffmpeg.decode(RECORDINGS / "the-attribution-problem.mp3")
    paths = []
    for n, start_second in enumerate((0, 15)):
        path = tmp_path / f"clip-{n}.mp3"
        ffmpeg.encode(audio[16000 * start_second: 16000 * (start_second + 10)], path)
        paths.append(path)
    return paths


def test_two_publishes_at_once_take_turns_and_number_episodes_apart(show: Path, clips: list[Path]) -> None:
    runs = [start("publish", clip, "--title", f"At once {n}", "--guest", "Priya Raman", "-w", show)
            for n, clip in enumerate(clips)]
    finished = [finish(process) for process in runs]
    for code, _, err in finished:
        assert code == 0 and "Traceback" not in err, err
    assert any("Waiting for 'sofacast publish'" in err for _, _, err in finished)  # the second one waited its turn
    numbers = sorted(tomllib.loads(p.read_text())["number"] for p in (show / "episodes").glob("at-once-*/episode.toml"))
    assert numbers == [4, 5]
    feed = (show / "feeds" / "feed.xml").read_text()
    assert "at-once-0" in feed and "at-once-1" in feed
    measured("concurrent scenarios")


def test_two_pulls_into_one_slug_at_once_never_lose_an_episode_silently(show: Path, clips: list[Path]) -> None:
    runs = [start("pull", clip, "--slug", "contested", "-w", show) for clip in clips]
    finished = [finish(process) for process in runs]
    assert sorted(code for code, _, _ in finished) == [0, 1]
    loser = [line for line in next(err for code, _, err in finished if code == 1).splitlines() if line.strip()]
    assert loser[-1].startswith("Error: episode 'contested' already exists with other media")
    assert all(line.startswith("Waiting for 'sofacast pull'") for line in loser[:-1])  # it waited its turn, then said why not
    winner = clips[[code for code, _, _ in finished].index(0)]
    assert (show / "episodes" / "contested" / "contested.mp3").read_bytes() == winner.read_bytes()
    measured("concurrent scenarios")


def test_a_writer_waits_for_another_or_with_no_wait_says_so_in_one_line(show: Path) -> None:
    with workspace_lock(show, "transcribe --all"):
        busy = sofacast("feed", "--no-wait", "-w", show)
        assert busy.code == 75 and busy.err.startswith("Error: ") and len(busy.err.strip().splitlines()) == 1
        assert "is busy: 'sofacast transcribe --all'" in busy.err and "leave out --no-wait" in busy.err
        waiting = start("feed", "-w", show)
        time.sleep(3)
        assert waiting.poll() is None  # still waiting for the lock
    code, out, err = finish(waiting)
    assert code == 0 and err.startswith("Waiting for 'sofacast transcribe --all'") and "feeds/feed.xml" in out
    measured("concurrent scenarios")


def test_readers_never_wait_for_a_writer(show: Path) -> None:
    release = threading.Event()

    def hold() -> None:
        with workspace_lock(show, "feed"):
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        time.sleep(0.5)
        started = time.monotonic()
        for command in (["search", "norms"], ["validate"], ["index"]):
            result = sofacast(*command, "-w", show, timeout=60)
            assert result.code in (0, 1) and "Traceback" not in result.err and "Waiting" not in result.err
        assert time.monotonic() - started < 30
    finally:
        release.set()
        holder.join()
    measured("concurrent scenarios")
