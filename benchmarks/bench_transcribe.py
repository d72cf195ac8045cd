"""Transcription benchmark: sofacast's default against plain faster-whisper, its batched pipeline and
openai-whisper, on the same >= 4-minute two-speaker recording, same weights (the bundled tiny.en),
same number of threads. Each system runs in its own process so peak memory is its own.

It then reports, for the same interview, sofacast's speaker labelling (diarization error rate) and
Q&A chunk accuracy; benchmarks/bench_speakers.py does so for more recordings, real voices among them.

Usage: python benchmarks/bench_transcribe.py [--audio FILE --reference FILE] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_AUDIO = ROOT / "benchmarks/data/interview-4min.mp3"
SYSTEMS = {
    "sofacast (default)": "sofacast",
    "faster-whisper, plain sequential": "plain",
    "faster-whisper BatchedInferencePipeline": "batched",
    "openai-whisper": "openai",
}


def run_one(system: str, audio_path: Path, threads: int) -> dict:
    """Runs inside a child process: load, transcribe, report wall time of the transcription."""
    from sofacast.media import ffmpeg
    from sofacast.transcribe.models import bundled_model

    audio = ffmpeg.decode(audio_path)
    model_dir = str(bundled_model().ct2_dir)
    loaded = time.perf_counter()
    if system == "sofacast":
        from sofacast.records import TranscribeOptions
        from sofacast.transcribe.engines import load_engine

        options = TranscribeOptions(workers=threads, threads_per_worker=1)
        engine = load_engine("faster-whisper", bundled_model(), options)
        start = time.perf_counter()
        text = " ".join(s.text for s in engine.transcribe(audio, options))
    elif system in ("plain", "batched"):
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        model = WhisperModel(model_dir, device="cpu", cpu_threads=threads)
        start = time.perf_counter()
        if system == "plain":
            segments, _ = model.transcribe(audio)
        else:
            segments, _ = BatchedInferencePipeline(model).transcribe(audio, batch_size=8)
        text = " ".join(s.text for s in segments)
    else:
        import torch

        from sofacast.transcribe.openai_whisper_engine import _load

        torch.set_num_threads(threads)
        model = _load(bundled_model())
        start = time.perf_counter()
        text = model.transcribe(audio, language="en", fp16=False)["text"]
    wall = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return {"wall": wall, "load": start - loaded, "text": text, "duration": len(audio) / ffmpeg.SAMPLE_RATE, "peak_mib": peak_mib}


def machine() -> str:
    cpu = (next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")), platform.processor())
           if Path("/proc/cpuinfo").exists() else platform.processor())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import ctranslate2
    import faster_whisper

    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, faster-whisper {faster_whisper.__version__}, "
            f"ctranslate2 {ctranslate2.__version__}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, default=DEFAULT_AUDIO)
    parser.add_argument("--reference", type=Path, default=ROOT / "benchmarks/data/interview-4min.txt")
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.audio, args.threads)))
        return

    from tests.scoring import word_error_rate

    reference = args.reference.read_text()
    results = {}
    for label, key in SYSTEMS.items():
        proc = subprocess.run([sys.executable, __file__, "--one", key, "--audio", str(args.audio),
                               "--threads", str(args.threads)],
                              capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
        if proc.returncode != 0:
            print(f"{label}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        data["wer"] = word_error_rate(reference, data["text"])
        results[label] = data
        print(f"  ran {label}: {data['wall']:.1f} s", file=sys.stderr)

    ours = results["sofacast (default)"]["wall"]
    duration = next(iter(results.values()))["duration"]
    print(f"Machine: {machine()}")
    print(f"Audio: {args.audio.name}, {duration:.1f} s, two speakers; same weights (bundled tiny.en), "
          f"{args.threads} threads each\n")
    print("| system | wall time (s) | real-time factor | peak memory (MiB) | WER | sofacast time ÷ this |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, data in results.items():
        print(f"| {label} | {data['wall']:.1f} | {data['wall'] / duration:.3f} | {data['peak_mib']:.0f} | "
              f"{data['wer']:.3f} | {ours / data['wall']:.2f}× |")
    if args.audio == DEFAULT_AUDIO:
        report_speakers_and_chunks()


def report_speakers_and_chunks() -> None:
    from benchmarks import bench_speakers

    stem = DEFAULT_AUDIO.with_suffix("")
    print("\nSpeakers on the same interview (DER, collar 0.25 s)\n")
    bench_speakers.print_der_table(bench_speakers.der_rows(only=[stem]))
    print("\nQ&A chunks on the same interview\n")
    bench_speakers.print_chunk_table({stem.name: bench_speakers.chunk_accuracy(stem, ROOT / "benchmarks/interview-4min.toml")})


if __name__ == "__main__":
    main()
