"""A hostile corpus of feeds and pages served from 127.0.0.1: escaped, double- and triple-escaped markup,
CDATA, SVG, javascript:/data:/file: links and enclosures, control and bidi characters, 100 kB titles, an
XML bomb, XXE, not-XML, empty feeds, redirects to file://, redirect loops and servers that never answer.

For each: one clear line when it is refused (never a traceback), nothing written outside the workspace,
no secret read from the machine, no smuggled yt-dlp data, and no executable markup in any output."""

from __future__ import annotations

import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from sofacast.media import ffmpeg
from tests.conftest import RECORDINGS, ROOT
from tests.faults.conftest import assert_clean, measured, snapshot
from tests.faults.corpus import HostileServer, Source, write_corpus
from tests.faults.markup import workspace_problems

SECRET = "the contents of a private file on the producer's machine"
with tempfile.TemporaryDirectory() as _folder:  # the corpus's names, for parametrize
    NAMES = [s.name for s in write_corpus(Path(_folder), "http://127.0.0.1:1", Path("/nowhere"))]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Source], Path]]:
    folder = tmp_path_factory.mktemp("hostile-site")
    secret = tmp_path_factory.mktemp("private") / "secret.txt"
    secret.write_text(SECRET)
    (folder / "media").mkdir()
    clip = ffmpeg.decode(RECORDINGS / "capacity-building.mp3")[: 16000 * 3]
    ffmpeg.encode(clip, folder / "media" / "clip.mp3")
    with HostileServer(folder, hang_seconds=20) as server:
        sources = {s.name: s for s in write_corpus(folder, server.base, secret)}
        yield server.base, sources, secret


@pytest.fixture
def fresh_show(tmp_path: Path, cli) -> Path:
    root = tmp_path / "home" / "show"
    assert cli("init", root, "--title", "Hostile Test", "--author", "Elena Marsh", "--email", "e@example.org",
               "--base-url", "https://example.org/show", "--host", "Elena Marsh", "-q").exit_code == 0
    (root / "artwork.png").write_bytes((ROOT / "artwork.png").read_bytes())  # over the one init made
    (root / "sofacast.toml").write_text((root / "sofacast.toml").read_text().replace("[feed]\n", '[feed]\naudio = "original"\n'))
    return root


@pytest.mark.parametrize("name", NAMES)
def test_a_hostile_source_is_pulled_safely_or_refused_in_one_line(name: str, hostile, fresh_show: Path, cli, monkeypatch) -> None:
    base, sources, secret = hostile
    source = sources[name]
    monkeypatch.setenv("SOFACAST_SOCKET_TIMEOUT", "2")
    home = fresh_show.parent
    beside = snapshot(secret.parent)
    pulled = cli("pull", base + source.path, "-w", fresh_show)
    assert_clean(pulled)
    episodes = [p for p in (fresh_show / "episodes").iterdir() if (p / "episode.toml").is_file()]
    if source.pulls:
        assert episodes, pulled.output
    else:
        assert pulled.exit_code != 0 and not episodes
        assert len([line for line in pulled.stderr.splitlines() if line.startswith("Error: ")]) == 1, pulled.stderr
    for episode in episodes:  # not transcribed: published as they are (else held back), so the feed carries them
        (episode / "episode.toml").write_text("draft = false\n" + (episode / "episode.toml").read_text("utf-8"), "utf-8")
    for command in (["feed"], ["validate"], ["index"]):
        result = cli(*command, "-w", fresh_show)
        assert_clean(result)
    assert workspace_problems(fresh_show) == []
    for path in fresh_show.rglob("*"):
        if path.is_file() and path.suffix in (".toml", ".xml", ".md", ".html", ".json", ".txt"):
            text = path.read_text("utf-8", "replace")
            assert SECRET not in text and "__youtubedl_smuggle" not in text, path
    assert "__youtubedl_smuggle" not in pulled.output + pulled.stderr
    for episode in episodes:
        data = tomllib.loads((episode / "episode.toml").read_text("utf-8"))
        assert "\x1b" not in data["title"] and "<script" not in data["title"].lower() and len(data["title"]) <= 300
    assert snapshot(secret.parent) == beside and sorted(p.name for p in home.iterdir()) == ["show"]
    measured("hostile feeds and pages served from 127.0.0.1")
