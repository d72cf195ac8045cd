"""Podcasting 2.0 JSON chapters (version 1.2.0): the intro, then one chapter per question."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sofacast.formats.chapters_json import chapter, chapters_json
from sofacast.records import Chunk
from sofacast.sanitize import plain_text, safe_url

log = logging.getLogger(__name__)

INTRO_TITLE = "Introduction"
# Apps show chapter titles in one line; a spoken question can run long.
MAX_TITLE_CHARS = 120


def _title(chunk: Chunk) -> str | None:
    text = plain_text(chunk.question)  # apps show chapter titles as text; a notes question may hold markup
    if text:
        return text if len(text) <= MAX_TITLE_CHARS else text[: MAX_TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    if chunk.id.endswith("-intro"):
        return INTRO_TITLE
    return None  # outro and untitled sections stay inside the chapter before them


def chapters_document(chunks: Sequence[Chunk]) -> dict[str, Any]:
    chapters: list[dict[str, Any]] = []
    for chunk in chunks:
        title = _title(chunk)
        if title is None:
            continue
        # The first chapter starts at 0 so that apps cover the whole episode.
        start = 0.0 if not chapters and title == INTRO_TITLE else chunk.start
        chapters.append(chapter(start, title))
    return chapters_json(chapters)


def publisher_chapters(path: Path) -> dict[str, Any] | None:
    """A publisher's JSON chapters (pulled with the episode) in the same form, keeping only what is checked:
    times, plain titles and http(s) links and images. None when the file is missing or holds no chapters."""
    if not path.is_file():
        return None
    try:
        entries = json.loads(path.read_text("utf-8-sig")).get("chapters")
    except (OSError, UnicodeDecodeError, ValueError, AttributeError, RecursionError):
        entries = None
    chapters = [_checked(entry) for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []
    kept = sorted((c for c in chapters if c is not None), key=lambda c: c["startTime"])
    if not kept:
        log.warning("%s holds no chapters sofacast can read; the chapters come from the questions instead", path.name)
        return None
    return chapters_json(kept)


def _checked(entry: dict[str, Any]) -> dict[str, Any] | None:
    start, title = entry.get("startTime"), plain_text(str(entry.get("title") or ""))[:MAX_TITLE_CHARS]
    if isinstance(start, bool) or not isinstance(start, (int, float)) or not 0 <= start < 1e7 or not title:
        return None
    checked = chapter(start, title)
    for key in ("url", "img"):
        link = safe_url(entry.get(key) if isinstance(entry.get(key), str) else None)
        if link:
            checked[key] = link
    return checked
