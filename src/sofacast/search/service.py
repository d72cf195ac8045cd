"""`sofacast search` and `sofacast index`: bring the index up to date, ask it, attach deep links."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from sofacast.audio.podcast_mp3 import AudioSettings
from sofacast.audio.published import PublishedAudio, published_audio
from sofacast.errors import WorkspaceError
from sofacast.feed.settings import feed_settings
from sofacast.records import Show
from sofacast.search.index import Filters, Hit, IndexBusyError, IndexStorageError, SearchError, SearchIndex
from sofacast.search.query import QueryError, check_text, substring_pattern, to_fts
from sofacast.workspace import Workspace

log = logging.getLogger(__name__)
MAX_LIMIT = 1000
# A search waits this long for another command's write to the index, then reads what was committed before it.
SYNC_WAIT_SECONDS = 3.0
# The longest value each filter can usefully hold: a name or a question as long as episode.toml allows, a slug, a date.
FILTER_LIMITS = {"guest": 300, "speaker": 300, "episode": 70, "question": 2000, "since": 40, "until": 40}


@dataclass
class Result:
    hit: Hit
    link: str  # the episode's audio at the passage's second

    def as_dict(self) -> dict[str, Any]:
        p = self.hit.passage
        return {
            "episode": p.episode, "episode_title": p.episode_title, "published": p.published, "speaker": p.speaker,
            "question": p.question or None, "question_index": p.question_index, "chunk": p.chunk or None,
            "start": round(p.start, 2), "end": round(p.end, 2), "text": p.text,
            "snippet": self.hit.snippet.replace("\x02", "**").replace("\x03", "**"), "link": self.link,
            "score": round(-self.hit.score, 4),
        }


def _check_filters(filters: Filters) -> None:
    for name, most in FILTER_LIMITS.items():
        value = getattr(filters, name)
        if value is not None:
            check_text(value, f"--{name}", most)


def _check_date(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise QueryError(f"{option} {value!r} is not a date", f"Write it as {option} 2026-09-30.") from None


def audio_settings(workspace: Workspace, show: Show) -> AudioSettings | None:
    """The podcast MP3's settings (its intro shifts every time), or None when the feed is not set up to make one."""
    try:
        return feed_settings(show, workspace.root).audio
    except WorkspaceError as problem:
        log.warning("%s; search links point at the media as pulled", problem.one_line())
        return None


def search_workspace(workspace: Workspace, query: str, filters: Filters, limit: int = 10,
                     substring: bool = False) -> list[Result]:
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"--limit {limit} is out of range", f"Give a number from 1 to {MAX_LIMIT}.")
    match = substring_pattern(query) if substring else to_fts(query)
    _check_filters(filters)
    filters = Filters(filters.guest, filters.speaker, filters.episode, filters.question,
                      _check_date(filters.since, "--since"), _check_date(filters.until, "--until"))
    if filters.episode:
        workspace.load_episode(filters.episode)  # the usual "no episode X; known episodes: …" error
    index = SearchIndex.open(workspace, busy_seconds=SYNC_WAIT_SECONDS)
    try:
        unsynced = _sync_or_read_as_is(index)
        if index.count() == 0:
            if unsynced is not None:
                raise unsynced
            raise SearchError("the search index is empty: no episode has a transcript yet",
                              "Run 'sofacast transcribe --all' (and 'sofacast chunk --all'), then search again.")
        hits = index.search(match, filters, limit, substring)
    finally:
        index.close()
    show = workspace.show()
    settings = audio_settings(workspace, show) if hits else None
    audio: dict[str, PublishedAudio] = {}
    results = []
    for hit in hits:
        slug = hit.passage.episode
        if slug not in audio:
            audio[slug] = published_audio(workspace, show, workspace.load_episode(slug), settings)
        results.append(Result(hit, audio[slug].at(hit.passage.start)))
    return results


def _sync_or_read_as_is(index: SearchIndex) -> SearchError | None:
    """Re-index what changed; if that cannot be done now (another command is writing the index, the disk is full),
    search what it held before and return why."""
    try:
        index.sync()
    except IndexBusyError:
        log.warning("another command is updating the search index; these results are from before its changes")
        return SearchError("the search index is being built by another command", "Search again when it has finished.")
    except IndexStorageError as problem:
        log.warning("%s; these results are from before the latest changes", problem.problem)
        return problem
    return None


def rebuild_index(workspace: Workspace) -> int:
    index = SearchIndex.open(workspace)
    try:
        return index.rebuild()
    finally:
        index.close()

