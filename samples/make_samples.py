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


def speak(text: str, voice: str, words_per_minute: int = WORDS_PER_MINUTE) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "turn.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(wav), text], check=True)
        return ffmpeg.decode(wav)


def synthesize(script: dict, out_stem: Path) -> None:
    pieces: list[np.ndarray] = []
    turns = []
    cursor = 0.5
    pieces.append(np.zeros(int(0.5 * ffmpeg.SAMPLE_RATE), np.float32))
    for index, turn in enumerate(script["turns"]):
        audio = speak(turn["text"], script["voices"][turn["speaker"]], script.get("words_per_minute", WORDS_PER_MINUTE))
        audio = audio / max(1e-6, float(np.abs(audio).max())) * 0.7
        start = cursor
        cursor += len(audio) / ffmpeg.SAMPLE_RATE
        turns.append({"speaker": turn["speaker"], "start": round(start, 3), "end": round(cursor, 3), "text": turn["text"]})
        if "question" in turn:  # which show-notes question the turn asks (0: one the notes do not list)
            turns[-1]["question"] = turn["question"]
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
