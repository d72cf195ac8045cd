"""Podcasting 2.0 JSON chapters (version 1.2.0): the intro, then one chapter per question."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sofacast.records import Chunk
from sofacast.sanitize import plain_text

VERSION = "1.2.0"
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
        chapters.append({"startTime": round(start, 3), "title": title})
    return {"version": VERSION, "chapters": chapters}
