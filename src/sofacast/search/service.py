"""`sofacast search` and `sofacast index`: bring the index up to date, ask it, attach deep links."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from sofacast.audio.publish import podcast_mp3_path
from sofacast.feed.settings import address
from sofacast.records import Show
from sofacast.search.index import Filters, Hit, IndexBusyError, SearchError, SearchIndex
from sofacast.search.query import QueryError, substring_pattern, to_fts
from sofacast.workspace import Workspace

log = logging.getLogger(__name__)
MAX_LIMIT = 1000
# A search waits this long for another command's write to the index, then reads what was committed before it.
SYNC_WAIT_SECONDS = 3.0


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


def _check_date(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise QueryError(f"{option} {value!r} is not a date", f"Write it as {option} 2026-09-30.") from None


def audio_url(workspace: Workspace, show: Show, slug: str) -> str:
    """Where the episode's published audio is (the podcast MP3 when there is one)."""
    episode = workspace.load_episode(slug)
    # A link, not a file to open: the path as the feed names it (feed and pull keep media inside its folder).
    media = workspace.episode_dir(slug) / episode.media
    audio = podcast_mp3_path(media) if podcast_mp3_path(media).is_file() else media
    relative = audio.relative_to(workspace.root)
    return address(show, relative) if show.base_url else str(relative)


def search_workspace(workspace: Workspace, query: str, filters: Filters, limit: int = 10, substring: bool = False) -> list[Result]:
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"--limit {limit} is out of range", f"Give a number from 1 to {MAX_LIMIT}.")
    match = substring_pattern(query) if substring else to_fts(query)
    filters = Filters(filters.guest, filters.speaker, filters.episode, filters.question,
                      _check_date(filters.since, "--since"), _check_date(filters.until, "--until"))
    if filters.episode:
        workspace.load_episode(filters.episode)  # the usual "no episode X; known episodes: …" error
    index = SearchIndex.open(workspace, busy_seconds=SYNC_WAIT_SECONDS)
    try:
        waited = _sync_or_read_as_is(index)
        if index.count() == 0:
            if waited:
                raise SearchError("the search index is being built by another command",
                                  "Search again when it has finished.")
            raise SearchError("the search index is empty: no episode has a transcript yet",
                              "Run 'sofacast transcribe --all' (and 'sofacast chunk --all'), then search again.")
        hits = index.search(match, filters, limit, substring)
    finally:
        index.close()
    show = workspace.show()
    urls: dict[str, str] = {}
    results = []
    for hit in hits:
        episode = hit.passage.episode
        if episode not in urls:
            urls[episode] = audio_url(workspace, show, episode)
        results.append(Result(hit, f"{urls[episode]}#t={int(hit.passage.start)}"))
    return results


def _sync_or_read_as_is(index: SearchIndex) -> bool:
    """Re-index what changed; if another command is writing the index, search what it held before. True if so."""
    try:
        index.sync()
    except IndexBusyError:
        log.warning("another command is updating the search index; these results are from before its changes")
        return True
    return False


def rebuild_index(workspace: Workspace) -> int:
    index = SearchIndex.open(workspace)
    try:
        return index.rebuild()
    finally:
        index.close()

