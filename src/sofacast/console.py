"""What the CLI shows on a terminal: progress bars when stderr is a TTY, nothing otherwise."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)
# What a terminal would act on rather than show: control characters (ANSI escapes) and bidi overrides.
_TERMINAL_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str, one_line: bool = True) -> str:
    """Text from anywhere (a pulled title, a file name) made safe to print: it cannot drive the terminal."""
    text = _TERMINAL_CONTROLS.sub(" ", text)
    return " ".join(text.split()) if one_line else text


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 episode', '3 episodes': a count the CLI prints always agrees with its noun."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def error(message: str) -> None:
    # The message is plain text: [brackets] in it (TOML tables, URLs) must not be read as markup.
    err.print(f"[bold red]Error:[/] {escape(terminal_text(message))}", soft_wrap=True)


def note(message: str) -> None:
    err.print(escape(terminal_text(message)), soft_wrap=True)


class WarningLines(logging.Handler):
    """The library's warnings (logging, logger "sofacast"), one line each on stderr, each said once per command."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.said: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        text = terminal_text(record.getMessage())
        if text not in self.said:
            self.said.add(text)
            err.print(f"[yellow]Warning:[/] {escape(text)}", soft_wrap=True)


warnings = WarningLines()
library_log = logging.getLogger("sofacast")
library_log.addHandler(warnings)
library_log.setLevel(logging.WARNING)
library_log.propagate = False


def interactive(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


class Bar:
    """One progress bar; a no-op when the output is not a terminal or --quiet is given."""

    def __init__(self, progress: Progress | None, task: TaskID | None) -> None:
        self._progress, self._task = progress, task

    def update(self, done: float, total: float | None, description: str | None = None) -> None:
        if self._progress is not None and self._task is not None:
            # Descriptions name episodes (pulled titles): shown as text, never read as rich markup.
            shown = escape(terminal_text(description)) if description else None  # None: the description stays
            self._progress.update(self._task, completed=done, total=total, description=shown)


@contextmanager
def seconds_bar(label: str, quiet: bool) -> Iterator[Bar]:
    """A bar counted in seconds of audio."""
    if not interactive(quiet):
        yield Bar(None, None)
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:>6.0f}/{task.total:.0f} s"),
               TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        yield Bar(progress, progress.add_task(label, total=1.0))  # the real total arrives with the first update


@contextmanager
def bytes_bar(label: str, quiet: bool) -> Iterator[Bar]:
    if not interactive(quiet):
        yield Bar(None, None)
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), console=err, transient=True) as progress:
        yield Bar(progress, progress.add_task(label, total=None))


@contextmanager
def episodes_bar(label: str, quiet: bool) -> Iterator[Bar]:
    """A bar counted in episodes; the description says how fast it goes."""
    if not interactive(quiet):
        yield Bar(None, None)
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("episodes"),
               TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        yield Bar(progress, progress.add_task(label, total=None))


@contextmanager
def stage_bar(label: str, quiet: bool) -> Iterator[Bar]:
    """A bar in percent, for work whose unit changes from stage to stage; the description names the stage."""
    if not interactive(quiet):
        yield Bar(None, None)
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        yield Bar(progress, progress.add_task(label, total=None))
