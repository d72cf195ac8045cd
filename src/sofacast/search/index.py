"""The search index: SQLite FTS5 over answer-sized passages, derived from the files in transcripts/.

Never the source of truth. Each episode's entry remembers the size and mtime of the files it was
built from; any command that searches first re-indexes what changed (and `transcribe`/`chunk`
refresh their episodes at once), so the index is safe to delete: it is rebuilt on the next search.
Two FTS5 tables share the passages: `porter unicode61` for words and phrases (bm25 ranking), and
`trigram` for substrings of names and partial words.

Several commands may use the index at once. It runs in WAL mode: readers see the last committed
state while a writer works, and every change (a re-index, a whole rebuild) is one `BEGIN IMMEDIATE`
transaction, so writers queue behind each other (busy timeout) instead of failing.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sofacast import faults
from sofacast.errors import SofacastError
from sofacast.search.passages import Passage, episode_passages
from sofacast.workspace import EPISODE_FILE, Workspace

log = logging.getLogger(__name__)
INDEX_PATH = Path(".sofacast") / "search.sqlite"
# 2: guests stored as they are written (JSON without \u escapes), so --guest finds "Tomás".
SCHEMA_VERSION = 2
# How long a writer waits for another (a rebuild of a large catalogue takes tens of seconds).
BUSY_SECONDS = 120.0
SCHEMA = """
CREATE TABLE passages (id INTEGER PRIMARY KEY, episode TEXT NOT NULL, episode_title TEXT, published TEXT,
    guests TEXT, speaker TEXT, question TEXT, question_index INTEGER, chunk TEXT, start REAL, end REAL, text TEXT);
