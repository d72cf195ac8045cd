"""Shared fixtures: real recordings, throwaway workspaces, a local HTTP server for yt-dlp."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sofacast.cli import app

ROOT = Path(__file__).resolve().parent.parent
# Real human speech (faster-whisper's MIT-licensed test clips; see tests/data/NOTICE.md).
REAL_SPEECH = ROOT / "tests" / "data"
RECORDINGS = ROOT / "samples" / "recordings"
JFK_TEXT = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."


SAMPLE_EPISODES = ["norms-in-cyberspace", "the-attribution-problem", "capacity-building"]


def copy_sample_show(root: Path, media: bool = True, transcripts: tuple[str, ...] | None = None) -> Path:
    """The repository's sample show, without generated outputs: sofacast.toml, artwork, each episode's
    episode.toml (and media), and its committed transcript files (all, or those with the given suffixes)."""
    root.mkdir(parents=True)
    for name in ("sofacast.toml", "artwork.png"):
        shutil.copy(ROOT / name, root)
    (root / "transcripts").mkdir()
    for slug in SAMPLE_EPISODES:
        folder = root / "episodes" / slug
        folder.mkdir(parents=True)
        for name in ("episode.toml", f"{slug}.mp3") if media else ("episode.toml",):
            shutil.copy(ROOT / "episodes" / slug / name, folder)
        for path in (ROOT / "transcripts").glob(f"{slug}.*"):
            if transcripts is None or path.name[len(slug):] in transcripts:
                shutil.copy(path, root / "transcripts")
    return root


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # The openai-whisper checkpoint converted from the bundled model is cached per test session.
    patch = pytest.MonkeyPatch()
    patch.setenv("SOFACAST_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    patch.delenv("SOFACAST_WORKSPACE", raising=False)
    # An unexpected error is one line for a producer; in the tests it must stay a traceback, so that it fails them.
    patch.setenv("SOFACAST_DEBUG", "1")
    yield
    patch.undo()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner: CliRunner):
    def invoke(*args: str):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def workspace(tmp_path: Path, cli) -> Path:
    root = tmp_path / "show"
    result = cli("init", root, "--title", "Test Sofa", "--author", "Elena Marsh", "--email", "e@example.org",
                 "--base-url", "https://example.org/show", "--host", "Elena Marsh")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def jfk(tmp_path: Path) -> Path:
    target = tmp_path / "jfk.flac"
    shutil.copy(REAL_SPEECH / "jfk.flac", target)
    return target


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that stops reading early (yt-dlp sniffing a media file) is not a failure of the test


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served on 127.0.0.1 (no other network is used by the tests)."""
    folder = tmp_path / "site"
    folder.mkdir()
    server = _QuietServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
