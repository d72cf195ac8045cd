"""Podcast MP3 benchmark: sofacast's loudness-normalized MP3 of a one-hour episode against a plain ffmpeg encode.

Both make the same file from the same recording (the benchmark interview looped to --minutes, stereo 44.1 kHz
128 kb/s MP3): mono, 44.1 kHz, 96 kb/s, the sample show's settings, with the same ffmpeg binary (imageio-ffmpeg's)
on all the machine's cores. The plain encode is one ffmpeg pass with no loudness work at all; sofacast's is its
whole `render`: a measuring pass, the excerpts that size the make-up gain, and the encode with gain and a 4x
oversampled true-peak limiter. Best of --runs. The result is checked by an independent meter (pyloudnorm for
loudness, scipy's 4x polyphase oversampling for true peak).

Usage: python benchmarks/bench_mp3.py [--minutes 60] [--runs 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_publish import long_recording  # noqa: E402
from benchmarks.bench_transcribe import machine, target  # noqa: E402

TARGET_RATIO = 2.0


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def plain_encode(recording: Path, target_path: Path) -> None:
    from sofacast.media import ffmpeg

    subprocess.run([ffmpeg.ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(recording), "-vn", "-ac", "1",
                    "-ar", "44100", "-b:a", "96k", str(target_path)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from sofacast.audio import podcast_mp3
    from sofacast.audio.podcast_mp3 import OUTPUT_RATE, AudioSettings
    from sofacast.media import ffmpeg
    from tests import scoring

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        recording = long_recording(args.minutes, folder)
        plain = best_of(args.runs, lambda: plain_encode(recording, folder / "plain.mp3"))
        ours = best_of(args.runs, lambda: podcast_mp3.render(recording, folder / "ours.mp3", AudioSettings()))
        lufs, true_peak = scoring.loudness_and_true_peak(ffmpeg.decode(folder / "ours.mp3", sample_rate=OUTPUT_RATE),
                                                         OUTPUT_RATE)
    print(f"Machine: {machine()}")
    print(f"Recording: the benchmark interview looped to {args.minutes:g} min, stereo 44.1 kHz 128 kb/s MP3; "
          f"output mono 44.1 kHz 96 kb/s; best of {args.runs} runs\n")
    print("| system | wall time (s) | × plain |")
    print("|---|---:|---:|")
    print(f"| plain ffmpeg MP3 encode (no loudness work) | {plain:.1f} | 1.00 |")
    print(f"| sofacast podcast MP3 (measure, make-up gain, gain + true-peak limiter, encode) | {ours:.1f} | {ours / plain:.2f} |")
    print(f"\nLoudness of sofacast's MP3 (pyloudnorm): {lufs:.2f} LUFS (target -16 ± 1) — "
          f"{'met' if abs(lufs + 16) <= 1 else 'NOT met'}")
    print(f"True peak (4x oversampled): {true_peak:.2f} dBTP (target ≤ -1) — {'met' if true_peak <= -1 else 'NOT met'}")
    print(target(f"MP3 stage of a {args.minutes:g}-minute episode vs a plain encode", ours / plain, TARGET_RATIO))


if __name__ == "__main__":
    main()
