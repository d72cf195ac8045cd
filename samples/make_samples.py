"""Synthesize the sample show's recordings from the scripts in samples/scripts/ (and the benchmark's).

Needs espeak-ng (Debian: apt-get install espeak-ng). The outputs are committed, so neither users
nor CI need espeak-ng. For each script it writes, beside the recording:
  <name>.mp3          the interview, mono, 16 kHz
  <name>.turns.json   who spoke when, and which notes question each host turn asks
                      (reference for speaker and chunk tests)
  <name>.txt          the reference text (for word error rate)

Usage: python samples/make_samples.py SCRIPT.toml... --out DIR
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import tomllib
from pathlib import Path

import numpy as np

from sofacast.media import ffmpeg

GAP_SECONDS = (0.7, 0.45, 0.9)  # pauses between turns, cycled so they are not all alike
WORDS_PER_MINUTE = 165
BREATH_SECONDS = 0.12  # between a welcome and a question said in one breath


def speak(text: str, voice: str, words_per_minute: int = WORDS_PER_MINUTE) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "turn.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(wav), text], check=True)
        return ffmpeg.decode(wav)


def _turn_audio(turn: dict, script: dict) -> tuple[np.ndarray, float | None]:
    """The turn spoken; a turn that welcomes and asks in one breath (`asks_from` = the words the question
    starts with) is spoken in two parts with a breath between, so where the question starts is known."""
    voice, pace = script["voices"][turn["speaker"]], script.get("words_per_minute", WORDS_PER_MINUTE)
    cut = turn["text"].find(turn["asks_from"]) if "asks_from" in turn else -1
    parts = [turn["text"][:cut], turn["text"][cut:]] if cut > 0 else [turn["text"]]
    spoken = [speak(part, voice, pace) for part in parts]
    breath = np.zeros(int(BREATH_SECONDS * ffmpeg.SAMPLE_RATE), np.float32)
    audio = np.concatenate([spoken[0], breath, spoken[1]]) if len(spoken) == 2 else spoken[0]
    offset = (len(spoken[0]) + len(breath)) / ffmpeg.SAMPLE_RATE if len(spoken) == 2 else None
    return audio / max(1e-6, float(np.abs(audio).max())) * 0.7, offset


def synthesize(script: dict, out_stem: Path) -> None:
    pieces: list[np.ndarray] = []
    turns = []
    cursor = 0.5
    pieces.append(np.zeros(int(0.5 * ffmpeg.SAMPLE_RATE), np.float32))
    for index, turn in enumerate(script["turns"]):
        audio, asking_offset = _turn_audio(turn, script)
        start = cursor
        cursor += len(audio) / ffmpeg.SAMPLE_RATE
        turns.append({"speaker": turn["speaker"], "start": round(start, 3), "end": round(cursor, 3), "text": turn["text"]})
        if "question" in turn:  # which show-notes question the turn asks (0: one the notes do not list)
            turns[-1]["question"] = turn["question"]
        if asking_offset is not None:  # where, inside the turn, the question starts
            turns[-1]["question_start"] = round(start + asking_offset, 3)
        gap = GAP_SECONDS[index % len(GAP_SECONDS)]
        pieces += [audio, np.zeros(int(gap * ffmpeg.SAMPLE_RATE), np.float32)]
        cursor += gap
    ffmpeg.encode(np.concatenate(pieces), out_stem.with_suffix(".mp3"), bitrate="48k")
    out_stem.with_suffix(".turns.json").write_text(json.dumps(turns, indent=1) + "\n")
    out_stem.with_suffix(".txt").write_text("\n".join(t["text"] for t in turns) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scripts", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in args.scripts:
        synthesize(tomllib.loads(path.read_text()), args.out / path.stem)
        print(f"wrote {args.out / path.stem}.mp3")


if __name__ == "__main__":
    main()
