"""Cluster benchmark: a back catalogue transcribed here, and on a Dask LocalCluster of 1 and of 2 workers.

The catalogue: the sample show's three recordings, each published four times under other slugs (12 episodes by
default), transcribed from scratch in a fresh copy of the workspace each run: Whisper (the bundled tiny.en,
int8, the same options everywhere), speakers found and named, files written. The same `Transcriber` does the
work in all three; on the cluster the client sends each episode's audio to a worker and names and writes here.
Each is timed from the command's start to its end, cluster start-up included, best of --runs.

Reports throughput (hours of audio per hour of wall time), the speed-up over the local run, the scaling
efficiency (speed-up per worker, against one worker), and a projection of the workers a 1,000-hour catalogue
needs to finish in one night (10 hours), from the measured throughput of one worker.

Usage: python benchmarks/bench_cluster.py [--copies N] [--runs N]
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_transcribe import machine  # noqa: E402

SAMPLES = ["capacity-building", "norms-in-cyberspace", "the-attribution-problem"]
CATALOGUE_HOURS, NIGHT_HOURS = 1000, 10


def make_catalogue(root: Path, copies: int) -> list[str]:
    root.mkdir(parents=True)
    for name in ("sofacast.toml", "artwork.png"):
        shutil.copy(ROOT / name, root)
    slugs = []
    for copy in range(copies):
        for sample in SAMPLES:
            slug = f"{sample}-{copy + 1}"
            folder = root / "episodes" / slug
            folder.mkdir(parents=True)
            shutil.copy(ROOT / "episodes" / sample / f"{sample}.mp3", folder / f"{slug}.mp3")
            text = (ROOT / "episodes" / sample / "episode.toml").read_text()
            (folder / "episode.toml").write_text(text.replace(f'media = "{sample}.mp3"', f'media = "{slug}.mp3"'))
            slugs.append(slug)
    return slugs


def run_once(where: str | None, copies: int) -> tuple[float, float]:
    """(wall seconds, seconds of audio) for one run; `where`: None for here, else the cluster's address."""
    from sofacast.cluster.catalogue import transcribe_on_cluster
    from sofacast.transcribe.pipeline import Transcriber
    from sofacast.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        slugs = make_catalogue(Path(tmp) / "show", copies)
        start = time.perf_counter()
        transcriber = Transcriber(Workspace.open(Path(tmp) / "show"))
        if where is None:
            audio = sum(transcriber.run(slug).transcript.duration for slug in slugs)
        else:
            run = transcribe_on_cluster(transcriber, slugs, where)
            if run.failures:
                raise SystemExit(f"failed on {where}: {run.failures}")
            audio = run.audio_seconds
        return time.perf_counter() - start, audio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4, help="how many times each of the 3 recordings is published")
    parser.add_argument("--runs", type=int, default=2, help="runs of each; the best is kept")
    args = parser.parse_args()
    rows = {}
    for label, where in (("here (no cluster)", None), ("LocalCluster, 1 worker", "local:1"),
                         ("LocalCluster, 2 workers", "local:2")):
        timings = [run_once(where, args.copies) for _ in range(args.runs)]
        rows[label] = min(timings)
    audio_hours = next(iter(rows.values()))[1] / 3600
    print(f"Machine: {machine()}\n")
    print(f"Back catalogue: {3 * args.copies} episodes, {audio_hours * 60:.1f} min of audio; best of {args.runs} runs\n")
    print("| where | wall (s) | h of audio per hour | × here | scaling efficiency |")
    print("|---|---:|---:|---:|---:|")
    here = rows["here (no cluster)"][0]
    one = rows["LocalCluster, 1 worker"][0]
    for label, (seconds, _audio) in rows.items():
        workers = 2 if "2 workers" in label else 1 if "1 worker" in label else 0
        efficiency = f"{one / seconds / workers:.0%}" if workers else "—"
        print(f"| {label} | {seconds:.1f} | {audio_hours / (seconds / 3600):.1f} | {here / seconds:.2f}× | {efficiency} |")
    per_worker = audio_hours / (one / 3600)
    needed = math.ceil(CATALOGUE_HOURS / (per_worker * NIGHT_HOURS))
    print(f"\nProjection: one worker like this machine's (one process, {per_worker:.1f} h of audio per hour) would take "
          f"{CATALOGUE_HOURS / per_worker:,.0f} h for a {CATALOGUE_HOURS:,}-hour catalogue; finishing in {NIGHT_HOURS} h "
          f"takes {needed} such workers (one per 2-core machine), if scaling holds as measured across machines.")


if __name__ == "__main__":
    main()
