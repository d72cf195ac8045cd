"""Fault injection for the fault suite (tests/faults/): kill this process at a named point.

    SOFACAST_FAULT=pull:before-commit          SIGKILL the first time that point is reached
    SOFACAST_FAULT=atomic:before-rename@3      ... the third time

Unset (always, outside the tests), `checkpoint` is one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "SOFACAST_FAULT"
_reached: dict[str, int] = {}


def checkpoint(name: str) -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    point, _, nth = spec.partition("@")
    if point != name:
        return
    _reached[name] = _reached.get(name, 0) + 1
    if _reached[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
