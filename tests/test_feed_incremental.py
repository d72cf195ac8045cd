"""An incremental feed: a rebuild with nothing changed does nothing; any change to what the feed reads builds again.

Real workspaces (the sample show), the real `sofacast feed` command, the feed read back with lxml. Where a test must
know that the build did not run, it replaces the build with one that fails: a skipped run never calls it.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from lxml import etree

from sofacast import hashing
from sofacast.feed import write
from tests.conftest import SAMPLE_EPISODES, copy_sample_show
from tests.test_feed import edit_episode, set_feed_option
from tests.test_first_publish import error_lines

SLUG = SAMPLE_EPISODES[0]


def files(root: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file of the workspace but .sofacast/ (private scratch), with its size, mtime and content."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and ".sofacast" not in path.relative_to(root).parts:
            info = path.stat()
            found[path.relative_to(root).as_posix()] = (info.st_size, info.st_mtime_ns, path.read_bytes())
    return found


def titles(root: Path) -> list[str]:
    return [str(title) for title in etree.parse(str(root / "feeds" / "feed.xml")).xpath("//item/title/text()")]


def no_build(*args: object, **kwargs: object) -> None:
    raise AssertionError("the feed was built again although nothing it reads had changed")


@pytest.fixture
def show(tmp_path: Path, cli) -> Path:
    """The sample show with its feed built once (enclosures are the media as pulled: no MP3 encoding here)."""
    root = copy_sample_show(tmp_path / "show")
    set_feed_option(root, "audio", '"original"')
    first = cli("feed", "-w", root)
    assert first.exit_code == 0 and "3 episodes, written" in first.stdout, first.output
    return root


def test_a_second_run_with_nothing_changed_builds_nothing_and_writes_nothing(show: Path, cli,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    before = files(show)
    monkeypatch.setattr(write, "build_and_check", no_build)
    again = cli("feed", "-w", show)
    assert again.exit_code == 0, again.output
    assert "feeds/feed.xml: 3 episodes, unchanged" in again.stdout
    assert files(show) == before


def change_title(root: Path) -> str:
    edit_episode(root, SLUG, 'title = "', 'title = "Revised: ')
    return "revised:"


def change_show(root: Path) -> str:
    toml = root / "sofacast.toml"
    toml.write_text(toml.read_text().replace('title = "', 'title = "Renamed ', 1))
    return "renamed"


def touch_transcript_only(root: Path) -> str:
    """The same bytes, a new mtime: the build runs again and makes the same feed."""
    path = root / "transcripts" / f"{SLUG}.json"
    os.utime(path, ns=(time.time_ns(), time.time_ns()))
    return ""


def hand_edit_the_feed(root: Path) -> str:
    path = root / "feeds" / "feed.xml"
    path.write_text(path.read_text().replace("<item>", "<item><title>spam</title>", 1))
    return ""


def delete_show_notes(root: Path) -> str:
    (root / "episodes" / SLUG / "shownotes.html").unlink()
    return ""


@pytest.mark.parametrize("change", [change_title, change_show, touch_transcript_only, hand_edit_the_feed,
                                    delete_show_notes])
def test_any_change_to_what_the_feed_reads_builds_it_again(show: Path, cli, change) -> None:
    built = (show / "feeds" / "feed.xml").read_bytes()
    expected = change(show)
    again = cli("feed", "-w", show)
    assert again.exit_code == 0, again.output
    feed = (show / "feeds" / "feed.xml").read_text()
    if expected:
        assert expected in feed.lower() and "written" in again.stdout
    else:  # built again, to the same feed as before (whatever was done to it by hand is undone)
        assert feed.encode() == built and "spam" not in feed
    assert (show / "episodes" / SLUG / "shownotes.html").is_file()
    assert "unchanged" in cli("feed", "-w", show).stdout  # and the run after that has nothing to do


def test_a_file_changed_while_the_feed_is_built_is_built_next_time(show: Path, cli,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    change_show(show)  # so that this run builds
    original = write.build_and_check

    def build_then_producer_saves(*args, **kwargs):
        made = original(*args, **kwargs)
        edit_episode(show, SLUG, 'title = "', 'title = "Saved meanwhile: ')  # after the build read it
        return made

    monkeypatch.setattr(write, "build_and_check", build_then_producer_saves)
    assert cli("feed", "-w", show).exit_code == 0
    assert not any(title.startswith("Saved meanwhile") for title in titles(show))
    monkeypatch.setattr(write, "build_and_check", original)
    assert cli("feed", "-w", show).exit_code == 0
    assert any(title.startswith("Saved meanwhile") for title in titles(show))


def test_a_skipped_run_still_says_what_the_build_warned(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_sample_show(tmp_path / "show")
    set_feed_option(root, "audio", '"original"')
    for path in (root / "transcripts").glob(f"{SLUG}.*"):
        path.unlink()  # a new episode without a transcript: held back, with a warning
    first = cli("feed", "-w", root)
    assert first.exit_code == 0 and "2 episodes, written" in first.stdout
    monkeypatch.setattr(write, "build_and_check", no_build)
    again = cli("feed", "-w", root)
    assert again.exit_code == 0 and "2 episodes, unchanged" in again.stdout
    assert error_lines(again) == error_lines(first) and f"episodes/{SLUG}: held back" in again.stderr


def test_a_build_with_a_failed_episode_is_not_skipped_next_time(show: Path, cli) -> None:
    media = next((show / "episodes" / SLUG).glob("*.mp3"))
    media.unlink()
    for _ in range(2):  # the producer is told on every run, not only the first
        failed = cli("feed", "-w", show)
        assert failed.exit_code != 0 and "media file" in failed.stderr and "missing" in failed.stderr, failed.output


# --- media hashed once -----------------------------------------------------------------------------------------

def counting_hashes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    hashed: list[Path] = []
    real = hashing.sha256_file

    def count(path: Path, *args, **kwargs) -> str:
        hashed.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(hashing, "sha256_file", count)
    return hashed


def aged(path: Path, seconds: float = 60.0) -> None:
    """Set the file's mtime in the past, as a file written before this run would have."""
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_a_file_is_hashed_again_only_when_its_size_mtime_or_inode_changed(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_sample_show(tmp_path / "show", media=False)
    media = root / "episodes" / SLUG / "audio.bin"
    media.write_bytes(b"a" * 1000)
    aged(media)
    hashed = counting_hashes(monkeypatch)
    first = hashing.remembered_sha256(media)
    assert hashing.remembered_sha256(media) == first and len(hashed) == 1  # remembered
    assert (root / hashing.STORE).is_file()
    media.write_bytes(b"b" * 1000)  # same size, other content
    aged(media, 30.0)
    assert hashing.remembered_sha256(media) == hashing.sha256_file(media) != first
    shutil.copy2(media, tmp_path / "copy")
    os.replace(tmp_path / "copy", media)  # the same size and mtime, another file (inode)
    hashed.clear()
    hashing.remembered_sha256(media)
    assert hashed == [media.absolute()]


def test_a_file_written_just_now_is_not_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second write in the same clock tick would keep size and mtime: a fresh file is hashed every time."""
    root = copy_sample_show(tmp_path / "show", media=False)
    media = root / "episodes" / SLUG / "audio.bin"
    media.write_bytes(b"a" * 1000)
    hashed = counting_hashes(monkeypatch)
    hashing.remembered_sha256(media)
    hashing.remembered_sha256(media)
    assert len(hashed) == 2


def test_a_damaged_digest_store_is_hashed_past(tmp_path: Path) -> None:
    root = copy_sample_show(tmp_path / "show", media=False)
    media = root / "episodes" / SLUG / "audio.bin"
    media.write_bytes(b"a" * 1000)
    (root / hashing.STORE).parent.mkdir(parents=True, exist_ok=True)
    (root / hashing.STORE).write_text('{"episodes/x": [1, 2')
    assert hashing.remembered_sha256(media) == hashing.sha256_file(media)


@pytest.mark.slow
def test_a_rebuild_after_an_edit_hashes_no_media_again(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """With podcast MP3s, every build fingerprints every episode's media: only the first reads them."""
    root = copy_sample_show(tmp_path / "show")
    for media in (root / "episodes").glob("*/*.mp3"):
        aged(media)
    assert cli("feed", "-w", root).exit_code == 0
    hashed = counting_hashes(monkeypatch)
    change_show(root)
    again = cli("feed", "-w", root)
    assert again.exit_code == 0 and "written" in again.stdout, again.output
    assert [path for path in hashed if path.name.endswith(".mp3")] == []
