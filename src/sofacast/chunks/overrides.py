"""Human edits win: a `chunks` list in episode.toml fixes where chunks start (and, optionally, their question).

    [[chunks]]
    start = 0.0
    [[chunks]]
    start = "1:02.5"      # seconds, or m:ss / h:mm:ss
    question = 2          # optional: notes question number, a question's text, or "" for none

Without `question`, a chunk keeps what detection found at (or within a few seconds of) that start.
A chunk with no question before every question is the intro, and the last one after them all the
outro, as a person reading the list would take them; `kind = "intro" | "outro" | "section"` says it outright.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sofacast.chunks.build import Boundary
from sofacast.errors import WorkspaceError
from sofacast.records import Episode
from sofacast.schema import parse_clock

# A detected question this close to an edited start is taken to be the one the editor moved.
NEAR_SECONDS = 10.0


def _problem(episode: Episode, what: str) -> WorkspaceError:
    return WorkspaceError(f"episodes/{episode.slug}/episode.toml: {what}",
                          'Write each chunk as [[chunks]] with start = SECONDS (or "m:ss") and optionally question = N.')


def edited_boundaries(episode: Episode, detected: Sequence[Boundary]) -> list[Boundary] | None:
    entries = episode.extra.get("chunks")
    if entries is None:
        return None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and "start" in e for e in entries):
        raise _problem(episode, "'chunks' must be a list of tables, each with a start")
    edits = sorted(((_boundary(episode, entry, detected), entry.get("kind")) for entry in entries), key=lambda e: e[0].start)
    return _openings_and_closings([boundary for boundary, _ in edits], [kind for _, kind in edits])


def _openings_and_closings(boundaries: list[Boundary], kinds: list[str | None]) -> list[Boundary]:
    """The first chunk without a question before every question is the intro, the last one after them all the
    outro (unless the editor said what each one is); an intro or outro anywhere else is a plain section."""
    asked = [index for index, boundary in enumerate(boundaries) if boundary.kind == "question"]
    plain = [index for index, b in enumerate(boundaries) if b.kind != "question" and kinds[index] is None]
    guessed: dict[int, str] = {}
    if asked:
        before, after = [i for i in plain if i < asked[0]], [i for i in plain if i > asked[-1]]
        guessed = {**({before[0]: "intro"} if before else {}), **({after[-1]: "outro"} if after else {})}
    result, seen = [], set()
    for index, boundary in enumerate(boundaries):
        kind = kinds[index] or guessed.get(index) or boundary.kind
        misplaced = asked and kinds[index] is None and (
            (kind == "intro" and index > asked[0]) or (kind == "outro" and index < asked[-1]))
        if kind in ("intro", "outro") and (kind in seen or misplaced):
            kind = "section"
        seen.add(kind)
        result.append(boundary if kind == boundary.kind else Boundary(boundary.start, kind))
    return result


def _boundary(episode: Episode, entry: dict[str, Any], detected: Sequence[Boundary]) -> Boundary:
    try:
        start = parse_clock(entry["start"])
    except ValueError:
        raise _problem(episode, f"chunk start {entry['start']!r} is not a time") from None
    if entry.get("kind") is not None:
        if entry.get("question") not in (None, ""):
            raise _problem(episode, f"the chunk at {entry['start']!r} has both a question and kind = {entry['kind']!r}")
        return Boundary(start, str(entry["kind"]))
    nearest = min(detected, key=lambda b: abs(b.start - start), default=None)
    found = nearest if nearest is not None and abs(nearest.start - start) <= NEAR_SECONDS else None
    if "question" not in entry:
        if found is None:
            return Boundary(start, "section")
        return Boundary(start, found.kind, found.asked, found.asked_by, found.question_index)
    question = entry["question"]
    asked_by = found.asked_by if found else None
    asked = found.asked if found else None
    if question is None or question is False or question == "":  # not `in (...)`: 0 == False would make 0 a section
        return Boundary(start, "section")
    if isinstance(question, int) and not isinstance(question, bool):
        if not 1 <= question <= len(episode.questions):
            raise _problem(episode, f"chunk question {question} is not in 1..{len(episode.questions)}")
        return Boundary(start, "question", asked, asked_by, question)
    text = str(question).strip()
    for index, written in enumerate(episode.questions, 1):
        if written.strip().lower() == text.lower():
            return Boundary(start, "question", asked, asked_by, index)
    return Boundary(start, "question", text, asked_by, None)
