"""Fault injection for the fault suite (tests/faults/): kill this process at a named point.

    SOFACAST_FAULT=pull:before-commit          SIGKILL the first time that point is reached
    SOFACAST_FAULT=atomic:before-rename@3      ... the third time
    SOFACAST_FAULT=no-rename-exchange,...      behave as on a system without renameat2 (comma-separated)

Unset (always, outside the tests), `checkpoint` is one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "SOFACAST_FAULT"
_reached: dict[str, int] = {}


def _items() -> list[str]:
    return [item for item in os.environ.get(ENV, "").split(",") if item]


def active(flag: str) -> bool:
    return flag in _items()


def checkpoint(name: str) -> None:
    if ENV not in os.environ:
        return
    for item in _items():
        point, _, nth = item.partition("@")
        if point != name:
            continue
        _reached[name] = _reached.get(name, 0) + 1
        if _reached[name] >= int(nth or 1):
            os.kill(os.getpid(), signal.SIGKILL)
