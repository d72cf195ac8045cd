"""One-hour publish benchmark: `publish` of a long recording into a fresh copy of the sample show, with
each stage's wall time and peak memory (proportional set size of this process and its ffmpeg children
together, sampled every 50 ms), against the targets of ≤ 1 GiB for one hour and ≤ 1.5 GiB for three.

The recording is the benchmark interview (benchmarks/data/interview-4min.mp3) looped to the length asked
for and encoded as a podcast producer's upload usually is: stereo, 44.1 kHz, 128 kb/s MP3. It is made
in a temporary folder, never in the repository. The stages are timed by wrapping the functions
`publish` calls; the run itself is the real `publish_source`, as the CLI runs it.

Usage: python benchmarks/bench_publish.py [--minutes 60]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_transcribe import machine  # noqa: E402

INTERVIEW = ROOT / "benchmarks/data/interview-4min.mp3"


def _pss(pid: int) -> int:
    """Proportional set size: between fork and exec an ffmpeg child shares all of this process's pages,
    and RSS would count them twice; PSS splits shared pages between the processes that share them."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found + [grandchild for child in found for grandchild in _descendants(child)]


class Stages:
    """Each stage's wall time and peak memory: this process's PSS plus its children's, sampled every
    50 ms by one thread for the whole run (a sampler per stage slowed ffmpeg down by half, measured)."""

    def __init__(self) -> None:
        self.rows: dict[str, list[float]] = {}  # stage -> [seconds, peak bytes]
        self._active: list[str] = []
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> Stages:
        self._sampler.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._sampler.join()

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.05):
            used = _pss(me) + sum(_pss(child) for child in _descendants(me))
            for name in list(self._active):
                self.rows[name][1] = max(self.rows[name][1], used)

    @contextmanager
    def stage(self, name: str):
        self.rows.setdefault(name, [0.0, 0])
        self._active.append(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.rows[name][0] += time.perf_counter() - start
            self._active.remove(name)

    def wrap(self, name: str, function):
        def timed(*args, **kwargs):
            with self.stage(name):
                return function(*args, **kwargs)
        return timed


def long_recording(minutes: float, folder: Path) -> Path:
    from sofacast.media import ffmpeg

    target = folder / f"interview-{minutes:g}min.mp3"
    loops = int(minutes * 60 / ffmpeg.probe(INTERVIEW).duration)
    subprocess.run([ffmpeg.ffmpeg_exe(), "-loglevel", "error", "-y", "-stream_loop", str(loops), "-i", str(INTERVIEW),
                    "-t", str(minutes * 60), "-ac", "2", "-ar", "44100", "-b:a", "128k", str(target)], check=True)
    return target


def sample_show(folder: Path) -> Path:
    root = folder / "show"
    root.mkdir()
    for name in ("sofacast.toml", "artwork.png"):
        shutil.copy(ROOT / name, root / name)
    return root


def run_publish(recording: Path, root: Path) -> Stages:
    from sofacast import workflow
    from sofacast.audio import podcast_mp3
    from sofacast.feed import episodes
    from sofacast.pull import PullOptions
    from sofacast.transcribe.pipeline import Transcriber
    from sofacast.workspace import Workspace

    stages = Stages()
    targets = [(workflow, "pull", "pull (a local file)"), (Transcriber, "_transcribe", "transcribe: ASR"),
               (Transcriber, "_label_speakers", "transcribe: speakers"), (workflow, "chunk_episode", "chunk"),
               (workflow.search_index, "refresh", "search index"), (episodes, "ensure_podcast_mp3", "podcast MP3"),
               (podcast_mp3, "_makeup_gain", "podcast MP3: make-up gain on excerpts"),
               (workflow, "write_feed", "feed (with the podcast MP3)")]
    request = workflow.PublishRequest(str(recording), PullOptions(title="A long conversation", guests=["Priya Raman"]),
                                      "faster-whisper", None)
    with stages, ExitStack() as patches:
        for owner, attribute, label in targets:
            patches.enter_context(mock.patch.object(owner, attribute, stages.wrap(label, getattr(owner, attribute))))
        with stages.stage("publish, in all"):
            report = workflow.publish_source(Workspace.open(root), request)
    if report.failures:
        raise SystemExit(f"publish failed: {report.failures}")
    return stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        recording = long_recording(args.minutes, Path(tmp))
        stages = run_publish(recording, sample_show(Path(tmp)))
    limit_gib = 1.0 if args.minutes <= 60 else 1.5
    print(f"Machine: {machine()}")
    print(f"Recording: the benchmark interview looped to {args.minutes:g} min, stereo 44.1 kHz 128 kb/s MP3; "
          "publish into a fresh copy of the sample show (bundled tiny.en)\n")
    print("| stage | wall time (s) | peak memory (MiB) |")
    print("|---|---:|---:|")
    for name, (seconds, peak) in sorted(stages.rows.items(), key=lambda row: row[0] == "publish, in all"):
        memory = f"{peak / 2**20:.0f}" if peak else "— (over before a sample)"
        print(f"| {name} | {seconds:.1f} | {memory} |")
    peak = stages.rows["publish, in all"][1] / 2**30
    print(f"\nPeak memory of publish: {peak:.2f} GiB (target ≤ {limit_gib} GiB for {args.minutes:g} min) — "
          f"{'met' if peak <= limit_gib else 'NOT met'}")


if __name__ == "__main__":
    main()
