"""Transcription benchmark: sofacast's `transcribe` against plain faster-whisper and its batched pipeline,
compared like with like, on the same >= 4-minute two-speaker interview and on real speech.

Every CTranslate2 system runs the bundled tiny.en in int8 on the same number of threads (two on the CI
machine), with Silero voice activity, beam 5 and word timestamps; each runs in its own process (so peak
memory is its own), loads once, and reports the best wall time of several runs. sofacast's time is its
whole `transcribe` on decoded audio: voice activity, ASR with word timestamps (the people's names as
hotwords, as `transcribe` does) and finding the speakers. The peers' time is ASR alone. Rows at float32
(the peers' own default on this CPU) and openai-whisper (torch float32; no int8 on CPU) are labelled.

Usage: python benchmarks/bench_transcribe.py [--audio FILE --reference FILE] [--threads N] [--runs N]
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
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_AUDIO = ROOT / "benchmarks/data/interview-4min.mp3"
DEFAULT_SCRIPT = ROOT / "benchmarks/interview-4min.toml"
SOFACAST = "sofacast transcribe (ASR + word timestamps + speakers), int8"
PLAIN = "faster-whisper sequential, int8"
BATCHED = "faster-whisper BatchedInferencePipeline (batch 8), int8"
SYSTEMS = {
    SOFACAST: "sofacast",
    "sofacast ASR alone (voice activity + ASR + word timestamps), int8": "sofacast-asr",
    PLAIN: "plain:int8",
    BATCHED: "batched:int8",
    "faster-whisper sequential, int8, no word timestamps": "plain-no-words:int8",
    "faster-whisper sequential, float32 (its default here)": "plain:float32",
    "faster-whisper BatchedInferencePipeline (batch 8), float32": "batched:float32",
    "openai-whisper, float32 (torch has no int8 on CPU)": "openai",
}
# Real human speech (tests/data): JFK and the two speakers of stereo_diarization.wav, interleaved.
# tests/real_voices.py cuts JFK after "ask not".
REAL_SPEECH_REFERENCE = ("And so my fellow Americans, ask not. "
                         "He began a confused complaint against the wizard, who had vanished behind the curtain on the left. "
                         "What your country can do for you, ask what you can do for your country. "
                         "The horizon seems extremely distant.")


def transcriber(system: str, threads: int, people: list[str]) -> Callable:
    """Loads the system once; returns audio -> text."""
    from sofacast.transcribe.models import bundled_model

    model_dir = str(bundled_model().ct2_dir)
    if system.startswith("sofacast"):
        from sofacast.media.vad import speech_spans
        from sofacast.records import TranscribeOptions
        from sofacast.speakers.diarize import diarize_voices
        from sofacast.transcribe.engines import load_engine

        options = TranscribeOptions(workers=threads, threads_per_worker=1)
        engine = load_engine("faster-whisper", bundled_model(), options)

        def ours(audio) -> str:
            speech = speech_spans(audio)
            text = " ".join(s.text for s in engine.transcribe(audio, options, people, speech))
            if system == "sofacast":
                diarize_voices(audio, expected=len(people) or None, speech=speech)
            return text
        return ours
    if system == "openai":
        import torch

        from sofacast.transcribe.openai_whisper_engine import _load

        torch.set_num_threads(threads)
        network = _load(bundled_model())
        return lambda audio: network.transcribe(audio, language="en", fp16=False, word_timestamps=True)["text"]
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    kind, compute_type = system.split(":")
    model = WhisperModel(model_dir, device="cpu", compute_type=compute_type, cpu_threads=threads)
    if kind == "batched":
        pipeline = BatchedInferencePipeline(model)
        return lambda audio: " ".join(s.text for s in pipeline.transcribe(
            audio, language="en", beam_size=5, batch_size=8, word_timestamps=True)[0])
    words = kind == "plain"
    return lambda audio: " ".join(s.text for s in model.transcribe(
        audio, language="en", beam_size=5, vad_filter=True, word_timestamps=words)[0])


def run_one(system: str, audio_path: Path, threads: int, runs: int, people: list[str]) -> dict:
    """Runs inside a child process: load, transcribe `runs` times, report the best wall time."""
    from sofacast.media import ffmpeg
    from tests import real_voices

    audio = ffmpeg.decode(audio_path)
    transcribe = transcriber(system, threads, people)
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        text = transcribe(audio)
        walls.append(time.perf_counter() - start)
    real, _turns = real_voices.conversation(real_voices.THREE_SPEAKERS)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return {"wall": min(walls), "walls": walls, "text": text, "real_text": transcribe(real),
            "duration": len(audio) / ffmpeg.SAMPLE_RATE, "peak_mib": peak_mib}


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


def target(label: str, ratio: float, limit: float) -> str:
    return f"{label}: {ratio:.2f}× (target ≤ {limit:.1f}×) — {'met' if ratio <= limit else 'NOT met'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, default=DEFAULT_AUDIO)
    parser.add_argument("--reference", type=Path, default=ROOT / "benchmarks/data/interview-4min.txt")
    parser.add_argument("--script", type=Path, default=DEFAULT_SCRIPT, help="episode script naming the voices (hotwords)")
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", action="append", help="run only these systems (keys: " + ", ".join(SYSTEMS.values()) + ")")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    people = list(tomllib.loads(args.script.read_text()).get("voices", {})) if args.script.is_file() else []
    if args.one:
        print(json.dumps(run_one(args.one, args.audio, args.threads, args.runs, people)))
        return

    from tests.scoring import word_error_rate

    reference = args.reference.read_text()
    results = {}
    for label, key in SYSTEMS.items():
        if args.only and key not in args.only:
            continue
        proc = subprocess.run([sys.executable, __file__, "--one", key, "--audio", str(args.audio), "--script", str(args.script),
                               "--threads", str(args.threads), "--runs", str(args.runs)],
                              capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
        if proc.returncode != 0:
            print(f"{label}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        data["wer"] = word_error_rate(reference, data["text"])
        data["real_wer"] = word_error_rate(REAL_SPEECH_REFERENCE, data["real_text"])
        results[label] = data
        print(f"  ran {label}: " + ", ".join(f"{w:.1f}" for w in data["walls"]) + " s", file=sys.stderr)
    print_report(args, results)
    if args.audio == DEFAULT_AUDIO and not args.only:
        report_speakers_and_chunks()


def print_report(args: argparse.Namespace, results: dict[str, dict]) -> None:
    duration = next(iter(results.values()))["duration"]
    print(f"Machine: {machine()}")
    print(f"Audio: {args.audio.name}, {duration:.1f} s, two speakers; bundled tiny.en, {args.threads} threads each, "
          f"beam 5, best of {args.runs} runs\n")
    print("| system | wall time (s) | real-time factor | peak memory (MiB) | WER, interview | WER, real speech |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, data in results.items():
        print(f"| {label} | {data['wall']:.1f} | {data['wall'] / duration:.3f} | {data['peak_mib']:.0f} | "
              f"{data['wer']:.3f} | {data['real_wer']:.3f} |")
    if all(label in results for label in (SOFACAST, PLAIN, BATCHED)):
        ours, plain, batched = (results[label] for label in (SOFACAST, PLAIN, BATCHED))
        print()
        print(target("sofacast transcribe ÷ plain sequential int8", ours["wall"] / plain["wall"], 0.5))
        print(target("sofacast transcribe ÷ batched pipeline int8", ours["wall"] / batched["wall"], 1.0))
        for name, key in (("interview", "wer"), ("real speech", "real_wer")):
            verdict = "met" if ours[key] <= plain[key] else "NOT met"
            print(f"WER on the {name}: sofacast {ours[key]:.3f}, plain sequential int8 {plain[key]:.3f} "
                  f"(target: no worse) — {verdict}")


def report_speakers_and_chunks() -> None:
    from benchmarks import bench_speakers

    stem = DEFAULT_AUDIO.with_suffix("")
    print("\nSpeakers on the same interview (DER, collar 0.25 s)\n")
    bench_speakers.print_der_table(bench_speakers.der_rows(only=[stem]))
    print("\nQ&A chunks on the same interview\n")
    bench_speakers.print_chunk_table({stem.name: bench_speakers.chunk_accuracy(stem, DEFAULT_SCRIPT)})


if __name__ == "__main__":
    main()
