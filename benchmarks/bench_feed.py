"""Feed benchmark: build, validate and write the feed of a show with 1,000 episodes.

The catalogue is synthetic but complete: each episode has a transcript (so show notes get related
episodes by TF-IDF), chapters, guests, questions and an audio file (`[feed] audio = "original"`,
so the time is the feed's own, not MP3 encoding). Reports the time of `sofacast feed`, a second
run (nothing changed), `sofacast validate`, and the feed's size; the same run also times feedgen
alone on the same items, the floor any feed built with feedgen has to pay.

Usage: python benchmarks/bench_feed.py [--episodes N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_transcribe import machine  # noqa: E402

TOPICS = ["undersea cables", "election security", "ransomware", "attribution", "norms", "capacity building",
          "satellites", "quantum cryptography", "supply chains", "critical infrastructure", "encryption", "sanctions"]
WORDS = ["state", "diplomat", "treaty", "network", "attack", "defence", "government", "company", "team", "evidence", "law",
         "court", "agency", "ministry", "budget", "server", "malware", "patch", "incident", "response", "trust", "risk",
         "region", "border", "ship", "signal"]


def make_show(root: Path, count: int) -> None:
    import numpy as np

    from sofacast.media import ffmpeg

    rng = random.Random(7)
    (root / "transcripts").mkdir(parents=True)
    (root / "feeds").mkdir()
    (root / "sofacast.toml").write_text((ROOT / "sofacast.toml").read_text().replace(
        "[feed]\n", '[feed]\naudio = "original"\n'))
    (root / "artwork.png").write_bytes((ROOT / "artwork.png").read_bytes())
    clip = root / "clip.mp3"
    ffmpeg.encode(0.1 * np.sin(np.arange(16000 * 2) / 5).astype(np.float32), clip)
    for number in range(1, count + 1):
        slug = f"episode-{number:04d}"
        topic = rng.choice(TOPICS)
        folder = root / "episodes" / slug
        folder.mkdir(parents=True)
        (folder / f"{slug}.mp3").write_bytes(clip.read_bytes())
        questions = [f"What is new in {topic} this year?", f"Who is responsible for {topic}?", "What should listeners do?"]
        (folder / "episode.toml").write_text(
            f'title = "Episode {number}: {topic.title()}"\nnumber = {number}\nseason = {1 + number // 100}\n'
            f'published = "{2000 + number // 365:04d}-{1 + number % 12:02d}-{1 + number % 28:02d}"\n'
            f'description = "A conversation about {topic}."\nmedia = "{slug}.mp3"\nduration = 2.0\n'
            f'questions = {json.dumps(questions)}\n\n[[guests]]\nname = "Guest {number % 50}"\nbio = "Expert on {topic}."\n')
        segments = []
        for index in range(60):  # about 20 minutes of talk each
            text = " ".join(rng.choice(WORDS) for _ in range(18)) + f" {topic}."
            segments.append({"id": index, "start": index * 20.0, "end": index * 20.0 + 19.0,
                             "speaker": "Elena Marsh" if index % 2 == 0 else f"Guest {number % 50}", "text": text, "words": []})
        (root / "transcripts" / f"{slug}.json").write_text(json.dumps(
            {"episode": slug, "language": "en", "duration": 1200.0, "segments": segments}))
        chapters = [{"startTime": 0.0, "title": "Introduction"}] + [{"startTime": 60.0 * (i + 1), "title": q}
                                                                     for i, q in enumerate(questions)]
        (root / "transcripts" / f"{slug}.chapters.json").write_text(json.dumps({"version": "1.2.0", "chapters": chapters}))
        for suffix in (".vtt", ".srt", ".transcript.json"):
            (root / "transcripts" / f"{slug}{suffix}").write_text("WEBVTT\n" if suffix == ".vtt" else "{}")


def feedgen_alone(root: Path) -> float:
    """feedgen building the same 1,000 items with no show notes, validation or file work."""
    from datetime import UTC, datetime

    from feedgen.feed import FeedGenerator

    start = time.perf_counter()
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.title("Bench")
    fg.link(href="https://example.org/", rel="alternate")
    fg.description("Bench")
    for folder in sorted((root / "episodes").iterdir()):
        entry = fg.add_entry()
        entry.title(folder.name)
        entry.guid(folder.name)
        entry.published(datetime(2020, 1, 1, tzinfo=UTC))
        entry.enclosure(f"https://example.org/{folder.name}.mp3", "1000", "audio/mpeg")
        entry.podcast.itunes_duration(2)
    fg.rss_str(pretty=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    args = parser.parse_args()
    from typer.testing import CliRunner

    from sofacast.cli import app

    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "show"
        root.mkdir()
        make_show(root, args.episodes)
        timings = {}
        for label, command in [("sofacast feed (first build)", "feed"), ("sofacast feed (again, nothing changed)", "feed"),
                               ("sofacast validate", "validate")]:
            start = time.perf_counter()
            result = runner.invoke(app, [command, "-w", str(root), "-q"])
            timings[label] = time.perf_counter() - start
            if result.exit_code != 0:
                raise SystemExit(f"{command} failed: {result.output}")
        timings["feedgen alone, bare items (floor)"] = feedgen_alone(root)
        size = (root / "feeds" / "feed.xml").stat().st_size
    print(f"Machine: {machine()}\n")
    print(f"Feed of {args.episodes} episodes ({size / 2**20:.1f} MiB of XML, show notes with TF-IDF related episodes)\n")
    print("| step | time (s) | per episode (ms) | × feedgen alone |")
    print("|---|---:|---:|---:|")
    floor = timings["feedgen alone, bare items (floor)"]
    for label, seconds in timings.items():
        print(f"| {label} | {seconds:.2f} | {seconds * 1000 / args.episodes:.1f} | {seconds / floor:.1f}× |")


if __name__ == "__main__":
    main()
