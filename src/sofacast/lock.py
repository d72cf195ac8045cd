"""The workspace lock (filelock): one command writes a workspace at a time; readers never wait.

The lock is an OS file lock on `.sofacast/lock`, so it is released when its process ends, however
it ends. Beside it, `.sofacast/lock.json` says who holds it, for the message a waiting command shows.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from sofacast.errors import SofacastError

LOCK_FILE = Path(".sofacast") / "lock"
OWNER_FILE = Path(".sofacast") / "lock.json"


class WorkspaceBusyError(SofacastError):
    """Another command is writing the workspace and --no-wait was given."""

    exit_code = 75  # EX_TEMPFAIL: try again later


def _holder(root: Path) -> str:
    # The holder writes who it is right after taking the lock: give it a moment to do so.
    for _ in range(20):
        try:
            owner = json.loads((root / OWNER_FILE).read_text("utf-8"))
            since = time.strftime("%H:%M:%S", time.localtime(float(owner["since"])))
            return f"'sofacast {owner['command']}' (pid {int(owner['pid'])}, since {since})"
        except (OSError, ValueError, KeyError, TypeError):
            time.sleep(0.05)
    return "another sofacast command"


def _say_who_holds_it(root: Path, command: str) -> None:
    owner = json.dumps({"command": command, "pid": os.getpid(), "since": time.time()})
    partial = root / OWNER_FILE.with_name(f"lock.{os.getpid()}.json")
    partial.write_text(owner, "utf-8")
    os.replace(partial, root / OWNER_FILE)  # a waiting command never reads half of it


@contextmanager
def workspace_lock(root: Path, command: str, wait: bool = True,
                   on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    (root / LOCK_FILE).parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = _holder(root)
        if not wait:
            raise WorkspaceBusyError(f"{root} is busy: {holder} is writing it",
                                     "Run the command again when it has finished, "
                                     "or leave out --no-wait to wait for it.") from None
        if on_wait:
            on_wait(f"Waiting for {holder} to finish with {root}…")
        lock.acquire()
    try:
        _say_who_holds_it(root, command)
        yield
    finally:
        (root / OWNER_FILE).unlink(missing_ok=True)
        lock.release()
