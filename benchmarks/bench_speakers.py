"""Speaker and chunk benchmark: diarization error rate (DER, collar 0.25 s) and Q&A chunk accuracy.

DER is measured on synthesized interviews (two and three voices) and on conversations built from
the real recordings in tests/data, clean and through a telephone channel. Four systems run on
the same audio: sofacast told the speaker count (hosts + guests, as `transcribe` does), sofacast
finding the count alone, sofacast told one fewer (someone speaks whom nobody listed), and a naive
baseline that switches speaker at every pause over 0.5 s.
Chunk accuracy runs the whole `transcribe` + `chunk` pipeline on recordings whose scripts mark
which show-notes question each host turn asks (and where an intro and an outro are). The name error
rate comes from bench_names.py.

Usage: python benchmarks/bench_speakers.py
"""

from __future__ import annotations

import itertools
import json
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_names import name_rows, print_name_table  # noqa: E402
from benchmarks.bench_transcribe import machine  # noqa: E402
from sofacast.media import ffmpeg  # noqa: E402
from sofacast.media.vad import (  # noqa: E402
    MIN_SILENCE_MS,
    speech_spans,
)
from sofacast.records import SpeakerTurn  # noqa: E402
from sofacast.speakers.diarize import diarize_voices  # noqa: E402
from tests import real_voices  # noqa: E402
from tests.scoring import diarization_error_rate  # noqa: E402

SYNTHETIC = {
    "interview-4min (2 voices)": ROOT / "benchmarks/data/interview-4min",
    "capacity-building (3 voices)": ROOT / "samples/recordings/capacity-building",
    "the-attribution-problem (2 voices)": ROOT / "samples/recordings/the-attribution-problem",
    "norms-in-cyberspace (2 voices)": ROOT / "samples/recordings/norms-in-cyberspace",
    "city-signals (3 voices)": ROOT / "tests/data/interviews/city-signals",
}
REAL = {
    "real voices, 2 speakers, clean": (real_voices.TWO_SPEAKERS, False),
    "real voices, 2 speakers, phone": (real_voices.TWO_SPEAKERS, True),
    "real voices, 3 speakers, clean": (real_voices.THREE_SPEAKERS, False),
    "real voices, 3 speakers, phone": (real_voices.THREE_SPEAKERS, True),
}
CHUNKED = {
    "interview-4min": (ROOT / "benchmarks/data/interview-4min", ROOT / "benchmarks/interview-4min.toml"),
    "capacity-building": (ROOT / "samples/recordings/capacity-building", ROOT / "samples/scripts/capacity-building.toml"),
    "the-attribution-problem": (ROOT / "samples/recordings/the-attribution-problem",
                                ROOT / "samples/scripts/the-attribution-problem.toml"),
    "norms-in-cyberspace": (ROOT / "samples/recordings/norms-in-cyberspace", ROOT / "samples/scripts/norms-in-cyberspace.toml"),
    **{path.stem: (path.with_suffix(""), path) for path in sorted((ROOT / "tests/data/interviews").glob("*.toml"))},
}
# An intro or outro is right when it exists exactly when the script has one and its edge is this close.
EDGE_SECONDS = 1.0


def alternate_at_pauses(audio) -> list[SpeakerTurn]:
    """Baseline: a new speaker after every pause longer than 0.5 s, two speakers taking turns."""
    turns: list[SpeakerTurn] = []
    for span in speech_spans(audio, min_silence_ms=500):
        label = "A" if len(turns) % 2 == 0 else "B"
        turns.append(SpeakerTurn(span.start, span.end, label))
    return turns


def der_rows(only: list[Path] | None = None) -> list[tuple[str, dict[str, tuple[float, float]]]]:
    """One row per recording (all of them, or only the synthesized ones at the given stems)."""
    rows = []
    cases = [(name, ffmpeg.decode(stem.with_suffix(".mp3")),
              [(t["start"], t["end"], t["speaker"]) for t in json.loads(stem.with_suffix(".turns.json").read_text())])
             for name, stem in SYNTHETIC.items() if only is None or stem in only]
    if only is None:
        cases += [(name, *real_voices.conversation(pieces, phone=phone)) for name, (pieces, phone) in REAL.items()]
    for name, audio, reference in cases:
        count = len({who for _, _, who in reference})
        systems = {
            "sofacast, count given": lambda audio=audio, count=count: diarize_voices(audio, expected=count).turns,
            "sofacast, count found": lambda audio=audio: diarize_voices(audio, expected=None).turns,
            # Someone speaks whom neither sofacast.toml nor episode.toml lists (a co-host, a caller).
            "sofacast, one speaker unlisted": lambda audio=audio, count=count: diarize_voices(audio, expected=count - 1).turns,
            "baseline: alternate at pauses": lambda audio=audio: alternate_at_pauses(audio),
        }
        results = {}
        for system, run in systems.items():
            start = time.perf_counter()
            turns = run()
            results[system] = (diarization_error_rate(reference, [(t.start, t.end, t.label) for t in turns]),
                               time.perf_counter() - start)
        rows.append((f"{name}, {len(audio) / 16000:.0f} s", results))
    return rows


