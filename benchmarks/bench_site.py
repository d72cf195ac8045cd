"""Website benchmark: `sofacast site` for a show with 1,000 episodes, then the rebuilds a producer runs.

The catalogue is bench_feed's (each episode with a 60-sentence transcript, chapters, three questions, a guest
of 50, its media and podcast MP3), plus Q&A chunks (so pages have their sections) and a photo for every guest
(1200 x 900 JPEGs, cut and shrunk by the site).

Reports, in one run: the first build (every page, picture, audio link and the Pagefind index); a rebuild with
nothing changed; a rebuild after one episode.toml was edited; one new episode published; the search index
made again with nothing else to do (Pagefind's share of a build); and the size of site/ (pages, pictures, the
index; the audio is hard-linked, so it takes no space of its own, and is listed apart). Each rebuild is shown
as a share of a full build from scratch (site/ removed), timed in the same run.

Usage: python benchmarks/bench_site.py [--episodes N] [--media-seconds S]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_feed import make_show  # noqa: E402
from benchmarks.bench_transcribe import machine  # noqa: E402

GUESTS = 50  # bench_feed's episodes share 50 guests


def add_chunks_and_photos(root: Path) -> None:
    from PIL import Image

    for chapters in (root / "transcripts").glob("*.chapters.json"):
        slug = chapters.name.removesuffix(".chapters.json")
        marks = json.loads(chapters.read_text())["chapters"]
        ends = [mark["startTime"] for mark in marks[1:]] + [1200.0]
        chunks = [{"id": f"{slug}-q{i}", "episode": slug, "question_index": i or None,
                   "question": mark["title"] if i else None, "asked_by": "Elena Marsh", "speaker": "Guest",
                   "start": mark["startTime"], "end": end, "text": ""}
                  for i, (mark, end) in enumerate(zip(marks, ends, strict=True))]
        (root / "transcripts" / f"{slug}.chunks.json").write_text(json.dumps(chunks))
    (root / "people").mkdir()
    people = []
    for number in range(GUESTS):
        Image.new("RGB", (1200, 900), (number * 5, 90, 200 - number * 3)).save(root / "people" / f"guest-{number}.jpg")
        people.append(f'[people."Guest {number}"]\nphoto = "people/guest-{number}.jpg"\n')
    with (root / "sofacast.toml").open("a") as toml:
        toml.write("\n" + "\n".join(people))


def edit_one_episode(root: Path) -> None:
    folders = sorted((root / "episodes").iterdir())
    path = folders[len(folders) // 2] / "episode.toml"
    path.write_text(path.read_text().replace('description = "', 'description = "Edited. '))


def publish_one_more(root: Path) -> None:
    """A copy of the newest episode, as episode N + 1, a day later."""
    folders = sorted(folder for folder in (root / "episodes").iterdir() if folder.is_dir())
    newest, slug = folders[-1], f"episode-{len(folders) + 1:04d}"
    target = root / "episodes" / slug
    target.mkdir()
    for path in newest.iterdir():
        shutil.copyfile(path, target / path.name.replace(newest.name, slug))
    toml = target / "episode.toml"
    text = toml.read_text().replace(newest.name, slug)
    toml.write_text(text.replace('published = "', 'published = "2099-01-01" # was "', 1))
    for path in (root / "transcripts").glob(f"{newest.name}.*"):
        (root / "transcripts" / path.name.replace(newest.name, slug)).write_text(path.read_text().replace(newest.name, slug))


def remake_search_index(root: Path) -> None:
    shutil.rmtree(root / "site" / "pagefind")


def from_scratch(root: Path) -> None:
    shutil.rmtree(root / "site")


def size(folder: Path, audio: bool) -> tuple[int, int]:
    """Bytes and files in `folder`: the audio files only, or everything else."""
    found = [p for p in folder.rglob("*") if p.is_file() and (p.suffix == ".mp3") == audio]
    return sum(p.stat().st_size for p in found), len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--media-seconds", type=float, default=60.0, help="length of each episode's media")
    args = parser.parse_args()
    from sofacast.site.build import build_site
    from sofacast.workspace import Workspace

    steps = [("first build", None), ("again, nothing changed", None), ("one episode.toml edited", edit_one_episode),
             ("one new episode published", publish_one_more), ("search index only, made again", remake_search_index),
             ("full build from scratch (site/ removed)", from_scratch)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "show"
        root.mkdir()
        make_show(root, args.episodes, args.media_seconds)
        add_chunks_and_photos(root)
        past = time.time() - 3600
        for path in root.rglob("*"):
            os.utime(path, (past, past))
        for label, before in steps:
            if before is not None:
                before(root)
            start = time.perf_counter()
            result = build_site(Workspace.open(root))
            rows.append((label, time.perf_counter() - start, len(result.written), result.pages))
        pages_bytes, pages_files = size(root / "site", audio=False)
        audio_bytes, audio_files = size(root / "site", audio=True)
        index_bytes, index_files = size(root / "site" / "pagefind", audio=False)
    full = rows[-1][1]
    print(f"Machine: {machine()}\n")
    print(f"Site of {args.episodes + 1} episodes ({rows[-1][3]:,} pages, {GUESTS} guests with photos)\n")
    print("| step | time (s) | files written | × full build |")
    print("|---|---:|---:|---:|")
    for label, seconds, written, _pages in rows:
        print(f"| {label} | {seconds:.2f} | {written:,} | {seconds / full:.2f}× |")
    print(f"\nsite/: {pages_bytes / 2**20:.1f} MiB in {pages_files:,} files (of which the search index "
          f"{index_bytes / 2**20:.1f} MiB in {index_files:,} files), plus {audio_files:,} audio files "
          f"({audio_bytes / 2**20:,.0f} MiB) hard-linked to the workspace's, taking no space of their own.")


if __name__ == "__main__":
    main()
