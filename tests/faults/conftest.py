"""The fault and hostile-input suite: what it shares, and the figures it measures for the README.

Commands run the way a producer runs them: as the `sofacast` console script in a subprocess (so that a
SIGKILL, a second process or a hung server are real), or through Typer's CliRunner with
catch_exceptions=False (so that any traceback fails the test).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_sample_show

SUITE = Counter()  # figure -> count, printed at the end of the run (the README quotes them)


def measured(figure: str, amount: int = 1) -> None:
    SUITE[figure] += amount


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The whole suite is slow: it runs sofacast end to end on real media, often as whole processes."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if SUITE:
        terminalreporter.section("fault suite: what was tried")
        for figure, count in sorted(SUITE.items()):
            terminalreporter.write_line(f"{figure}: {count}")


@dataclass
class Run:
    code: int
    out: str
    err: str

    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def sofacast(*args: object, env: dict[str, str] | None = None, timeout: float = 300, cwd: Path | None = None,
             debug: bool = True) -> Run:
    """Run the sofacast command in a subprocess, as a producer would (`debug=False`: without SOFACAST_DEBUG, as users do)."""
    environment = {key: value for key, value in os.environ.items()
                   if key != "SOFACAST_FAULT" and (debug or key != "SOFACAST_DEBUG")}
    environment.update({"COLUMNS": "200", **(env or {})})
    done = subprocess.run([sys.executable, "-m", "sofacast", *map(str, args)], capture_output=True, text=True,
                          env=environment, timeout=timeout, cwd=cwd)
    return Run(done.returncode, done.stdout, done.stderr)


def assert_clean(run, *, failed: bool | None = None) -> None:
    """No traceback; every line on stderr is an Error or a Warning (one line each); the exit code says failure."""
    err = run.err if isinstance(run, Run) else run.stderr
    code = run.code if isinstance(run, Run) else run.exit_code
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert all(line.startswith(("Error: ", "Warning: ", "Waiting for ")) for line in lines), err
    if failed is True:
        assert code != 0 and any(line.startswith("Error: ") for line in lines), (code, err)
    elif failed is False:
        assert code == 0 and not any(line.startswith("Error: ") for line in lines), (code, err)
    else:
        assert (code == 0) == (not any(line.startswith("Error: ") for line in lines)), (code, err)


def assert_clean_findings(result) -> None:
    """`validate`: its findings on stdout ("where: field: problem", exit 1), nothing but Errors/Warnings on stderr."""
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1 and not result.stderr.strip():
        findings = [line for line in result.stdout.splitlines() if line.strip()]
        assert findings and all(line.count(": ") >= 2 for line in findings), result.stdout
    else:
        assert_clean(result)


def snapshot(root: Path, skip: tuple[str, ...] = (".sofacast",)) -> dict[str, str]:
    """Relative path -> sha256 of every file under `root` (symlinks as their target)."""
    found = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if relative.parts[0] in skip:
            continue
        if path.is_symlink():
            found[str(relative)] = "link:" + os.readlink(path)
        elif path.is_file():
            found[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


# Files a producer writes or that must never change once published.
def producer_files(root: Path) -> dict[str, str]:
    return {path: digest for path, digest in snapshot(root).items()
            if path == "sofacast.toml" or path.endswith("episode.toml") or path.startswith("artwork")
            or path == "feeds/guids.json" or (path.startswith("episodes/") and path.endswith((".mp3", ".flac", ".wav", ".m4a"))
                                              and ".podcast." not in path)}


def leftovers(root: Path) -> list[str]:
    """Temporary files and folders a killed run could have left behind."""
    found = []
    scratch = root / ".sofacast" / "tmp"
    if scratch.is_dir():
        found += [str(p.relative_to(root)) for p in scratch.iterdir()]
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if relative.parts[0] == ".sofacast":
            continue
        name = path.name
        if ".tmp" in name or name.endswith((".partial", ".old")) or name == ".downloads" or name == "programme.wav" \
                or (path.is_dir() and name.startswith("tmp")):
            found.append(str(relative))
    return found


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample show with its committed transcripts and feed, publishing the media as pulled (no encoding)."""
    root = copy_sample_show(tmp_path_factory.mktemp("template") / "show")
    (root / "feeds").mkdir(exist_ok=True)
    toml = root / "sofacast.toml"
    toml.write_text(toml.read_text().replace("[feed]\n", '[feed]\naudio = "original"\n'))
    shutil.copy(ROOT / "feeds" / "guids.json", root / "feeds")
    from typer.testing import CliRunner

    from sofacast.cli import app

    published = CliRunner().invoke(app, ["feed", "-q", "-w", str(root)], catch_exceptions=False)
    assert published.exit_code == 0, published.output
    return root


@pytest.fixture
def show(tmp_path: Path, sample_template: Path) -> Path:
    """A fresh copy of the sample show, inside a folder whose other contents must never change."""
    root = tmp_path / "home" / "show"
    shutil.copytree(sample_template, root, symlinks=True)
    (tmp_path / "home" / "outside").mkdir()
    (tmp_path / "home" / "outside" / "keep.txt").write_text("a file outside the workspace")
    return root


@pytest.fixture
def outside(show: Path) -> Iterator[Path]:
    """The folder beside the workspace; the test fails if anything in it is written or removed."""
    folder = show.parent / "outside"
    before = snapshot(folder)
    yield folder
    assert snapshot(folder) == before, "something was written outside the workspace"
    assert {p.name for p in show.parent.iterdir()} == {"show", "outside"}, "something was written beside the workspace"