def chunk_accuracy(stem: Path, script_path: Path) -> dict[str, float | str]:
    """Run pull + transcribe + chunk in a scratch workspace; compare with the script's marked questions."""
    from typer.testing import CliRunner

    from sofacast.cli import app

    script = tomllib.loads(script_path.read_text())
    questions = script.get("questions") or list(_notes_questions(script))
    reference = json.loads(stem.with_suffix(".turns.json").read_text())
    host = reference[0]["speaker"]
    guests = list(dict.fromkeys(t["speaker"] for t in reference if t["speaker"] != host))
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "show"
        steps = [["init", str(ws), "--title", "Bench", "--author", host, "--email", "b@example.org",
                  "--base-url", "https://example.org/", "--host", host],
                 ["pull", str(stem.with_suffix(".mp3")), "--slug", "ep", "--title", "Ep", "-w", str(ws), "-q",
                  *[arg for g in guests for arg in ("--guest", g)], *[arg for q in questions for arg in ("--question", q)]],
                 ["transcribe", "ep", "-w", str(ws), "-q"], ["chunk", "ep", "-w", str(ws), "-q"]]
        for step in steps:
            result = runner.invoke(app, step)
            if result.exit_code != 0:
                raise SystemExit(f"{step[0]} failed: {result.output}")
        chunks = json.loads((ws / "transcripts/ep.chunks.json").read_text())
    expected = {}  # notes question -> (where it is asked, who asks it and who answers, as the script says)
    for turn, following in itertools.pairwise(reference):
        if turn.get("question"):
            expected[turn["question"]] = (turn.get("question_start", turn["start"]), turn["speaker"], following["speaker"])
    found = {c["question_index"]: c for c in chunks if c["question_index"]}
    hits = [i for i in expected if i in found]
    errors = [abs(found[i]["start"] - expected[i][0]) for i in hits]
    return {
        "notes questions asked": len(expected), "found": len(hits),
        "wrong matches": sum(1 for i in found if i not in expected),
        "mean boundary error (s)": sum(errors) / max(1, len(errors)), "max boundary error (s)": max(errors, default=0.0),
        "asker right": sum(found[i]["asked_by"] == expected[i][1] for i in hits),
        "answerer right": sum(expected[i][2] == found[i]["speaker"] or expected[i][2] in (found[i]["speaker"] or [])
                              for i in hits),
        **intro_and_outro(reference, chunks, min(start for start, _, _ in expected.values())),
    }


def intro_and_outro(reference: list[dict], chunks: list[dict], first_question: float) -> dict[str, str]:
    """Whether the intro and outro chunks are there exactly when the script has them, with their edges right."""
    intro = next((c for c in chunks if c["id"].endswith("-intro")), None)
    outro = next((c for c in chunks if c["id"].endswith("-outro")), None)
    last = reference[-1]
    closing = last["speaker"] == reference[0]["speaker"] and not last.get("question")
    intro_right = (intro is not None and abs(intro["end"] - first_question) <= EDGE_SECONDS
                   if first_question > reference[0]["start"] + EDGE_SECONDS else intro is None)
    outro_right = (outro is not None and abs(outro["start"] - last["start"]) <= EDGE_SECONDS) if closing else outro is None
    return {"intro right": "yes" if intro_right else "no", "outro right": "yes" if outro_right else "no"}


def _notes_questions(script: dict) -> list[str]:
    from sofacast.questions import questions_from_description

    return questions_from_description(script.get("description", ""))


def print_der_table(rows) -> None:
    systems = list(rows[0][1])
    print("| recording | " + " | ".join(f"DER: {s}" for s in systems) + " | sofacast time (s) |")
    print("|---|" + "---:|" * (len(systems) + 1))
    for name, results in rows:
        cells = " | ".join(f"{results[s][0] * 100:.1f}%" for s in systems)
        print(f"| {name} | {cells} | {results[systems[0]][1]:.2f} |")


def print_chunk_table(results: dict[str, dict[str, float]]) -> None:
    keys = list(next(iter(results.values())))
    print("| episode | " + " | ".join(keys) + " |")
    print("|---|" + "---:|" * len(keys))
    for name, row in results.items():
        print(f"| {name} | " + " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in row.values()) + " |")


def main() -> None:
    print(f"Machine: {machine()}\n")
    print(f"Diarization error rate (collar 0.25 s; speech pauses for diarization: {MIN_SILENCE_MS} ms)\n")
    print_der_table(der_rows())
    print("\nQ&A chunks (pull + transcribe + chunk, bundled tiny.en)\n")
    print_chunk_table({name: chunk_accuracy(*paths) for name, paths in CHUNKED.items()})
    print("\nName error rate (share of name mentions not written right) / word error rate, bundled tiny.en\n")
    print_name_table(name_rows())


if __name__ == "__main__":
    main()
