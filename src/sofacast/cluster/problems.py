"""What goes wrong with a cluster, said in one line: the error, and the packages --cluster needs."""

from __future__ import annotations

import importlib.util

from sofacast.errors import SofacastError

INSTALL = "Install it with: pip install 'sofacast[cluster]'"


class ClusterError(SofacastError):
    """A cluster that cannot be reached or used."""


def need(module: str, problem: str) -> None:
    """ClusterError(problem) when `module` cannot be imported."""
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a module set to None in sys.modules: as good as missing
        found = False
    if not found:
        raise ClusterError(problem, INSTALL)


def reason(exc: BaseException) -> str:
    """The first line of what a library said, short enough for one error line."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= 120 else text[:119] + "…"
