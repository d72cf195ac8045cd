"""Feed benchmark: build, validate and write the feed of a show with 1,000 episodes, and rebuild it.

The catalogue is synthetic but complete: each episode has a transcript (so show notes get related
episodes by TF-IDF), chapters, guests, questions, its media and its podcast MP3 (the default
`[feed] audio`), already encoded, so the time is the feed's own: fingerprinting and tagging the MP3s,
show notes, the feed, its validation; not MP3 encoding. Every episode's media has the same audio
(`--media-seconds`, encoded at 64 kbps): the MP3 is encoded once and copied, its tags then differ.

Reports, in one run: the first build (it tags every MP3); a full build again with nothing remembered
(the build record and the media digests removed: what every rebuild cost before sofacast kept them);
a rebuild with nothing changed (target: <= 10% of that full build, issue 13); a rebuild after one
episode.toml was edited; `sofacast validate`; and feedgen alone on bare items, the floor.

Usage: python benchmarks/bench_feed.py [--episodes N] [--media-seconds S]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
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


def make_show(root: Path, count: int, media_seconds: float) -> None:
    import numpy as np

    from sofacast.audio.id3_tags import EpisodeTags
    from sofacast.audio.published import ensure_podcast_mp3, podcast_mp3_path
    from sofacast.feed.settings import feed_settings
    from sofacast.media import ffmpeg
    from sofacast.workspace import Workspace

    rng = random.Random(7)
    (root / "transcripts").mkdir(parents=True)
    (root / "feeds").mkdir()
    (root / "sofacast.toml").write_text((ROOT / "sofacast.toml").read_text())
    (root / "artwork.png").write_bytes((ROOT / "artwork.png").read_bytes())
    media, seconds = root / "episodes" / "clip.mp3", np.arange(int(16000 * media_seconds))
    media.parent.mkdir()
    ffmpeg.encode((0.1 * np.sin(seconds / 5) * (1 + np.sin(seconds / 16000))).astype(np.float32), media)
    workspace = Workspace.open(root)
    audio = feed_settings(workspace.show(), root).audio
    assert audio is not None
    made = ensure_podcast_mp3(media, audio, EpisodeTags("clip", "bench", "bench")).path
    for number in range(1, count + 1):
        slug = f"episode-{number:04d}"
        topic = rng.choice(TOPICS)
        folder = root / "episodes" / slug
        folder.mkdir(parents=True)
        shutil.copyfile(media, folder / f"{slug}.mp3")
        shutil.copyfile(made, podcast_mp3_path(folder / f"{slug}.mp3"))
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
    media.unlink()
    made.unlink()
    past = time.time() - 3600  # files made before this run, as a producer's are
    for path in root.rglob("*"):
        os.utime(path, (past, past))


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


def related_seconds(count: int) -> float:
    """Related episodes of every episode of a catalogue of `count` (the feed's topic index alone), best of 3."""
    from sofacast.shownotes.related import TopicIndex

    rng = random.Random(11)
    documents = {f"e{n:05d}": " ".join(rng.choice(WORDS + TOPICS) for _ in range(1200)) + f" {rng.choice(TOPICS)}"
                 for n in range(count)}
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        index = TopicIndex(documents)
        slugs = list(documents)
        for position, slug in enumerate(slugs):
            index.related(slug, slugs[:max(0, position - 3)], limit=3)
        best = min(best, time.perf_counter() - start)
    return best


def forget_everything(root: Path) -> None:
    """Remove what sofacast remembers between runs: the next build does all the work a build did before."""
    from sofacast import hashing
    from sofacast.feed import build_record

    (root / build_record.RECORD).unlink()
    (root / hashing.STORE).unlink()
    hashing._remembered.clear()  # what this process loaded of it


def edit_one_episode(root: Path) -> None:
    folders = sorted((root / "episodes").iterdir())
    path = folders[len(folders) // 2] / "episode.toml"
    path.write_text(path.read_text().replace('description = "', 'description = "Edited. '))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--media-seconds", type=float, default=300.0, help="length of each episode's media")
    args = parser.parse_args()
    from typer.testing import CliRunner

    from sofacast.cli import app

    runner = CliRunner()
    steps = [("sofacast feed (first build: tags every MP3)", "feed", None),
             ("sofacast feed (full build, nothing remembered)", "feed", forget_everything),
             ("sofacast feed (again, nothing changed)", "feed", None),
             ("sofacast feed (one episode.toml edited)", "feed", edit_one_episode),
             ("sofacast validate", "validate", None)]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "show"
        root.mkdir()
        make_show(root, args.episodes, args.media_seconds)
        media_bytes = sum(path.stat().st_size for path in (root / "episodes").glob("*/*.mp3"))
        timings = {}
        for label, command, before in steps:
            if before is not None:
                before(root)
            start = time.perf_counter()
            result = runner.invoke(app, [command, "-w", str(root), "-q"])
            timings[label] = time.perf_counter() - start
            if result.exit_code != 0:
                raise SystemExit(f"{command} failed: {result.output}")
        timings["feedgen alone, bare items (floor)"] = feedgen_alone(root)
        size = (root / "feeds" / "feed.xml").stat().st_size
    print(f"Machine: {machine()}\n")
    print(f"Feed of {args.episodes} episodes ({size / 2**20:.1f} MiB of XML, show notes with TF-IDF related episodes; "
          f"{media_bytes / 2**20:,.0f} MiB of media and podcast MP3s)\n")
    print("| step | time (s) | per episode (ms) | × feedgen alone |")
    print("|---|---:|---:|---:|")
    floor = timings["feedgen alone, bare items (floor)"]
    for label, seconds in timings.items():
        print(f"| {label} | {seconds:.2f} | {seconds * 1000 / args.episodes:.1f} | {seconds / floor:.1f}× |")
    again, full = timings[steps[2][0]], timings[steps[1][0]]
    ratio = again / full
    small, large = related_seconds(args.episodes // 2), related_seconds(args.episodes)
    print(f"\nRelated episodes of every episode (topic index alone, 1,200-word documents): {small:.2f} s for "
          f"{args.episodes // 2}, {large:.2f} s for {args.episodes}: x{large / small:.1f} for twice the episodes "
          "(x4 would be quadratic, x8 cubic).")
    print(f"\nRebuild with nothing changed: {ratio:.1%} of a full build (target <= 10%: {'met' if ratio <= 0.10 else 'NOT met'})"
          f"; {again / timings[steps[0][0]]:.1%} of the first build.")


if __name__ == "__main__":
    main()
