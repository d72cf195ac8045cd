"""Skip a feed build when nothing it reads has changed since the last clean one.

A build reads sofacast.toml and the other files at the workspace root, everything under episodes/,
transcripts/ and feeds/, the artwork and clips wherever sofacast.toml puts them, and runs sofacast's
own code. After a build with no failed episode, `.sofacast/feed-build.json` keeps a digest of the size,
mtime and inode of each of those files: as the build found them when it started, except the files it
wrote itself, which are taken as it left them. The next `feed` stats the same files (no file is read)
and, when the digest is the same, has nothing to do: the feed and everything it links are what that
build made. A file anyone else changed during the build differs from its record, so the next run builds.

The warnings of that build (an episode held back) are kept too and said again, so that a skipped run
tells the producer what the build would have told them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import sofacast
from sofacast import atomic, faults
from sofacast.feed.settings import FeedSettings
from sofacast.workspace import Workspace

RECORD = Path(".sofacast") / "feed-build.json"
FOLDERS = ("episodes", "transcripts", "feeds")
# Libraries whose output is in the feed: another version may write other bytes.
LIBRARIES = ("feedgen", "lxml", "nh3", "jinja2", "mutagen")
_GONE = (-1, -1, -1)  # a file that was there when the build started and is not now: it never matches again

Stat = tuple[int, int, int]  # size, mtime in ns, inode
Snapshot = dict[str, Stat]  # by path (relative to the workspace, absolute outside it)


@dataclass(frozen=True)
class CleanBuild:
    episodes: list[str]  # slugs in the feed
    warnings: list[str]


def snapshot(workspace: Workspace, settings: FeedSettings) -> Snapshot:
    """The stat of every file a feed build reads."""
    root = workspace.root
    found: Snapshot = {}
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.is_file():
                found[entry.name] = _stat(entry.stat())
    for folder in FOLDERS:
        _walk(root / folder, root, found)
    named = [settings.artwork] + ([settings.audio.intro, settings.audio.outro] if settings.audio else [])
    for path in filter(None, named):
        _add_file(Path(path), root, found)
    _walk(Path(sofacast.__file__).parent, root, found)
    return found


def last_clean_build(workspace: Workspace, now: Snapshot) -> CleanBuild | None:
    """What the last clean build made, when nothing has changed since; else None."""
    try:
        record = json.loads((workspace.root / RECORD).read_text("utf-8"))
        if record["digest"] != _digest(now):
            return None
        return CleanBuild([str(slug) for slug in record["episodes"]], [str(line) for line in record["warnings"]])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none yet, or not ours to trust: build


def save(workspace: Workspace, before: Snapshot, written: Iterable[Path], settings: FeedSettings,
         made: CleanBuild) -> None:
    """Record a clean build: `before` as the files were when it started, `written` the files it wrote."""
    after = snapshot(workspace, settings)
    ours = {_key(path, workspace.root) for path in written}
    record = {path: after[path] if path in ours and path in after else before.get(path, _GONE)
              for path in before.keys() | after.keys()}
    atomic.write_json(workspace.root / RECORD, {"digest": _digest(record), "episodes": made.episodes,
                                                 "warnings": made.warnings})


def forget(workspace: Workspace) -> None:
    """After a build with failures: the next one builds again (and says again what failed)."""
    (workspace.root / RECORD).unlink(missing_ok=True)


@contextmanager
def warnings_said() -> Iterator[list[str]]:
    """The warning lines sofacast logs in the block."""
    lines: list[str] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = _Keep(logging.WARNING)
    logger = logging.getLogger("sofacast")
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)


def _digest(files: Snapshot) -> str:
    versions = {name: _version(name) for name in LIBRARIES}
    text = json.dumps([sofacast.__version__, versions, os.environ.get(faults.ENV, ""), sorted(files.items())])
    return hashlib.sha256(text.encode()).hexdigest()


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def _walk(folder: Path, root: Path, found: Snapshot) -> None:
    """Every file under `folder`, by os.scandir and plain strings: a catalogue has tens of thousands."""
    prefix = _key(folder, root) + "/"
    pending = [(str(folder), prefix)]
    while pending:
        path, prefix = pending.pop()
        try:
            entries = list(os.scandir(path))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    pending.append((entry.path, prefix + entry.name + "/"))
            elif entry.is_file():
                found[prefix + entry.name] = _stat(entry.stat())


def _add_file(path: Path, root: Path, found: Snapshot) -> None:
    try:
        found[_key(path, root)] = _stat(path.stat())
    except OSError:
        found[_key(path, root)] = _GONE


def _key(path: Path, root: Path) -> str:
    path = path.absolute()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _stat(info: os.stat_result) -> Stat:
    return info.st_size, info.st_mtime_ns, info.st_ino
