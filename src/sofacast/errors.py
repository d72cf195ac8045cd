"""Domain errors. The library raises them; only the CLI turns them into messages and exit codes."""

import re


class SofacastError(Exception):
    """A problem the user can fix. `hint` says how."""

    exit_code = 1

    def __init__(self, problem: str, hint: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.hint = hint

    def one_line(self) -> str:
        text = self.problem.rstrip(".")
        return f"{text}. {self.hint}" if self.hint else f"{text}."


class WorkspaceError(SofacastError):
    """No workspace, or a malformed sofacast.toml / episode.toml."""


class UnknownEpisodeError(SofacastError):
    """A slug that is not in episodes/."""


class SourceError(SofacastError):
    """A source URL or file that cannot be pulled."""


class MediaError(SofacastError):
    """Media that cannot be decoded."""


class ModelError(SofacastError):
    """A Whisper model that cannot be found, verified or loaded."""


class EngineError(SofacastError):
    """A transcription engine that is unknown or not installed."""


class FeedError(SofacastError):
    """A feed that would break podcast apps; the published one is kept."""


class EpisodeFailures(SofacastError):
    """Some episodes could not be done; the others were. One line per episode."""

    def __init__(self, failures: list[tuple[str, SofacastError]]) -> None:
        super().__init__(f"{len(failures)} episode(s) failed")
        self.failures = failures

    def lines(self) -> list[str]:
        found = []
        for slug, error in self.failures:
            text = error.one_line()
            found.append(text if re.search(rf"(?<![\w-]){re.escape(slug)}(?![\w-])", text) else f"{slug}: {text}")
        return found
