"""The search index: SQLite FTS5 over answer-sized passages, derived from the files in transcripts/.

Never the source of truth. Each episode's entry remembers the size and mtime of the files it was
built from; any command that searches first re-indexes what changed (and `transcribe`/`chunk`
refresh their episodes at once), so the index is safe to delete: it is rebuilt on the next search.
Two FTS5 tables share the passages: `porter unicode61` for words and phrases (bm25 ranking), and
`trigram` for substrings of names and partial words.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sofacast.errors import SofacastError
from sofacast.search.passages import Passage, episode_passages
from sofacast.workspace import EPISODE_FILE, Workspace

INDEX_PATH = Path(".sofacast") / "search.sqlite"
SCHEMA_VERSION = 1
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


class SearchIndex:
    def __init__(self, workspace: Workspace, connection: sqlite3.Connection) -> None:
        self.workspace = workspace
        self.db = connection

    @classmethod
    def open(cls, workspace: Workspace) -> SearchIndex:
        path = workspace.root / INDEX_PATH
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            index = cls(workspace, sqlite3.connect(path))
            if index._version() != SCHEMA_VERSION:
                index._create()
        except sqlite3.DatabaseError:
            # Damaged or foreign: it is only derived data, so start afresh.
            path.unlink(missing_ok=True)
            index = cls(workspace, sqlite3.connect(path))
            index._create()
        return index

    def close(self) -> None:
        self.db.close()

    def _version(self) -> int | None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.OperationalError:
            return None
        return int(row[0]) if row else None

    def _create(self) -> None:
        with self.db:
            for table in ("passages_fts", "passages_trigram", "passages", "sources", "meta"):
                self.db.execute(f"DROP TABLE IF EXISTS {table}")
            self.db.executescript(SCHEMA)
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))

    # -- keeping it in step with the files ------------------------------------------------
    def sync(self, slugs: Iterable[str] | None = None) -> list[str]:
        """Re-index the episodes (all, or the given ones) whose files changed; drop the ones gone. Returns re-indexed slugs."""
        current = episode_stamps(self.workspace)
        wanted = set(current) if slugs is None else set(slugs) & set(current)
        stored = dict(self.db.execute("SELECT episode, stamp FROM sources").fetchall())
        changed = sorted(slug for slug in wanted if stored.get(slug) != current[slug])
        gone = sorted(set(stored) - set(current)) if slugs is None else []
        if not changed and not gone:
            return []
        with self.db:
            for slug in gone + changed:
                self._remove(slug)
            for slug in changed:
                self._add(slug, current[slug])
        return changed

    def rebuild(self) -> int:
        self._create()
        self.sync()
        return self.count()

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM passages").fetchone()[0]

    def _remove(self, slug: str) -> None:
        rows = self.db.execute("SELECT id, text, speaker FROM passages WHERE episode = ?", (slug,)).fetchall()
        self.db.executemany("INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', ?, ?)",
                            [(r[0], r[1]) for r in rows])
        self.db.executemany("INSERT INTO passages_trigram(passages_trigram, rowid, text, speaker) VALUES ('delete', ?, ?, ?)", rows)
        self.db.execute("DELETE FROM passages WHERE episode = ?", (slug,))
        self.db.execute("DELETE FROM sources WHERE episode = ?", (slug,))

    def _add(self, slug: str, stamp: str) -> None:
        episode = self.workspace.load_episode(slug)
        self.add_passages(episode_passages(self.workspace, episode))
        self.db.execute("INSERT INTO sources VALUES (?, ?)", (slug, stamp))

    def add_passages(self, passages: Sequence[Passage]) -> None:
        for p in passages:
            cursor = self.db.execute(
                "INSERT INTO passages (episode, episode_title, published, guests, speaker, question, question_index, chunk,"
                " start, end, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (p.episode, p.episode_title, p.published, json.dumps(p.guests), p.speaker, p.question, p.question_index,
                 p.chunk, p.start, p.end, p.text))
            self.db.execute("INSERT INTO passages_fts(rowid, text) VALUES (?, ?)", (cursor.lastrowid, p.text))
            self.db.execute("INSERT INTO passages_trigram(rowid, text, speaker) VALUES (?, ?, ?)", (cursor.lastrowid, p.text, p.speaker))

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
            raise SearchError(f"cannot read the query ({_plain(exc)})",
                              'Use words, "exact phrases", OR, NOT and prefix*; or --substring for part of a name.') from None
        return [_hit(row) for row in rows]


def _plain(exc: sqlite3.Error) -> str:
    return str(exc).replace("fts5: ", "")


def _like(value: str) -> str:
    return f"%{value}%"


def _same(value: str) -> str:
    return value


# filter field -> (SQL condition, how the value is bound); --question picks by the value's form.
_FILTERS = {
    "guest": ("p.guests LIKE ?", _like),
    "speaker": ("p.speaker LIKE ?", _like),
    "episode": ("p.episode = ?", _same),
    "since": ("p.published >= ?", _same),
    "until": ("p.published <= ?", _same),
}


def _filter_sql(filters: Filters) -> tuple[str, list[object]]:
    conditions = [(*_FILTERS[name], value) for name, value in vars(filters).items() if value and name in _FILTERS]
    if filters.question:
        by_number = filters.question.isdigit()
        conditions.append(("p.question_index = ?", int, filters.question) if by_number
                          else ("p.question LIKE ?", _like, filters.question))
    return "".join(f" AND {sql}" for sql, _, _ in conditions), [bind(value) for _, bind, value in conditions]


def _hit(row: tuple) -> Hit:
    (_id, episode, title, published, guests, speaker, question, question_index, chunk, start, end, text, snippet, score) = row
    passage = Passage(episode, speaker or "", question or "", question_index, chunk or "", start, end, text,
                      title or "", published or "", json.loads(guests or "[]"))
    return Hit(passage, snippet, float(score))


def refresh(workspace: Workspace, slugs: Iterable[str]) -> None:
    """Bring the given episodes' entries up to date; the index is derived, so a failure here never fails the caller."""
    try:
        index = SearchIndex.open(workspace)
        try:
            index.sync(slugs)
        finally:
            index.close()
    except (sqlite3.Error, OSError):
        pass  # the next search re-indexes whatever is stale
