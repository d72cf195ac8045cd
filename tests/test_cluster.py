"""`transcribe --cluster`: the per-episode work on Dask workers (real LocalClusters of worker processes on
127.0.0.1, real Whisper inference on the sample show's recordings), only the client writing the workspace."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cluster_tls import TlsFiles, write_tls_files
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


# -- the cluster's trust: TLS --------------------------------------------------------------------------------

# The README's `dask worker` line: one episode at a time, without the sampling profiler or MALLOC_TRIM_THRESHOLD_.
WORKER_ENV = {"DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False", "DASK_DISTRIBUTED__NANNY__PRE_SPAWN_ENVIRON": "{}"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _security(files: TlsFiles):
    from distributed.security import Security

    return Security(require_encryption=True, tls_ca_file=str(files.ca_file), tls_client_cert=str(files.cert),
                    tls_client_key=str(files.key))


def _wait_for_workers(address: str, files: TlsFiles, count: int, seconds: float = 180) -> None:
    from distributed import Client

    deadline = time.monotonic() + seconds
    while True:
        try:
            with Client(address, security=_security(files), timeout=10) as client:
                client.wait_for_workers(count, timeout=max(1.0, deadline - time.monotonic()))
                return
        except (OSError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.fixture
def tls_cluster(needs_dask: None, tmp_path: Path) -> Iterator[tuple[str, TlsFiles]]:
    """A scheduler and two workers started with Dask's own CLI, as the README's lines start them, over TLS with
    certificates made here, listening on 127.0.0.1 only. Their output is in tmp_path/logs."""
    files = write_tls_files(tmp_path / "tls")
    dask = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
    assert dask, "Dask's command line (dask) is not installed beside this Python"
    tls = ["--tls-ca-file", files.ca_file, "--tls-cert", files.cert, "--tls-key", files.key]
    address = f"tls://127.0.0.1:{_free_port()}"
    (tmp_path / "logs").mkdir()
    started: list[subprocess.Popen] = []

    def start(name: str, *args: object) -> None:
        with (tmp_path / "logs" / f"{name}.log").open("w") as log:
            started.append(subprocess.Popen([dask, *map(str, args)], stdout=log, stderr=subprocess.STDOUT,
                                            env={**os.environ, **WORKER_ENV}))

    try:
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1], "--protocol", "tls",
              "--no-dashboard", *tls)
        for n in range(2):
            start(f"worker-{n}", "worker", address, "--host", "127.0.0.1", "--nthreads", 1, "--no-dashboard", *tls)
        _wait_for_workers(address, files, 2)
        yield address, files
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_tls_cluster_started_with_dasks_own_cli_writes_the_same_transcripts(local_run: Path, tls_cluster, tmp_path: Path,
                                                                              cli, writes: list[str]) -> None:
    address, files = tls_cluster
    root = copy_sample_show(tmp_path / "show", transcripts=())
    toml = root / "sofacast.toml"
    plain = toml.read_text()
    toml.write_text(plain + f"\n[cluster]\nca_file = {json.dumps(str(files.ca_file))}\ncert = {json.dumps(str(files.cert))}\n"
                            f"key = {json.dumps(str(files.key))}\nrequire_tls = true\n")
    result = cli("transcribe", "--all", "--cluster", address, "-w", root)
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr and "h of audio per hour" in result.stdout
    assert sorted(writes) == sorted(SAMPLE_EPISODES)  # each written once, by this process
    for slug in SAMPLE_EPISODES:
        assert said(root, slug) == said(local_run, slug), slug
    assert remembered(root) == remembered(local_run)
    # Without [cluster], Dask's own settings (as an existing cluster's machines have them) reach it just as well;
    # with neither, one line says what is missing and the two ways to give it.
    toml.write_text(plain)
    dask_tls = {"DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(files.ca_file),
                "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT": str(files.cert),
                "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": str(files.key)}
    bare = {key: value for key, value in os.environ.items() if not key.startswith("DASK_")}

    def run(env: dict[str, str]) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "sofacast", "transcribe", "--all", "--cluster", address, "-w", str(root)],
                              capture_output=True, text=True, env=env, timeout=300)

    again = run({**bare, **dask_tls})
    assert again.returncode == 0 and again.stdout.count("up to date") == len(SAMPLE_EPISODES), again.stdout + again.stderr
    without = run(bare)
    line, = without.stderr.strip().splitlines()
    assert without.returncode == 1 and line.startswith(f"Error: --cluster {address} needs TLS certificates, and none are set")
    assert "[cluster] in sofacast.toml" in line and "DASK_DISTRIBUTED__COMM__TLS__CA_FILE" in line


def test_a_local_cluster_talks_tls_with_a_key_made_for_the_run(needs_dask: None) -> None:
    """Another user of this machine can reach a local cluster's ports on 127.0.0.1, but neither in clear nor with
    a certificate of their own can they send it work (before: tcp://, and any local user could)."""
    import operator

    from distributed import Client
    from distributed.security import Security

    from sofacast.cluster.connect import cluster_target, connected

    with connected(cluster_target("local:1")) as client:
        address = client.scheduler.address
        assert address.startswith("tls://127.0.0.1:"), address
        assert client.submit(operator.add, 1, 2).result() == 3
        for intruder in ({"address": address.replace("tls://", "tcp://", 1)},
                         {"address": address, "security": Security.temporary()}):
            with pytest.raises((OSError, TimeoutError)):
                Client(**intruder, timeout=3)


def test_a_plain_address_off_this_machine_is_said_to_be_unencrypted(needs_dask: None, tmp_path: Path, cli,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """One warning line naming the risk; none for this machine's own addresses; an error with require_tls = true.
    Nothing here connects anywhere: `connected` is replaced (192.0.2.10 is an address for documentation)."""
    from sofacast.cluster import catalogue
    from sofacast.cluster.connect import ClusterError

    tried: list[str] = []

    def not_connecting(target):
        tried.append(getattr(target, "address", target))
        raise ClusterError("not connecting in a test")

    monkeypatch.setattr(catalogue, "connected", not_connecting)
    root = copy_sample_show(tmp_path / "show", media=False, transcripts=())
    far = cli("transcribe", "--all", "--cluster", "tcp://192.0.2.10:8786", "-w", root)
    warning, error = far.stderr.strip().splitlines()
    assert warning == ("Warning: --cluster tcp://192.0.2.10:8786 is not encrypted: anyone who can reach the scheduler can "
                       "run code on its workers, and a rogue scheduler or worker can send this machine pickles that run "
                       "code here. Use a tls:// address with certificates, or set [cluster] require_tls = true in "
                       "sofacast.toml to refuse plain addresses")
    assert error == "Error: not connecting in a test." and far.exit_code == 1
    for here in ("tcp://127.0.0.1:8786", "tcp://localhost:8786", "tcp://[::1]:8786"):
        near = cli("transcribe", "--all", "--cluster", here, "-w", root)
        assert near.stderr.strip() == "Error: not connecting in a test.", near.stderr
    toml = root / "sofacast.toml"
    toml.write_text(toml.read_text() + "\n[cluster]\nrequire_tls = true\n")
    refused = cli("transcribe", "--all", "--cluster", "tcp://192.0.2.10:8786", "-w", root)
    line, = refused.stderr.strip().splitlines()
    assert refused.exit_code == 1 and line == (
        "Error: --cluster tcp://192.0.2.10:8786 is not encrypted, and sofacast.toml's [cluster] require_tls = true "
        "refuses it. Use the scheduler's tls:// address (tls://192.0.2.10:8786, with its certificates: see the "
        "README's cluster trust section).")
    assert tried == ["tcp://192.0.2.10:8786", "tcp://127.0.0.1:8786", "tcp://localhost:8786", "tcp://[::1]:8786"]
