"""`transcribe --cluster`: the per-episode work on Dask workers (real LocalClusters of worker processes on
127.0.0.1, real Whisper inference on the sample show's recordings), only the client writing the workspace."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_EPISODES, copy_sample_show
from tests.requirements import DASK, require

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def needs_dask() -> None:
    """For the tests that run or reach a cluster: skipped without Dask, failed when SOFACAST_REQUIRE_DASK is set.
    (The test of what --cluster says without Dask needs no Dask, and runs either way.)"""
    require("distributed", DASK, "the cluster extra: pip install -e '.[cluster]'")


def said(root: Path, slug: str) -> list[tuple[float, float, str, str]]:
    data = json.loads((root / "transcripts" / f"{slug}.json").read_text())
    return [(s["start"], s["end"], s["speaker"], s["text"]) for s in data["segments"]]


@pytest.fixture(scope="module")
def local_run(needs_dask: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample show transcribed here, without a cluster: what a cluster's run must equal."""
    from typer.testing import CliRunner

    from sofacast.cli import app

    root = copy_sample_show(tmp_path_factory.mktemp("local") / "show", transcripts=())
    result = CliRunner().invoke(app, ["transcribe", "--all", "-w", str(root), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root


def remembered(root: Path) -> set[str]:
    book = root / "voiceprints.json"
    return set(json.loads(book.read_text())["people"]) if book.exists() else set()


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The episodes whose transcript this process writes, in order (the workers never write)."""
    from sofacast.transcribe import pipeline

    written: list[str] = []
    real = pipeline.write_transcript
    monkeypatch.setattr(pipeline, "write_transcript", lambda ws, t: written.append(t.episode) or real(ws, t))
    return written


def test_a_local_cluster_of_two_workers_writes_the_same_transcripts(local_run: Path, tmp_path: Path, cli,
                                                                     writes: list[str]) -> None:
    root = copy_sample_show(tmp_path / "show", transcripts=())
    result = cli("transcribe", "--all", "--cluster", "local:2", "-w", root)
    assert result.exit_code == 0, result.output
    assert sorted(writes) == sorted(SAMPLE_EPISODES)  # each written once, by this process
    for slug in SAMPLE_EPISODES:
        assert said(root, slug) == said(local_run, slug), slug
    assert remembered(root) == remembered(local_run)
    # A second run names voices the first one learned (here as in a local run); after that, nothing is sent again.
    assert cli("transcribe", "--all", "-w", root, "-q").exit_code == 0
    writes.clear()
    again = cli("transcribe", "--all", "--cluster", "local:2", "-w", root)
    assert again.exit_code == 0 and again.stdout.count("up to date") == len(SAMPLE_EPISODES), again.output
    assert writes == [] and "h of audio" not in again.stdout  # no episode went to a worker


def test_an_episode_whose_worker_dies_is_done_on_another(local_run: Path, tmp_path: Path, cli, writes: list[str]) -> None:
    from distributed import Client, LocalCluster

    root = copy_sample_show(tmp_path / "show", transcripts=())
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        pids = client.run(os.getpid)
        outcome: list = []
        thread = threading.Thread(target=lambda: outcome.append(
            cli("transcribe", "--all", "--cluster", cluster.scheduler_address, "-w", root, "-q")))
        thread.start()
        killed = None
        deadline = time.monotonic() + 120
        while killed is None and time.monotonic() < deadline:
            busy = [worker for worker, keys in client.processing().items() if any("sofacast-transcribe" in k for k in keys)]
            if busy:
                time.sleep(1.0)  # well into the episode: it has loaded the model and started decoding
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed = busy[0]
            time.sleep(0.05)
        thread.join(timeout=600)
    assert killed is not None and outcome and outcome[0].exit_code == 0, outcome and outcome[0].output
    assert sorted(writes) == sorted(SAMPLE_EPISODES)
    for slug in SAMPLE_EPISODES:
        assert said(root, slug) == said(local_run, slug), slug


def test_workers_on_shared_storage_read_the_media_where_it_is(local_run: Path, tmp_path: Path, cli) -> None:
    """--shared-storage: the job names the media's path (this machine's workers see the workspace) and no audio
    travels with it."""
    from sofacast.cluster import catalogue

    sent: list[object] = []
    real = catalogue.transcribe_episode

    def spy(job, media):  # runs on the worker; what it was given is returned alongside, to be looked at here
        return {"record": real(job, media), "media": media, "path": job.shared_path}

    root = copy_sample_show(tmp_path / "show", transcripts=())
    slug = SAMPLE_EPISODES[0]
    original = catalogue.transcript_from_dict
    catalogue.transcribe_episode = spy  # type: ignore[assignment]
    catalogue.transcript_from_dict = lambda data: (sent.append(data), original(data["record"]))[1]  # type: ignore[assignment]
    try:
        result = cli("transcribe", slug, "--cluster", "local:1", "--shared-storage", "-w", root)
    finally:
        catalogue.transcribe_episode, catalogue.transcript_from_dict = real, original
    assert result.exit_code == 0, result.output
    assert sent and sent[0]["media"] is None
    assert Path(sent[0]["path"]) == (root / "episodes" / slug / f"{slug}.mp3").resolve()
    assert said(root, slug) == said(local_run, slug)


def test_a_cluster_that_cannot_be_reached_is_one_line(needs_dask: None, tmp_path: Path, cli) -> None:
    root = copy_sample_show(tmp_path / "show", transcripts=())
    result = cli("transcribe", "--all", "--cluster", "tcp://127.0.0.1:9", "-w", root)
    assert result.exit_code == 1 and "Traceback" not in result.output
    line, = result.stderr.strip().splitlines()
    assert line.startswith("Error: cannot reach the Dask cluster at tcp://127.0.0.1:9") and "dask scheduler" in line
    assert not list((root / "transcripts").glob("*.json"))


def test_an_address_that_is_not_one_is_one_line(needs_dask: None, tmp_path: Path, cli) -> None:
    root = copy_sample_show(tmp_path / "show", transcripts=())
    result = cli("transcribe", "--all", "--cluster", "my-laptop", "-w", root)
    line, = result.stderr.strip().splitlines()
    assert result.exit_code == 1 and "is not a cluster's address" in line


def test_publish_transcribes_on_the_cluster_and_chunks_and_publishes_here(needs_dask: None, tmp_path: Path,
                                                                          workspace: Path, cli) -> None:
    import shutil

    from tests.conftest import ROOT

    source = tmp_path / "capacity-building.mp3"
    shutil.copy(ROOT / "samples/recordings/capacity-building.mp3", source)
    result = cli("publish", source, "--slug", "capacity-building", "--guest", "Tomas Okafor", "--guest", "Henrik Sato",
                 "--question", "What does cyber capacity building mean in practice?", "--cluster", "local:1", "-w", workspace)
    assert result.exit_code == 0, result.output
    assert "transcribed: capacity-building" in result.stdout and "chunked: capacity-building" in result.stdout
    assert "feed: 1 episode, written" in result.stdout
    assert (workspace / "transcripts" / "capacity-building.chunks.json").is_file()


def test_without_dask_the_cluster_option_is_one_line(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the cluster extra were not installed
    root = copy_sample_show(tmp_path / "show", transcripts=())
    result = cli("transcribe", "--all", "--cluster", "local", "-w", root)
    line, = result.stderr.strip().splitlines()
    assert result.exit_code == 1 and line == ("Error: --cluster needs Dask, which is not installed. "
                                              "Install it with: pip install 'sofacast[cluster]'")
