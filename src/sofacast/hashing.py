"""Content fingerprints of files: what a transcript, a podcast MP3 or a model was made from.

Hashing an episode's media reads all of it (tens of megabytes an hour), and `feed` and `transcribe`
ask for the fingerprint of every episode on every run. `remembered_sha256` keeps each file's digest in
the workspace's `.sofacast/digests.json` with the size, mtime and inode it had, as git's index and
sofacast's search index do, and hashes a file again only when one of those changed. A file changed
within RACY_SECONDS of being hashed is not remembered: another change in the same clock tick would
leave its mtime as it was.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from sofacast import atomic

STORE = Path(".sofacast") / "digests.json"
RACY_SECONDS = 2.0
_remembered: dict[Path, dict[str, list[int | str]]] = {}  # per workspace root: the store as loaded


def sha256_file(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk_size):
            digest.update(block)
    return digest.hexdigest()


def remembered_sha256(path: Path) -> str:
    """sha256_file(path), from the workspace's store when the file is as it was when last hashed."""
    path = path.absolute()
    root = atomic.workspace_root(path.parent)
    if root is None:
        return sha256_file(path)
    store, key = _store(root), path.relative_to(root).as_posix()
    info = path.stat()
    stamp: list[int | str] = [info.st_size, info.st_mtime_ns, info.st_ino]
    known = store.get(key)
    if known is not None and known[:3] == stamp:
        return str(known[3])
    digest = sha256_file(path)
    if time.time() - info.st_mtime > RACY_SECONDS and path.stat().st_mtime_ns == info.st_mtime_ns:
        store[key] = [*stamp, digest]
        atomic.write_text(root / STORE, json.dumps(store, separators=(",", ":")))
    return digest


def _store(root: Path) -> dict[str, list[int | str]]:
    if root not in _remembered:
        try:
            loaded = json.loads((root / STORE).read_text("utf-8"))
            valid = isinstance(loaded, dict) and all(isinstance(v, list) and len(v) == 4 for v in loaded.values())
            _remembered[root] = loaded if valid else {}
        except (OSError, ValueError):
            _remembered[root] = {}  # none yet, or damaged: it only ever saves time, so start again
    return _remembered[root]
