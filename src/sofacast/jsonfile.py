"""Reading a JSON file sofacast wrote and a producer (or a damaged disk) may have changed since.

One outcome per case: the parsed value; MISSING when there is no file; UnreadableJson, with a reason
short enough for one line, when it is there but is not JSON sofacast could have written (not UTF-8,
truncated, NaN or Infinity, nested past Python's limit).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MISSING = object()


class UnreadableJson(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def reason(exc: BaseException) -> str:
    """What went wrong, in a few words for a one-line message."""
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8"), parse_constant=_no_constants)
    except FileNotFoundError:
        return MISSING
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise UnreadableJson(reason(exc)) from None
