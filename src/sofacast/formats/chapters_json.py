"""The Podcasting 2.0 JSON chapters format (podcast:chapters, type application/json+chapters).

    {"version": "1.2.0", "chapters": [{"startTime": 0.0, "title": "Introduction"}, {"startTime": 38.9, "title": "…"}]}

Written by `chunk` (one chapter per question), by `feed` (a shifted copy when an intro clip moves them) and by
`pull` (a publisher's Podlove chapters kept in this form).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

VERSION = "1.2.0"


def chapter(start: float, title: str) -> dict[str, Any]:
    return {"startTime": round(float(start), 3), "title": title}


def chapters_json(chapters: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"version": VERSION, "chapters": list(chapters)}
