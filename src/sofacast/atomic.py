"""Atomic writes: a killed run never leaves a half-written file, and never a temporary one in a published folder.

Temporary files are made in the workspace's `.sofacast/tmp/` (the same filesystem, so the final
rename is atomic) and renamed into place. A folder is replaced by exchanging it with its staged
copy in one `renameat2(RENAME_EXCHANGE)` call where the system has it, so at every instant one
complete folder is in place; elsewhere by two renames, and `recover_stranded` puts back a folder
that a kill left between them.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sofacast import faults

SHOW_FILE = "sofacast.toml"
SCRATCH = Path(".sofacast") / "tmp"
DAMAGED = Path(".sofacast") / "damaged"
OLD_SUFFIX = ".old"
# The workspace's folders in which `replace_folder` swaps a folder, and the names it swaps there (None: any, as the
# episodes); site/ also holds a producer's own files, so only the search index there is sofacast's to put back.
# `recover_all` looks in these and nowhere else, so `replace_folder` swaps nothing elsewhere.
SWAPPED_IN: dict[str, frozenset[str] | None] = {"episodes": None, "site": frozenset({"pagefind"})}


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp/mkdtemp create owner-only files; published files (feeds, transcripts) must be readable
# by a web server like any file the user creates, so they get the usual umask-based modes.
_UMASK = _current_umask()
FILE_MODE = 0o666 & ~_UMASK
DIR_MODE = 0o777 & ~_UMASK


def workspace_root(path: Path) -> Path | None:
    """The workspace holding `path` (the nearest folder above it with a sofacast.toml), if any."""
    for folder in (path, *path.parents):
        if (folder / SHOW_FILE).is_file():
            return folder
    return None


def scratch_dir(target: Path) -> Path:
    """Where temporary files for `target` go: this process's folder under .sofacast/tmp, else beside it."""
    root = workspace_root(target.parent.absolute())
    if root is None:
        return target.parent
    folder = root / SCRATCH / process_folder_name()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def process_folder_name() -> str:
    return f"{os.getpid()}"


# The files written while a caller records (see `recording_writes`): whatever is written through this module.
_recorders: list[set[Path]] = []


@contextmanager
def recording_writes() -> Iterator[set[Path]]:
    """Collect every path this process writes or replaces through this module until the block ends."""
    written: set[Path] = set()
    _recorders.append(written)
    try:
        yield written
    finally:
        _recorders.remove(written)


def _replace(source: Path, target: Path) -> None:
    for written in _recorders:
        written.add(target.absolute())
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        # .sofacast/ on another filesystem than the target: copy beside the target, then rename.
        fd, beside = tempfile.mkstemp(prefix=f".{target.name[:100]}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        try:
            shutil.copy2(source, beside)
            os.replace(beside, target)
        except BaseException:
            Path(beside).unlink(missing_ok=True)
            raise
        source.unlink(missing_ok=True)


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".tmp", dir=scratch_dir(path))
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        faults.checkpoint("atomic:before-rename")
        _replace(Path(tmp), path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_bytes_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the content differs, so re-runs leave unchanged files (and their mtimes) alone."""
    if path.is_file() and path.read_bytes() == data:
        return False
    write_bytes(path, data)
    return True


def write_text_if_changed(path: Path, text: str) -> bool:
    return write_bytes_if_changed(path, text.encode("utf-8"))


def dump_json(data: Any) -> str:
    # NaN and Infinity are not JSON: refusing them here keeps every file sofacast writes parseable.
    return json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def write_json(path: Path, data: Any) -> None:
    write_text(path, dump_json(data))


def keep_aside(path: Path, root: Path) -> Path:
    """Copy a file that could not be read to .sofacast/damaged/ before it is replaced, so nothing is lost."""
    aside = root / DAMAGED / f"{path.name}.{time.strftime('%Y%m%d-%H%M%S')}"
    aside.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, aside)
    return aside


def move_into(source: Path, target: Path) -> None:
    """Rename a finished file (made in the scratch folder) over `target`."""
    os.chmod(source, FILE_MODE)
    _replace(source, target)


@contextmanager
def scratch_file(target: Path, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary path for making `target` (by another program, say); removed unless moved into place."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name[:100]}.", suffix=suffix, dir=scratch_dir(target))
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


@contextmanager
def scratch_folder(near: Path) -> Iterator[Path]:
    """A temporary folder for work on something under `near`; removed with everything in it."""
    folder = Path(tempfile.mkdtemp(dir=scratch_dir(near / "x")))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    if not sys.platform.startswith("linux") or faults.active("no-rename-exchange"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(first))


def replace_folder(staged: Path, final: Path) -> None:
    """Put the complete folder `staged` in place of `final` (which may not exist yet)."""
    _check_recoverable(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    staged.chmod(DIR_MODE)
    for written in _recorders:
        written.update(path.absolute() for path in (final / path.relative_to(staged) for path in staged.rglob("*")))
    if os.stat(staged).st_dev != os.stat(final.parent).st_dev:
        # .sofacast/ is on another filesystem: bring the staged folder beside its place first (renames stay atomic).
        beside = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".partial", dir=final.parent))
        beside.rmdir()
        shutil.move(str(staged), str(beside))
        staged = beside
    if not final.exists():
        os.rename(staged, final)  # fails rather than merging if someone created `final` meanwhile
        return
    if _exchange(staged, final):
        faults.checkpoint("atomic:after-exchange")
        shutil.rmtree(staged, ignore_errors=True)
        return
    backup = final.with_name(f".{final.name}{OLD_SUFFIX}")
    shutil.rmtree(backup, ignore_errors=True)
    os.replace(final, backup)
    faults.checkpoint("atomic:between-renames")
    os.replace(staged, final)
    shutil.rmtree(backup, ignore_errors=True)


def _check_recoverable(final: Path) -> None:
    """A swap in a folder `recover_all` does not look in could strand its old copy there for good."""
    root = workspace_root(final.parent.absolute())
    if root is None:
        return
    names = SWAPPED_IN.get(final.parent.absolute().relative_to(root).as_posix(), frozenset())
    if names is not None and final.name not in names:
        raise ValueError(f"{final}: not a folder sofacast swaps (add it to atomic.SWAPPED_IN, so a kill is recovered)")


def recover_all(root: Path) -> list[str]:
    """`recover_stranded` in every folder of the workspace `root` where folders are swapped: the paths put back."""
    recovered = []
    for where, names in SWAPPED_IN.items():
        if (root / where).is_dir():
            recovered += [f"{where}/{name}" for name in recover_stranded(root / where, names)]
    return recovered


def recover_stranded(folder: Path, names: frozenset[str] | None = None) -> list[str]:
    """Put back every `.<name>.old` folder a kill left between the two renames of `replace_folder` (of `names`
    only, when given: the folder holds other files that are not sofacast's)."""
    recovered = []
    for backup in folder.glob(f".*{OLD_SUFFIX}"):
        name = backup.name[1:-len(OLD_SUFFIX)]
        final = folder / name
        if not backup.is_dir() or not name or (names is not None and name not in names):
            continue
        if final.exists():
            shutil.rmtree(backup, ignore_errors=True)  # the swap had finished; this is the replaced copy
        else:
            os.rename(backup, final)
            recovered.append(name)
    return recovered
