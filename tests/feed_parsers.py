"""Third-party podcast feed parsers, for tests that read a feed the way podcast apps do.

- `parse_with_partytime`: podcast-partytime (npm), the Podcasting 2.0 parser Podverse uses, run with node
  (tests/node/parse_feed.mjs). It needs node and `npm ci --prefix tests/node`; without them its tests are
  skipped, unless SOFACAST_REQUIRE_NODE is set (CI sets it), where a missing node fails them instead.
- `parse_with_podcastparser`: gPodder's podcastparser, its own code (not as sofacast adapts it).
- `parse_with_feedparser`: feedparser (keeps only the last of repeated `podcast:*` tags of an item).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import feedparser
import podcastparser

from tests.requirements import missing, required

NODE_DIR = Path(__file__).resolve().parent / "node"
PARTYTIME_SCRIPT = NODE_DIR / "parse_feed.mjs"
PODCAST_NAMESPACE = "https://podcastindex.org/namespace/1.0"


def node_required() -> bool:
    """Whether a missing node (or missing tests/node/node_modules) fails the tests rather than skips them:
    when SOFACAST_REQUIRE_NODE is set to anything but the empty string (CI sets it to 1)."""
    return required("SOFACAST_REQUIRE_NODE")


def _node_missing(reason: str) -> NoReturn:
    missing(reason, "SOFACAST_REQUIRE_NODE")


def node_with(package: str) -> str:
    """node, with `package` installed in tests/node; else the test is skipped (or fails, see node_required)."""
    node = shutil.which("node")
    if node is None:
        _node_missing(f"node is not installed: the {package} tests need it (apt-get install nodejs npm)")
    if not (NODE_DIR / "node_modules" / package).is_dir():
        _node_missing(f"{package} is not installed: run `npm ci --prefix tests/node`")
    return node


def _run_partytime(paths: list[Path], many: bool, allow_missing_guid: bool) -> Any:
    node = node_with("podcast-partytime")
    command = [node, str(PARTYTIME_SCRIPT), *(["--many"] if many else []), *(str(path) for path in paths)]
    if allow_missing_guid:
        command.append("--allow-missing-guid")
    # cwd is tests/node, where partytime's dotenv finds no .env; PARTYTIME_LOG keeps its pino logger off stdout.
    result = subprocess.run(command, cwd=NODE_DIR, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PARTYTIME_LOG": "silent", "NODE_ENV": "test"})
    if result.returncode != 0:
        raise AssertionError(f"partytime could not parse {', '.join(map(str, paths))} (exit {result.returncode}):\n"
                             f"{result.stderr}")
    return json.loads(result.stdout)


def parse_with_partytime(path: Path | str, allow_missing_guid: bool = False) -> dict[str, Any]:
    """The feed at `path` as podcast-partytime's `parseFeed` reads it (its FeedObject as JSON; dates are ISO
    8601 strings, an invalid date is None). Items partytime drops (no enclosure; no guid, unless
    `allow_missing_guid`) are not in `items`. A feed partytime cannot parse at all fails the test."""
    parsed: dict[str, Any] = _run_partytime([Path(path).resolve()], many=False, allow_missing_guid=allow_missing_guid)
    return parsed


def parse_many_with_partytime(paths: list[Path], allow_missing_guid: bool = False) -> dict[Path, dict[str, Any] | None]:
    """Like parse_with_partytime for each path, with one start of node; None where partytime returns null."""
    resolved = [Path(path).resolve() for path in paths]
    parsed = _run_partytime(resolved, many=True, allow_missing_guid=allow_missing_guid)
    return {path: parsed[str(path)] for path in resolved}


def pristine_podcastparser(canonical_namespace: bool = True) -> ModuleType:
    """A private instance of the podcastparser module, as its authors wrote it.

    sofacast.pull.feed_xml adapts the shared `podcastparser` module when it is imported (it registers namespaces
    and replaces entries of podcastparser.MAPPING), so in a test process that module is partly sofacast's. An
    independent reading needs podcastparser's own code: this loads the same file again as a separate module.

    With `canonical_namespace`, the Podcasting 2.0 namespace's canonical URI is registered in its
    Namespace.NAMESPACES. podcastparser (0.6.11) maps the namespace to its `podcast:` tags only under the old
    GitHub URLs (.../podcast-namespace/blob/main/docs/1.0.md); under https://podcastindex.org/namespace/1.0,
    which sofacast writes and the namespace's own example feed uses, it turns the tags into "!podcast:..." and
    ignores them: no transcript, chapters or people. Registering the URI is all it takes; the copy is private,
    so no other test sees the change.
    """
    spec = importlib.util.spec_from_file_location("_pristine_podcastparser", podcastparser.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if canonical_namespace:
        module.Namespace.NAMESPACES[PODCAST_NAMESPACE] = "podcast"
    return module


_podcastparser = functools.cache(pristine_podcastparser)


def parse_with_podcastparser(path: Path | str, url: str | None = None) -> dict[str, Any]:
    """The feed at `path` as podcastparser reads it (its own code, see pristine_podcastparser); relative links
    are resolved against `url` (default: the file's own file:// URL). It keeps one podcast:transcript per item
    (`transcript_url`, the last tag's)."""
    path = Path(path).resolve()
    with open(path, "rb") as handle:
        parsed: dict[str, Any] = _podcastparser().parse(url or path.as_uri(), handle)
    return parsed


def parse_with_feedparser(path: Path | str, url: str | None = None) -> Any:
    """The feed at `path` as feedparser reads it (a FeedParserDict); relative links are resolved against `url`.
    The bytes are given, never a URL, so feedparser never goes to the network."""
    headers = {"content-type": "application/xml"}  # so that the XML declaration or BOM names the encoding
    if url:
        headers["content-location"] = url
    return feedparser.parse(Path(path).read_bytes(), response_headers=headers)