CREATE INDEX passages_episode ON passages(episode);
CREATE VIRTUAL TABLE passages_fts USING fts5(text, content='passages', content_rowid='id', tokenize='porter unicode61');
CREATE VIRTUAL TABLE passages_trigram USING fts5(text, speaker, content='passages', content_rowid='id', tokenize='trigram');
CREATE TABLE sources (episode TEXT PRIMARY KEY, stamp TEXT NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
"""


class SearchError(SofacastError):
    """The index cannot answer (empty, unreadable)."""


@dataclass(frozen=True)
class Filters:
    guest: str | None = None
    speaker: str | None = None
    episode: str | None = None
    question: str | None = None  # a notes question number, or words of the question
    since: str | None = None  # ISO date, inclusive
    until: str | None = None


@dataclass
class Hit:
    passage: Passage
    snippet: str
    score: float


def _file_stamps(folder: Path) -> dict[str, str]:
    """name -> "mtime:size" for every file in one folder, in a single directory scan."""
    stamps = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_file():
                    info = entry.stat()
                    stamps[entry.name] = f"{info.st_mtime_ns}:{info.st_size}"
    except FileNotFoundError:
        pass
    return stamps


def episode_stamps(workspace: Workspace) -> dict[str, str]:
    """slug -> a stamp of the files its passages come from (episode.toml, transcript, chunks).

    Searching checks this on every query, so it is one scan of transcripts/ and one stat per episode,
    with no path objects: 1,000 episodes take a few milliseconds.
    """
    transcripts = _file_stamps(workspace.transcripts_dir)
    stamps = {}
    try:
        with os.scandir(workspace.episodes_dir) as entries:
            folders = [entry.name for entry in entries if entry.is_dir() and not entry.name.startswith(".")]
    except FileNotFoundError:
        return {}
    base = str(workspace.episodes_dir)
    for slug in folders:
        try:
            info = os.stat(f"{base}/{slug}/{EPISODE_FILE}")
        except FileNotFoundError:
            continue
        stamps[slug] = (f"{info.st_mtime_ns}:{info.st_size}|{transcripts.get(slug + '.json', '-')}|"
                        f"{transcripts.get(slug + '.chunks.json', '-')}")
    return stamps


class IndexBusyError(SearchError):
    """Another command holds the index for writing longer than we wait."""


class IndexStorageError(SearchError):
    """The disk under .sofacast/ is full or failing; the index keeps its last committed state."""


class SearchIndex:
    def __init__(self, workspace: Workspace, connection: sqlite3.Connection) -> None:
        self.workspace = workspace
        self.db = connection

    @classmethod
    def open(cls, workspace: Workspace, busy_seconds: float = BUSY_SECONDS) -> SearchIndex:
        path = workspace.root / INDEX_PATH
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return cls._open(workspace, path, busy_seconds)
        except sqlite3.Error as exc:
            problem = _open_problem(exc, workspace, path)
            if problem is not None:
                raise problem from None
        # Damaged, or not ours at all: it is only derived data, so start afresh.
        _discard(path)
        try:
            return cls._open(workspace, path, busy_seconds)
        except sqlite3.Error as exc:
            raise _open_problem(exc, workspace, path) or _unopenable(exc) from None

    @classmethod
    def _open(cls, workspace: Workspace, path: Path, busy_seconds: float) -> SearchIndex:
        index = cls(workspace, _connect(path, busy_seconds))
        try:
            index._ensure_schema()
        except BaseException:
            index.close()
            raise
        return index

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so that concurrent writers queue.

        It commits whole or not at all: on a full disk the readers keep the index as it was before it began."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise IndexBusyError("the search index is busy: another command is writing it",
                                     "Run the command again when it has finished.") from None
            raise _storage_error(exc, self.workspace) or exc from None
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException as exc:
            self._roll_back()
            if isinstance(exc, sqlite3.Error):
                raise _storage_error(exc, self.workspace) or exc from None
            raise

    def _roll_back(self) -> None:
        # A full disk makes SQLite roll the transaction back itself; a second ROLLBACK would hide why.
        if self.db.in_transaction:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error as exc:  # WAL readers ignore an uncommitted tail anyway
                log.debug("rollback of the search index failed: %s", exc)

    def _version(self) -> int | None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            return int(row[0]) if row else None
        except (sqlite3.OperationalError, ValueError, TypeError):
            return None  # no meta table, another layout, or nonsense in it: not ours

    def _ensure_schema(self) -> None:
        if self._version() == SCHEMA_VERSION:
            return
        with self._writing():
            if self._version() != SCHEMA_VERSION:  # another process may have made it while we waited
                self._create()

    def _create(self) -> None:
        """Drop whatever the file holds (another schema, an older version) and make ours; inside a transaction."""
        objects = self.db.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
        virtual = [name for kind, name, sql in objects if kind == "table" and (sql or "").upper().startswith("CREATE VIRTUAL")]
        kinds = {name: kind for kind, name, _ in objects}
        others = [name for name, kind in kinds.items() if kind in ("view", "trigger", "table") and name not in virtual]
        for name in virtual + others:
            quoted = name.replace('"', '""')
            self.db.execute(f'DROP {kinds[name].upper()} IF EXISTS "{quoted}"')
        for statement in SCHEMA.split(";"):
            if statement.strip():
                self.db.execute(statement)
        self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))

    # -- keeping it in step with the files ------------------------------------------------
    def sync(self, slugs: Iterable[str] | None = None) -> list[str]:
        """Re-index the episodes (all, or the given ones) whose files changed; drop the ones gone. Returns re-indexed slugs."""
        current = episode_stamps(self.workspace)
        wanted = set(current) if slugs is None else set(slugs) & set(current)
        if not self._stale(current, wanted, slugs is None):
            return []
        with self._writing():
            return self._apply(current, wanted, slugs is None)

    def _stale(self, current: dict[str, str], wanted: set[str], drop_gone: bool) -> bool:
        stored = dict(self.db.execute("SELECT episode, stamp FROM sources").fetchall())
        return any(stored.get(slug) != current[slug] for slug in wanted) or (drop_gone and bool(set(stored) - set(current)))

    def _apply(self, current: dict[str, str], wanted: set[str], drop_gone: bool) -> list[str]:
        # Read again inside the transaction: another command may have done part of the work meanwhile.
        stored = dict(self.db.execute("SELECT episode, stamp FROM sources").fetchall())
        changed = sorted(slug for slug in wanted if stored.get(slug) != current[slug])
        gone = sorted(set(stored) - set(current)) if drop_gone else []
        for slug in gone + changed:
            self._remove(slug)
        for slug in changed:
            self._add(slug, current[slug])
            faults.checkpoint("index:adding")
        return changed

    def rebuild(self) -> int:
        """Build the whole index again in one transaction: searches see the old one until it is done."""
        current = episode_stamps(self.workspace)
        with self._writing():
            self._create()
            self._apply(current, set(current), drop_gone=True)
        return self.count()

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM passages").fetchone()[0]

    def _remove(self, slug: str) -> None:
        rows = self.db.execute("SELECT id, text, speaker FROM passages WHERE episode = ?", (slug,)).fetchall()
        self.db.executemany("INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', ?, ?)",
                            [(r[0], r[1]) for r in rows])
        self.db.executemany("INSERT INTO passages_trigram(passages_trigram, rowid, text, speaker) "
                            "VALUES ('delete', ?, ?, ?)", rows)
        self.db.execute("DELETE FROM passages WHERE episode = ?", (slug,))
        self.db.execute("DELETE FROM sources WHERE episode = ?", (slug,))

    def _add(self, slug: str, stamp: str) -> None:
        try:
            episode = self.workspace.load_episode(slug)
        except SofacastError as exc:
            log.warning("%s; its passages are left out of the search index until it is fixed", exc.problem)
        else:
            self.add_passages(episode_passages(self.workspace, episode))
        self.db.execute("INSERT INTO sources VALUES (?, ?)", (slug, stamp))

    def add_passages(self, passages: Sequence[Passage]) -> None:
        for p in passages:
            cursor = self.db.execute(
                "INSERT INTO passages (episode, episode_title, published, guests, speaker, question, question_index, chunk,"
                " start, end, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (p.episode, p.episode_title, p.published, json.dumps(p.guests, ensure_ascii=False), p.speaker, p.question,
                 p.question_index, p.chunk, p.start, p.end, p.text))
            self.db.execute("INSERT INTO passages_fts(rowid, text) VALUES (?, ?)", (cursor.lastrowid, p.text))
            self.db.execute("INSERT INTO passages_trigram(rowid, text, speaker) VALUES (?, ?, ?)",
                            (cursor.lastrowid, p.text, p.speaker))

    # -- asking it ----------------------------------------------------------------------------
    def search(self, match: str, filters: Filters, limit: int = 10, substring: bool = False) -> list[Hit]:
        table = "passages_trigram" if substring else "passages_fts"
        snippet = f"snippet({table}, 0, '\x02', '\x03', '…', 16)"
        where, args = _filter_sql(filters)
        if where:
            sql = (f"SELECT p.*, {snippet}, bm25({table}) AS score FROM {table} JOIN passages p ON p.id = {table}.rowid "
                   f"WHERE {table} MATCH ? {where} ORDER BY score, p.published DESC, p.start LIMIT ?")
        else:
            # FTS5 finds the best `limit` by its own rank far faster when nothing else is in the WHERE clause.
            sql = (f"SELECT p.*, f.snippet, f.rank FROM (SELECT rowid, {snippet} AS snippet, rank FROM {table} "
                   f"WHERE {table} MATCH ? ORDER BY rank LIMIT ?) f JOIN passages p ON p.id = f.rowid ORDER BY f.rank")
        try:
            rows = self.db.execute(sql, [match, *args, limit]).fetchall()
        except sqlite3.OperationalError as exc:
            storage = _storage_error(exc, self.workspace)
            if storage is not None:
                raise storage from None
            raise SearchError(f"cannot read the query ({_plain(exc)})",
                              'Use words, "exact phrases", OR, NOT and prefix*; or --substring for part of a name.') from None
        return [_hit(row) for row in rows]


def _connect(path: Path, busy_seconds: float) -> sqlite3.Connection:
    # Autocommit mode: transactions are begun explicitly (BEGIN IMMEDIATE), never implicitly by the driver.
    db = sqlite3.connect(path, timeout=busy_seconds, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.Error:
        db.close()
        raise
    return db


def _open_problem(exc: sqlite3.Error, workspace: Workspace, path: Path) -> SearchError | None:
    """What to say when the index cannot be opened; None when the file is damaged or not ours (start afresh)."""
    if is_busy(exc):
        return IndexBusyError("the search index is busy: another command is rebuilding it",
                              "Run the command again when it has finished.")
    # Never discard the old index for want of space: it is still good, and a new one would not fit either.
    storage = _storage_error(exc, workspace)
    if storage is not None or _damaged(exc) or path.is_dir():
        return storage
    return _unopenable(exc)


def _unopenable(exc: sqlite3.Error) -> SearchError:
    return SearchError(f"cannot open the search index {INDEX_PATH} ({exc})",
                       "Check that the workspace folder is writable, then run the command again.")


def _damaged(exc: sqlite3.Error) -> bool:
    """Errors that say the file is not a (usable) index of ours, rather than that it is in use or unreachable."""
    text = str(exc).lower()
    return any(sign in text for sign in ("not a database", "malformed", "no such module", "corrupt", "vtable constructor"))


def _storage_error(exc: sqlite3.Error, workspace: Workspace) -> IndexStorageError | None:
    """The one line for a full or failing disk (SQLite's SQLITE_FULL and SQLITE_IOERR), None for any other error."""
    folder = workspace.root / INDEX_PATH.parent
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL or "database or disk is full" in str(exc):
        return IndexStorageError(f"disk full: no room to write the search index in {folder}",
                                 "Free space on that disk, then run the command again; "
                                 "the index as it was before is kept and still answers searches.")
    if code == sqlite3.SQLITE_IOERR or "disk I/O error" in str(exc):
        return IndexStorageError(f"the disk failed while writing the search index in {folder} ({exc})",
                                 "Check that disk and its free space, then run the command again; "
                                 "the index as it was before is kept.")
    return None


def is_busy(exc: sqlite3.Error) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


def _discard(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        target = Path(f"{path}{suffix}")
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)


def _plain(exc: sqlite3.Error) -> str:
    return str(exc).replace("fts5: ", "")


def _like(value: str) -> str:
    """Part of a name, matched as typed: % and _ in it are characters, not LIKE wildcards."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _same(value: str) -> str:
    return value


# filter field -> (SQL condition, how the value is bound); --question picks by the value's form.
_FILTERS = {
    "guest": ("p.guests LIKE ? ESCAPE '\\'", _like),
    "speaker": ("p.speaker LIKE ? ESCAPE '\\'", _like),
    "episode": ("p.episode = ?", _same),
    "since": ("p.published >= ?", _same),
    "until": ("p.published <= ?", _same),
}


def _filter_sql(filters: Filters) -> tuple[str, list[object]]:
    conditions: list[tuple[str, Callable[[str], object], str]] = [
        (*_FILTERS[name], value) for name, value in vars(filters).items() if value and name in _FILTERS]
    if filters.question:
        by_number = re.fullmatch(r"[0-9]{1,6}", filters.question) is not None
        conditions.append(("p.question_index = ?", int, filters.question) if by_number
                          else ("p.question LIKE ? ESCAPE '\\'", _like, filters.question))
    return "".join(f" AND {sql}" for sql, _, _ in conditions), [bind(value) for _, bind, value in conditions]


def _hit(row: tuple) -> Hit:
    (_id, episode, title, published, guests, speaker, question, question_index, chunk, start, end, text, snippet, score) = row
    passage = Passage(episode, speaker or "", question or "", question_index, chunk or "", start, end, text,
                      title or "", published or "", json.loads(guests or "[]"))
    return Hit(passage, snippet, float(score))


def refresh(workspace: Workspace, slugs: Iterable[str]) -> None:
    """Bring the given episodes' entries up to date; the index is derived, so a failure here never fails the caller."""
    try:
        index = SearchIndex.open(workspace, busy_seconds=5.0)
        try:
            index.sync(slugs)
        finally:
            index.close()
    except (sqlite3.Error, OSError, SearchError):
        pass  # the next search re-indexes whatever is stale
