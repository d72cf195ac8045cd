"""Name error rate: how many mentions of the show's people are written right, on every sample episode.

A mention is a word of a person's name in the script (the reference); it is right when the transcript
writes it (bag of words per name word, so word order and the rest of the text do not matter). Five ways
are compared on the same audio with sofacast's own engine settings (bundled tiny.en, int8, beam 5, its
speech packed into 30 s windows): the engine told nothing; sofacast's correction of close mishearings alone;
faster-whisper's `hotwords` given the names, unguarded; an initial prompt naming them; and what
`transcribe` does: hotwords, speech a window then skips decoded again without them, and the
correction. Word error rate is shown beside it, because a hint that helps names can cost other words.

Usage: python benchmarks/bench_names.py
"""

from __future__ import annotations

import functools
import re
import sys
import tomllib
from dataclasses import replace
from pathlib import Path
from unittest.mock import patch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from faster_whisper import BatchedInferencePipeline  # noqa: E402

from benchmarks.bench_transcribe import machine  # noqa: E402
from sofacast.media import ffmpeg  # noqa: E402
from sofacast.records import Segment  # noqa: E402
from sofacast.transcribe import faster_whisper_engine  # noqa: E402
from sofacast.transcribe.engines import options_for_this_machine  # noqa: E402
from sofacast.transcribe.faster_whisper_engine import FasterWhisperEngine  # noqa: E402
from sofacast.transcribe.known_names import NameHearing, correct_names  # noqa: E402
from sofacast.transcribe.models import resolve_model  # noqa: E402
from tests.scoring import word_error_rate  # noqa: E402

EPISODES = {
    **{path.stem: (ROOT / "samples/recordings" / path.stem, path) for path in sorted((ROOT / "samples/scripts").glob("*.toml"))},
    **{path.stem: (path.with_suffix(""), path) for path in sorted((ROOT / "tests/data/interviews").glob("*.toml"))},
    "interview-4min": (ROOT / "benchmarks/data/interview-4min", ROOT / "benchmarks/interview-4min.toml"),
}
SYSTEMS = ["tiny.en told nothing", "names corrected only", "hotwords, unguarded", "initial prompt",
           "sofacast: guarded hotwords + correction"]


def mentions(reference: str, hypothesis: str, people: list[str]) -> tuple[int, int]:
    """(mentions of name words in the reference, how many of them the hypothesis writes)."""
    total = right = 0
    for word in {part for person in people for part in person.split()}:
        heard = len(re.findall(rf"\b{re.escape(word)}\b", hypothesis))
        said = len(re.findall(rf"\b{re.escape(word)}\b", reference))
        total, right = total + said, right + min(said, heard)
    return total, right


def run_systems(engine: FasterWhisperEngine, audio, people: list[str]) -> dict[str, str]:
    told_nothing = replace(options_for_this_machine(), name_hints=False)
    names = ", ".join(people)
    decode = BatchedInferencePipeline.transcribe
    with patch.object(BatchedInferencePipeline, "transcribe", functools.partialmethod(decode, initial_prompt=f"Names: {names}.")):
        prompted = list(engine.transcribe(audio, told_nothing))
    with patch.object(faster_whisper_engine, "skipped_stretches", lambda *_: []):  # hotwords, never decoded again
        unguarded = list(engine.transcribe(audio, options_for_this_machine(), people))
    plain = list(engine.transcribe(audio, told_nothing))
    guarded = list(engine.transcribe(audio, options_for_this_machine(), people))
    as_decoded = text(plain)
    hearing = NameHearing(people, "en")
    for segments in (plain, guarded):
        correct_names(segments, hearing)
    return {"tiny.en told nothing": as_decoded, "names corrected only": text(plain), "hotwords, unguarded": text(unguarded),
            "initial prompt": text(prompted), "sofacast: guarded hotwords + correction": text(guarded)}


def text(segments: list[Segment]) -> str:
    return " ".join(segment.text for segment in segments)


def name_rows() -> dict[str, dict[str, tuple[int, int, float]]]:
    engine = FasterWhisperEngine(resolve_model(None), options_for_this_machine())
    rows = {}
    for episode, (stem, script_path) in EPISODES.items():
        script = tomllib.loads(script_path.read_text())
        people = list(script["voices"])
        reference = stem.with_suffix(".txt").read_text()
        outputs = run_systems(engine, ffmpeg.decode(stem.with_suffix(".mp3")), people)
        rows[episode] = {system: (*mentions(reference, outputs[system], people), word_error_rate(reference, outputs[system]))
                         for system in SYSTEMS}
    return rows


def print_name_table(rows: dict[str, dict[str, tuple[int, int, float]]]) -> None:
    print("| episode | name mentions | " + " | ".join(f"NER / WER: {s}" for s in SYSTEMS) + " |")
    print("|---|---:|" + "---:|" * len(SYSTEMS))
    totals = {system: [0, 0, 0.0] for system in SYSTEMS}
    for episode, results in rows.items():
        cells = []
        for system in SYSTEMS:
            total, right, wer = results[system]
            totals[system][0] += total
            totals[system][1] += right
            totals[system][2] += wer / len(rows)
            cells.append(f"{(1 - right / total) * 100 if total else 0:.0f}% / {wer * 100:.1f}%")
        print(f"| {episode} | {next(iter(results.values()))[0]} | " + " | ".join(cells) + " |")
    cells = [f"**{(1 - r / t) * 100:.0f}% / {w * 100:.1f}%**" for t, r, w in totals.values()]
    print(f"| all (WER: mean) | {next(iter(totals.values()))[0]} | " + " | ".join(cells) + " |")


def main() -> None:
    print(f"Machine: {machine()}\n")
    print("Name error rate (share of name mentions not written right) / word error rate, bundled tiny.en\n")
    print_name_table(name_rows())


if __name__ == "__main__":
    main()
