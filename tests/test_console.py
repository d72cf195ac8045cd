"""What the terminal shows: progress bars, help texts, the version; and that text from outside cannot drive it."""

from __future__ import annotations

import io
import re
from importlib.metadata import version

import pytest
from rich.console import Console

from sofacast import __version__, console
from sofacast.cli import app

COMMANDS = ["init", "pull", "transcribe", "chunk", "feed", "publish", "search", "index", "validate"]


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """stderr as a terminal: CliRunner and pytest never are one, so the TTY check is answered yes."""
    screen = io.StringIO()
    monkeypatch.setattr(console, "err", Console(file=screen, force_terminal=True, width=100, highlight=False))
    monkeypatch.setattr(console, "interactive", lambda quiet: not quiet)
    return screen


def test_progress_bars_draw_on_a_terminal(terminal: io.StringIO) -> None:
    with console.seconds_bar("Transcribing ep", quiet=False) as bar:
        bar.update(3.0, 11.0)
        bar.update(11.0, 11.0, "Finding speakers in [bold]ep")
    with console.bytes_bar("Downloading", quiet=False) as bar:
        bar.update(2048, 2048, "ep")
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal.getvalue())
    assert "11/11 s" in drawn
    assert "Finding speakers in [bold]ep" in drawn  # a title with brackets is shown, not read as markup
    assert "2.0/2.0 kB" in drawn


def test_no_bars_when_quiet(terminal: io.StringIO) -> None:
    with console.seconds_bar("Transcribing ep", quiet=True) as bar:
        bar.update(3.0, 11.0)
    assert terminal.getvalue() == ""


def test_terminal_text_cannot_drive_the_terminal() -> None:
    assert console.terminal_text("Episode\x1b[2J one\u202e\n two") == "Episode [2J one two"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_what_to_type_and_every_command_has_quiet(runner, command: str) -> None:
    shown = runner.invoke(app, [command, "--help"], terminal_width=200).output
    assert not re.search(r"<(bool|str|int|float|path|list\[\w+\])>", shown), shown  # typer's Python types
    assert "--quiet" in shown and "-q" in shown
    assert re.search(r"--help\s+Show this message", shown)  # a flag carries no value label


def test_version_is_the_packages_one(runner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output == f"sofacast {__version__}\n"
    assert version("sofacast") == __version__
