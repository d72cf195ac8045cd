"""What interrupted runs leave behind, and sweeping it away.

sofacast makes every temporary file in .sofacast/tmp/ (one folder per process), so a killed run
leaves nothing in a published folder. Older versions did leave some there (`.x.abcd1234.tmp`,
`.x.abcd1234.tmp.mp3`, `tmpabcd1234/programme.wav`, `episodes/.downloads/`); those are swept too.
The sweep runs with the workspace lock held, so no other command is using any of them.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from sofacast import atomic

# Temporary files that interrupted runs of older sofacast versions left in published folders.
_LEFTOVER_FILE = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp(?:\.mp3)?$")
_LEFTOVER_DIR = re.compile(r"^(?:\..+\.[A-Za-z0-9_]{8}\.partial|tmp[A-Za-z0-9_]{8})$")


def sweep(root: Path) -> None:
    """Remove the temporary files of runs that were killed."""
    scratch = root / atomic.SCRATCH
    if scratch.is_dir():
        for entry in scratch.iterdir():
            if entry.name != atomic.process_folder_name():
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
    for partial in (root / ".sofacast").glob("lock.*.json"):  # the lock owner's note, half written by a killed run
        if partial.name != f"lock.{os.getpid()}.json":
            partial.unlink(missing_ok=True)
    shutil.rmtree(root / "episodes" / ".downloads", ignore_errors=True)
    # site/: where replace_folder stages the search index beside its place when .sofacast/ is on another disk.
    folders = [root, root / "transcripts", root / "feeds", root / "feeds" / "episodes", root / "episodes", root / "site"]
    folders += [Path(entry.path) for entry in _entries(root / "episodes")
                if entry.is_dir(follow_symlinks=False) and not entry.name.startswith(".")]
    for folder in folders:
        for item in _entries(folder):  # os.scandir: a catalogue has thousands of files, and their types come free
            if item.is_file(follow_symlinks=False) and _LEFTOVER_FILE.match(item.name):
                os.unlink(item.path)
            elif (item.is_dir(follow_symlinks=False) and _LEFTOVER_DIR.match(item.name)
                  and _only_scratch(Path(item.path))):
                shutil.rmtree(item.path, ignore_errors=True)


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    """What is in `folder`, or nothing when it is missing or a symbolic link (never followed out of the workspace)."""
    if folder.is_symlink():
        return []
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _only_scratch(folder: Path) -> bool:
    """A staging or scratch folder of an older run: a hidden .partial folder, or a tmp folder with only a WAV."""
    if folder.name.endswith(".partial"):
        return True
    return [entry.name for entry in folder.iterdir()] == ["programme.wav"]
