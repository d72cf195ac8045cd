"""Pulling again never costs a producer their work: fields, comments, files of their own, GUIDs, numbers."""

from __future__ import annotations

import json
import shutil
import tempfile
import tomllib
from pathlib import Path

import pytest

from sofacast.media import ffmpeg
from tests.conftest import RECORDINGS
from tests.faults.conftest import assert_clean, leftovers, measured


@pytest.fixture
def clips(tmp_path: Path) -> list[Path]:
    audio = ffmpeg.decode(RECORDINGS / "undersea-cables.mp3")
    paths = []
    for n in range(2):
        path = tmp_path / f"cut-{n}.mp3"
        ffmpeg.encode(audio[16000 * 4 * n: 16000 * 4 * (n + 1)], path)
        paths.append(path)
    return paths


def episode(root: Path, slug: str) -> dict:
    return tomllib.loads((root / "episodes" / slug / "episode.toml").read_text())


def test_force_into_another_episodes_slug_replaces_media_only(workspace: Path, cli, clips: list[Path]) -> None:
    assert cli("pull", clips[0], "--slug", "a", "--title", "A", "-w", workspace).exit_code == 0
    assert cli("pull", clips[1], "--slug", "b", "--title", "B", "--guest", "Bea", "--number", "42",
               "-w", workspace).exit_code == 0
    result = cli("pull", clips[0], "--slug", "b", "--force", "-w", workspace)  # a's file, into b
    assert result.exit_code == 0, result.output
    b = episode(workspace, "b")
    assert (b["title"], b["number"], b["guests"]) == ("B", 42, [{"name": "Bea"}])
    assert (workspace / "episodes" / "b" / "b.mp3").read_bytes() == clips[0].read_bytes()
    assert episode(workspace, "a")["title"] == "A"
    measured("producer's-work cases")


def test_force_keeps_the_producers_own_audio_file_and_comments(workspace: Path, cli, clips: list[Path]) -> None:
    assert cli("pull", clips[0], "--slug", "a", "--title", "A", "-w", workspace).exit_code == 0
    folder = workspace / "episodes" / "a"
    shutil.copy(clips[1], folder / "a-edited-by-hand.mp3")
    toml = folder / "episode.toml"
    toml.write_text("# Notes for the team: keep this episode short.\n"
                    + toml.read_text().replace('title = "A"', 'title = "A, edited"  # the host asked for this'))
    toml.write_text(toml.read_text().replace('media = "a.mp3"', 'media = "a-edited-by-hand.mp3"'))
    assert cli("pull", clips[0], "--slug", "a", "--force", "-w", workspace).exit_code == 0
    assert (folder / "a-edited-by-hand.mp3").read_bytes() == clips[1].read_bytes()
    text = toml.read_text()
    assert text.startswith("# Notes for the team: keep this episode short.\n")
    assert 'title = "A, edited"  # the host asked for this' in text
    measured("producer's-work cases")


def test_pulling_again_after_the_media_went_missing_repairs_the_episode(workspace: Path, cli, clips: list[Path]) -> None:
    assert cli("pull", clips[0], "--slug", "a", "--title", "A", "-w", workspace).exit_code == 0
    (workspace / "episodes" / "a" / "a.mp3").unlink()
    result = cli("pull", clips[0], "-w", workspace)
    assert result.exit_code == 0 and "Pulled a:" in result.stdout, result.output
    assert sorted(p.name for p in (workspace / "episodes").iterdir() if not p.name.startswith(".")) == ["a"]
    assert (workspace / "episodes" / "a" / "a.mp3").is_file() and episode(workspace, "a")["number"] == 1
    measured("producer's-work cases")


def test_a_recycled_slug_gets_a_guid_of_its_own(show: Path, cli, clips: list[Path]) -> None:
    old = json.loads((show / "feeds" / "guids.json").read_text())["episodes"]["capacity-building"]
    shutil.rmtree(show / "episodes" / "capacity-building")
    automatic = cli("pull", clips[0], "--title", "Capacity Building", "-w", show)
    assert automatic.exit_code == 0 and "Pulled capacity-building-2" in automatic.stdout  # a retired slug is not reused
    explicit = cli("pull", clips[1], "--slug", "capacity-building", "--title", "A brand-new episode", "-w", show)
    assert_clean(explicit, failed=False)
    assert "gets a GUID of its own" in explicit.stderr
    fed = cli("feed", "-w", show)
    assert fed.exit_code == 0, fed.output
    new = json.loads((show / "feeds" / "guids.json").read_text())["episodes"]["capacity-building"]
    assert new != old and new == episode(show, "capacity-building")["guid"]
    measured("producer's-work cases")


def test_one_unreadable_episode_toml_does_not_stop_a_pull_or_its_number(show: Path, cli, clips: list[Path]) -> None:
    toml = show / "episodes" / "capacity-building" / "episode.toml"
    toml.write_text(toml.read_text().replace("number = 3", "number = 3\nseason = \"broken\""))
    result = cli("pull", clips[0], "--slug", "new", "--title", "New", "-w", show)
    assert_clean(result, failed=False)
    assert "Warning: " in result.stderr and "capacity-building/episode.toml is not valid TOML" in result.stderr
    assert episode(show, "new")["number"] == 4  # the unreadable episode's number stays taken
    measured("producer's-work cases")


def test_staging_on_another_filesystem_still_replaces_folders_whole(workspace: Path, cli, clips: list[Path]) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == workspace.stat().st_dev:
        pytest.skip("needs /dev/shm on a filesystem of its own to put .sofacast/ elsewhere")
    elsewhere = Path(tempfile.mkdtemp(dir=shm))
    try:
        (workspace / ".sofacast").symlink_to(elsewhere, target_is_directory=True)
        assert cli("pull", clips[0], "--slug", "a", "--title", "A", "-w", workspace).exit_code == 0
        assert cli("pull", clips[1], "--slug", "a", "--force", "-w", workspace).exit_code == 0
        assert (workspace / "episodes" / "a" / "a.mp3").read_bytes() == clips[1].read_bytes()
        assert episode(workspace, "a")["title"] == "A" and leftovers(workspace) == []
    finally:
        shutil.rmtree(elsewhere, ignore_errors=True)
    measured("producer's-work cases")
