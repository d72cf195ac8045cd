"""Real voices in the shapes real shows have: who spoke (DER, wrong-name time) and what was said (WER against both of
faster-whisper's pipelines), episode by episode of the real-voice corpus (tests/real_corpus.py, tests/data/voices).

For each episode, sofacast runs as a producer runs it: a new show, the earlier episodes an editor confirmed, then pull
and transcribe. Then, on the same audio:
- DER of the transcript's speaker labels, with the count given (hosts + guests, as `transcribe` does), and of the
  speaker stage alone finding the count (collar 0.25 s);
- wrong-name time: seconds of reference speech the transcript shows under a name other than the expected one (a
  voice nobody listed must have a neutral label of its own);
- WER of sofacast's words and of faster-whisper's sequential pipeline and its BatchedInferencePipeline (batch 8), all
  with the bundled tiny.en in int8 on the same threads, beam 5, Silero voice activity and word timestamps, in the
  show's language; sofacast alone is also told the episode's people (hotwords), as `transcribe` is;
- time, best of `--runs`: sofacast's whole `transcribe` of the episode (voice activity, ASR, speakers, naming, files
  written), the peers' ASR alone.
The rule of issue 25: sofacast's WER no worse than the better peer's + 0.5 point, on every episode.

Usage: python benchmarks/bench_real_voices.py [--only NAME ...] [--runs N] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_transcribe import machine  # noqa: E402
from tests import real_corpus  # noqa: E402
from tests.corpus_runs import CorpusRun, run_episode  # noqa: E402
from tests.scoring import diarization_error_rate, word_error_rate, wrong_name_seconds  # noqa: E402

WER_ALLOWANCE = 0.005  # half a point, as issue 25 allows


def invoke(*args: object) -> tuple[int, str]:
    from typer.testing import CliRunner

    from sofacast.cli import app

    result = CliRunner().invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.output


def sofacast_seconds(run: CorpusRun, runs: int) -> float:
    """The episode's whole `transcribe`, engine loaded once (as for a back catalogue), best of `runs`."""
    from sofacast.transcribe.pipeline import Transcriber
    from sofacast.workspace import Workspace

    transcriber = Transcriber(Workspace.open(run.root))
    transcriber.engine()
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        transcriber.run(run.item.name, force=True)
        walls.append(time.perf_counter() - started)
    return min(walls)


class Peers:
    """faster-whisper's two pipelines, the model loaded once, at sofacast's settings."""

    def __init__(self, threads: int) -> None:
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        from sofacast.transcribe.models import bundled_model

        self.model = WhisperModel(str(bundled_model().ct2_dir), device="cpu", compute_type="int8", cpu_threads=threads)
        self.batched = BatchedInferencePipeline(self.model)

    def sequential(self, audio, language: str) -> str:
        segments, _ = self.model.transcribe(audio, language=language, beam_size=5, vad_filter=True, word_timestamps=True)
        return " ".join(s.text for s in segments)

    def batch(self, audio, language: str) -> str:
        segments, _ = self.batched.transcribe(audio, language=language, beam_size=5, batch_size=8, word_timestamps=True)
        return " ".join(s.text for s in segments)


def timed(transcribe, runs: int) -> tuple[str, float]:
    walls, text = [], ""
    for _ in range(runs):
        started = time.perf_counter()
        text = transcribe()
        walls.append(time.perf_counter() - started)
    return text, min(walls)


def measure(item: real_corpus.CorpusEpisode, peers: Peers, runs: int) -> dict:
    from sofacast.speakers.diarize import diarize_voices

    reference = list(item.turns)
    with tempfile.TemporaryDirectory() as tmp:
        run = run_episode(invoke, Path(tmp) / "show", item)
        seconds = sofacast_seconds(run, runs)
        audio = item.audio()
        found = diarize_voices(audio, expected=None)
        sequential, sequential_seconds = timed(lambda: peers.sequential(audio, item.language), runs)
        batched, batched_seconds = timed(lambda: peers.batch(audio, item.language), runs)
        return {
            "seconds": item.duration, "voices": len(item.voices),
            "der_given": diarization_error_rate(reference, run.label_turns()),
            "der_found": diarization_error_rate(reference, [(t.start, t.end, t.label) for t in found.turns]),
            "count_found": len({t.label for t in found.turns}),
            "wrong_names": wrong_name_seconds(reference, run.speaker_turns(), item.names),
            "speech": sum(end - start for start, end, _ in reference),
            "wer": word_error_rate(item.text, run.text()), "wer_sequential": word_error_rate(item.text, sequential),
            "wer_batched": word_error_rate(item.text, batched),
            "time": seconds, "time_sequential": sequential_seconds, "time_batched": batched_seconds,
        }


def print_table(rows: dict[str, dict]) -> None:
    print("| episode | voices (found alone) | DER: count given | DER: count found | wrong-name time | "
          "WER: sofacast | WER: sequential | WER: batched | WER rule | time (s): sofacast / sequential / batched |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for name, r in rows.items():
        rule = "met" if r["wer"] <= min(r["wer_sequential"], r["wer_batched"]) + WER_ALLOWANCE else "NOT met"
        print(f"| {name}, {r['seconds']:.0f} s | {r['voices']} ({r['count_found']}) | {r['der_given']:.1%} | "
              f"{r['der_found']:.1%} | {r['wrong_names']:.1f} s of {r['speech']:.0f} s | {r['wer']:.1%} | "
              f"{r['wer_sequential']:.1%} | {r['wer_batched']:.1%} | {rule} | "
              f"{r['time']:.1f} / {r['time_sequential']:.1f} / {r['time_batched']:.1f} |")
    met = sum(r["wer"] <= min(r["wer_sequential"], r["wer_batched"]) + WER_ALLOWANCE for r in rows.values())
    wrong = sum(r["wrong_names"] for r in rows.values())
    print(f"\nWER rule (sofacast ≤ better peer + 0.5 point): met on {met} of {len(rows)} episodes. "
          f"Wrong-name time, all episodes: {wrong:.1f} s of {sum(r['speech'] for r in rows.values()):.0f} s of speech.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run only these episodes")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    # A corpus episode that only teaches voices to the next one is run as part of that one; the French show is not
    # transcribed by the bundled English model (sofacast refuses it: tests/test_transcribe.py).
    items = [item for item in real_corpus.episodes() if item.language == "en" and (not args.only or item.name in args.only)]
    peers = Peers(args.threads)
    rows = {}
    for item in items:
        rows[item.name] = measure(item, peers, args.runs)
        print(f"  ran {item.name}", file=sys.stderr)
    print(f"Machine: {machine()}")
    episodes, runs = f"{len(rows)} episode{'s' if len(rows) != 1 else ''}", f"{args.runs} run{'s' if args.runs != 1 else ''}"
    print(f"Real-voice corpus: {episodes}; bundled tiny.en, int8, {args.threads} threads, beam 5, best of {runs}\n")
    print_table(rows)


if __name__ == "__main__":
    main()
