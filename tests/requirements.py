"""Optional tools and packages some tests need: without one, those tests are skipped, unless its "required"
switch is set (CI sets them all, see .ci/run), where a missing one fails them instead, so that a failed install
cannot pass CI unnoticed. A switch is on when its environment variable is set to anything but the empty string.

- SOFACAST_REQUIRE_NODE: node and tests/node's packages (tests/feed_parsers.py)
- SOFACAST_REQUIRE_BROWSER: Chromium, Playwright and axe-core (tests/test_site_browser.py)
- SOFACAST_REQUIRE_DASK: dask.distributed, the `cluster` extra (tests/test_cluster.py)
- SOFACAST_REQUIRE_OPENAI_WHISPER: openai-whisper and torch, the `openai` extra
- SOFACAST_REQUIRE_ONNX: the `onnx` package, in the `test` extra (reads the voice encoder's graph back)

Only a test that needs the package asks for it: one that works without it (the "Dask is not installed"
message) never skips with it.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest

DASK = "SOFACAST_REQUIRE_DASK"
OPENAI_WHISPER = "SOFACAST_REQUIRE_OPENAI_WHISPER"
ONNX = "SOFACAST_REQUIRE_ONNX"


def required(env_var: str) -> bool:
    """Whether `env_var` is set to anything but the empty string: then a missing tool fails, not skips."""
    return os.environ.get(env_var, "") != ""


def missing(reason: str, env_var: str) -> NoReturn:
    """Skip the test (or the module, when called at import) for `reason`; fail it instead when `env_var` is set."""
    __tracebackhide__ = True  # a skip or failure is reported where the test or module asked, not here
    if required(env_var):
        pytest.fail(f"{reason} ({env_var} is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require(module: str, env_var: str, install: str) -> ModuleType:
    """`module`, imported; without it the test is skipped, or fails when `env_var` is set.
    `install` says how to get it, e.g. "the cluster extra: pip install -e '.[cluster]'"."""
    __tracebackhide__ = True
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        problem = "is not installed" if exc.name == module else f"cannot be imported ({exc})"
    missing(f"{module} {problem}: {install}", env_var)  # outside `except`: the report is this one line
