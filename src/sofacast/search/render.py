"""Search hits as a readable table (rich) or as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from sofacast.console import terminal_text
from sofacast.formats.timestamps import short_clock
from sofacast.search.service import Result


def hits_json(results: Sequence[Result]) -> str:
    return json.dumps([result.as_dict() for result in results], ensure_ascii=False, indent=1)


def highlighted(snippet: str) -> Text:
    """The snippet with the matched words in bold (FTS5 marks them with \\x02 ... \\x03)."""
    text = Text()
    for index, piece in enumerate(snippet.replace("\x03", "\x02").split("\x02")):
        text.append(terminal_text(piece, one_line=False), style="bold yellow" if index % 2 else "")
    return text


def _part(chunk: str) -> str:
    for part in ("intro", "outro"):
        if chunk.endswith(f"-{part}"):
            return f"({part})"
    return ""


def hits_table(results: Sequence[Result]) -> Table:
    """One row per hit: where (episode and time, linked to the audio), who, which question, the passage."""
    widest = max(len(result.hit.passage.episode) for result in results)
    table = Table(show_lines=True, expand=True)
    table.add_column("where", min_width=min(30, widest), overflow="fold")
    table.add_column("speaker", min_width=12)
    table.add_column("question", ratio=2)
    table.add_column("passage", ratio=4)
    for result in results:
        passage = result.hit.passage
        where = Text(passage.episode + "\n")
        where.append(f"{short_clock(passage.start)}–{short_clock(passage.end)}", style=f"link {result.link}")
        # Text cells: what transcripts say is shown as it is, never read as rich markup or terminal codes.
        table.add_row(where, Text(terminal_text(passage.speaker)), Text(terminal_text(passage.question or _part(passage.chunk))),
                      highlighted(result.hit.snippet))
    return table
