"""Atomic writes and folder swaps (sofacast.atomic), failed on purpose in-process.

tests/faults/test_kills.py kills whole CLI runs at the SOFACAST_FAULT points; here the same points
raise inside this process instead (sofacast.faults.checkpoint patched), so each failure is checked
directly: the old file or folder is intact, no temporary file is left in the target folder or the
scratch folder, and recover_stranded puts back a folder left between two renames.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sofacast import atomic, faults


class Interrupted(Exception):
    pass


def fail_at(monkeypatch: pytest.MonkeyPatch, point: str, error: BaseException | None = None) -> list[str]:
    """Make faults.checkpoint raise at `point`; returns the list of points reached."""
    reached: list[str] = []

    def checkpoint(name: str) -> None:
        reached.append(name)
        if name == point:
            raise error or Interrupted(name)

    monkeypatch.setattr(faults, "checkpoint", checkpoint)
    return reached


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "show"
    (root / "feeds").mkdir(parents=True)
    (root / "sofacast.toml").write_text('title = "Sofa"\n')
    return root


# --- files ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("error", [Interrupted("x"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_a_write_failing_before_the_rename_keeps_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                              error: BaseException) -> None:
    target = tmp_path / "feed.xml"
    target.write_bytes(b"old")
    fail_at(monkeypatch, "atomic:before-rename", error)
    with pytest.raises(type(error)):
        atomic.write_bytes(target, b"new")
    assert os.listdir(tmp_path) == ["feed.xml"]  # outside a workspace the temporary sat beside it: gone
    assert target.read_bytes() == b"old"


def test_in_a_workspace_the_temporary_is_made_in_scratch_and_removed_on_failure(workspace: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    target = workspace / "feeds" / "feed.xml"
    target.write_bytes(b"old")
    seen: list[Path] = []
    real_replace = atomic._replace

    def replace(source: Path, destination: Path) -> None:
        seen.append(source)
        raise Interrupted("disk full")

    monkeypatch.setattr(atomic, "_replace", replace)
    with pytest.raises(Interrupted):
        atomic.write_bytes(target, b"new")
    assert seen and seen[0].parent == workspace / ".sofacast" / "tmp" / atomic.process_folder_name()
    assert not seen[0].exists() and os.listdir(seen[0].parent) == []
    assert os.listdir(target.parent) == ["feed.xml"] and target.read_bytes() == b"old"
    monkeypatch.setattr(atomic, "_replace", real_replace)
    atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"new" and os.listdir(seen[0].parent) == []


def test_a_write_failing_while_writing_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "transcript.json"
    target.write_text("{}")

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError, match="No space left"):
        atomic.write_text(target, '{"segments": []}')
    assert os.listdir(tmp_path) == ["transcript.json"] and target.read_text() == "{}"


def test_a_new_file_is_readable_like_any_file_the_user_makes(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "feed.xml"  # parents are made
    atomic.write_bytes(target, b"<rss/>")
    assert target.stat().st_mode & 0o777 == atomic.FILE_MODE  # the umask's mode, not mkstemp's owner-only 0o600


def test_an_unchanged_write_leaves_the_file_and_its_time_alone(tmp_path: Path) -> None:
    target = tmp_path / "notes.html"
    assert atomic.write_text_if_changed(target, "<p>hi</p>") is True
    before = target.stat()
    assert atomic.write_text_if_changed(target, "<p>hi</p>") is False
    after = target.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert atomic.write_bytes_if_changed(target, b"<p>bye</p>") is True and target.read_bytes() == b"<p>bye</p>"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_dump_json_refuses_what_json_cannot_hold(tmp_path: Path, value: float) -> None:
    with pytest.raises(ValueError):
        atomic.dump_json({"start": 1.0, "end": [value]})
    target = tmp_path / "chunks.json"
    target.write_text("[]\n")
    with pytest.raises(ValueError):
        atomic.write_json(target, [{"start": value}])
    assert os.listdir(tmp_path) == ["chunks.json"] and target.read_text() == "[]\n"


def test_dump_json_keeps_text_as_written_and_ends_with_a_newline() -> None:
    text = atomic.dump_json({"title": "Ça va — 東京"})
    assert "Ça va — 東京" in text and text.endswith("}\n") and json.loads(text) == {"title": "Ça va — 東京"}


def test_a_scratch_file_is_removed_unless_moved_into_place(workspace: Path) -> None:
    target = workspace / "episodes" / "doubt" / "doubt.mp3"
    target.parent.mkdir(parents=True)
    with pytest.raises(Interrupted), atomic.scratch_file(target, ".mp3") as scratch:
        scratch.write_bytes(b"half an mp3")
        raise Interrupted("ffmpeg died")
    assert not scratch.exists() and not target.exists()
    with atomic.scratch_file(target, ".mp3") as scratch:
        scratch.write_bytes(b"a whole mp3")
        atomic.move_into(scratch, target)
    assert target.read_bytes() == b"a whole mp3" and target.stat().st_mode & 0o777 == atomic.FILE_MODE
    assert os.listdir(scratch.parent) == []


def test_a_scratch_folder_is_removed_with_everything_in_it(workspace: Path) -> None:
    with pytest.raises(Interrupted), atomic.scratch_folder(workspace) as folder:
        (folder / "sub").mkdir()
        (folder / "sub" / "part.wav").write_bytes(b"x")
        raise Interrupted("killed")
    assert not folder.exists()
    assert folder.parent == workspace / ".sofacast" / "tmp" / atomic.process_folder_name()


def test_keep_aside_copies_a_damaged_file_under_the_workspace(workspace: Path) -> None:
    damaged = workspace / "feeds" / "guids.json"
    damaged.write_bytes(b'{"podc')
    aside = atomic.keep_aside(damaged, workspace)
    assert aside.parent == workspace / ".sofacast" / "damaged" and aside.name.startswith("guids.json.")
    assert aside.read_bytes() == damaged.read_bytes() == b'{"podc'


# --- folders --------------------------------------------------------------------------------------

def staged_and_final(root: Path) -> tuple[Path, Path]:
    final = root / "episodes" / "doubt"
    final.mkdir(parents=True)
    (final / "episode.toml").write_text("old")
    (final / "only-old.txt").write_text("old")
    staged = root / ".sofacast" / "tmp" / "stage" / "doubt"
    (staged / "sub").mkdir(parents=True)
    (staged / "episode.toml").write_text("new")
    (staged / "sub" / "only-new.txt").write_text("new")
    return staged, final


@pytest.mark.parametrize("flags", ["", "no-rename-exchange"], ids=["exchange", "two-renames"])
def test_replace_folder_swaps_the_whole_folder_and_leaves_nothing_behind(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                                         flags: str) -> None:
    monkeypatch.setenv(faults.ENV, flags)
    reached = fail_at(monkeypatch, "never")
    staged, final = staged_and_final(workspace)
    atomic.replace_folder(staged, final)
    assert tree(final) == {"episode.toml": b"new", "sub/only-new.txt": b"new"}
    assert not staged.exists() and os.listdir(final.parent) == ["doubt"]
    if flags:
        assert reached == ["atomic:between-renames"]  # the fault flag really turned the exchange off


def test_replace_folder_puts_a_new_folder_in_place(workspace: Path) -> None:
    staged, final = staged_and_final(workspace)
    new_final = final.parent / "cables"
    atomic.replace_folder(staged, new_final)
    assert tree(new_final) == {"episode.toml": b"new", "sub/only-new.txt": b"new"} and not staged.exists()
    assert tree(final) == {"episode.toml": b"old", "only-old.txt": b"old"}  # its neighbour untouched


@pytest.mark.parametrize("point", ["atomic:after-exchange", "atomic:between-renames"])
def test_a_swap_interrupted_midway_leaves_a_complete_folder_or_one_recover_stranded_restores(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, point: str) -> None:
    if point == "atomic:between-renames":
        monkeypatch.setenv(faults.ENV, "no-rename-exchange")
    reached = fail_at(monkeypatch, point)
    staged, final = staged_and_final(workspace)
    with pytest.raises(Interrupted):
        atomic.replace_folder(staged, final)
    if point not in reached:
        pytest.skip("renameat2 exchange is not available on this filesystem")
    recovered = atomic.recover_stranded(final.parent)
    if point == "atomic:after-exchange":
        assert recovered == [] and tree(final) == {"episode.toml": b"new", "sub/only-new.txt": b"new"}
    else:
        assert recovered == ["doubt"] and tree(final) == {"episode.toml": b"old", "only-old.txt": b"old"}
    assert os.listdir(final.parent) == ["doubt"]


def test_recover_stranded_drops_a_backup_whose_swap_had_finished(tmp_path: Path) -> None:
    (tmp_path / "doubt").mkdir()
    (tmp_path / "doubt" / "episode.toml").write_text("new")
    (tmp_path / ".doubt.old").mkdir()
    (tmp_path / ".doubt.old" / "episode.toml").write_text("old")
    (tmp_path / ".notes.old").write_text("a file, not a stranded folder")
    assert atomic.recover_stranded(tmp_path) == []
    assert sorted(os.listdir(tmp_path)) == [".notes.old", "doubt"]
    assert (tmp_path / "doubt" / "episode.toml").read_text() == "new"



def test_recover_all_puts_back_the_sites_search_index_and_leaves_the_producers_folders(workspace: Path) -> None:
    """Issue 26: a kill between the two renames of the search index's swap left site/.pagefind.old/ published for
    good, as recovery looked in episodes/ only. site/ also holds the producer's own files: only ours are touched."""
    site = workspace / "site"
    (site / ".pagefind.old").mkdir(parents=True)
    (site / ".pagefind.old" / "pagefind-entry.json").write_text("{}")
    (site / ".drafts.old").mkdir()
    (workspace / "episodes" / ".doubt.old").mkdir(parents=True)
    assert sorted(atomic.recover_all(workspace)) == ["episodes/doubt", "site/pagefind"]
    assert (site / "pagefind" / "pagefind-entry.json").read_text() == "{}"
    assert sorted(os.listdir(site)) == [".drafts.old", "pagefind"]


@pytest.mark.parametrize("place", ["feeds/episodes", "site/guests", "transcripts"])
def test_replace_folder_swaps_nothing_where_recovery_would_not_look(workspace: Path, place: str) -> None:
    staged = workspace / ".sofacast" / "tmp" / "stage" / "x"
    staged.mkdir(parents=True)
    with pytest.raises(ValueError, match="SWAPPED_IN"):
        atomic.replace_folder(staged, workspace / place)
    assert staged.is_dir() and not (workspace / place).exists()
