"""Search benchmark: a synthetic back catalogue of 1,000 hours of transcripts in the canonical format.

Builds the index from scratch and reports build time, index size, and query latency (p50/p95 over
a fixed set of phrase, filtered and broad queries, each run several times) — through the whole
`search` path (which also checks every episode's files for changes) and against the index alone.
In the same run, a plain scan over the JSON files answers some of the same queries, for scale.

Usage: python benchmarks/bench_search.py [--hours 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_transcribe import machine  # noqa: E402
from sofacast.search.index import Filters, SearchIndex  # noqa: E402
from sofacast.search.query import to_fts  # noqa: E402
from sofacast.search.service import rebuild_index, search_workspace  # noqa: E402
from sofacast.workspace import Workspace  # noqa: E402

SEGMENT_SECONDS = 5.0
WORDS_PER_SEGMENT = 13
TOPICS = ["undersea cables", "election security", "ransomware gangs", "attribution", "cyber norms", "capacity building",
          "satellite jamming", "quantum cryptography", "supply chain attacks", "critical infrastructure"]
GUESTS = [f"{first} {last}" for first in ("Tomas", "Priya", "Henrik", "Amara", "Lucia", "Kenji", "Nadia", "Omar")
          for last in ("Okafor", "Raman", "Sato", "Mensah", "Ferreira", "Tanaka", "Petrova", "Haddad")]
QUERIES = {
    "phrase": [('"private sector"', Filters()), ('"undersea cables"', Filters()), ('"response team"', Filters()),
               ('"quantum cryptography"', Filters()), ('"trust between states"', Filters())],
    "filtered": [("ransomware", Filters(guest="Priya")), ("cables", Filters(speaker="Elena")),
                 ("attribution", Filters(since="2020-01-01", until="2021-12-31")), ("norms", Filters(question="2")),
                 ("satellite", Filters(episode="episode-0016"))],
    "broad": [("government", Filters()), ("secur*", Filters()), ("cables OR satellites", Filters()),
              ("attack NOT ransomware", Filters()), ("people", Filters())],
}


def vocabulary(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The words of the sample show's transcripts plus made-up ones, with Zipf-like frequencies."""
    seen = []
    for path in sorted((ROOT / "transcripts").glob("*.txt")):
        seen += re.findall(r"[a-z']+", path.read_text().lower())
    words = list(dict.fromkeys(seen))
    syllables = ["ka", "lo", "mi", "ren", "tus", "vel", "dor", "sa", "ni", "pol", "gra", "fen"]
    words += ["".join(rng.choice(syllables, size=3)) for _ in range(6000)]
    weights = 1.0 / np.arange(1, len(words) + 1) ** 1.05
    return np.array(words), weights / weights.sum()


def write_catalogue(root: Path, hours: int) -> None:
    rng = np.random.default_rng(1)
    words, weights = vocabulary(rng)
    (root / "sofacast.toml").write_text('title = "Bench"\nbase_url = "https://example.org/show/"\nhosts = ["Elena Marsh"]\n')
    (root / "transcripts").mkdir()
    segments_per_episode = int(3600 / SEGMENT_SECONDS)
    for number in range(1, hours + 1):
        slug = f"episode-{number:04d}"
        topic = TOPICS[number % len(TOPICS)]
        guest = GUESTS[number % len(GUESTS)]
        folder = root / "episodes" / slug
        folder.mkdir(parents=True)
        questions = [f"What is new in {topic}?", f"Who is responsible for {topic}?", "What builds trust between states?"]
        (folder / "episode.toml").write_text(
            f'title = "Episode {number}"\nnumber = {number}\n'
            f'published = "{2015 + number // 100}-{1 + number % 12:02d}-{1 + number % 28:02d}"\n'
            f'media = "{slug}.mp3"\nquestions = {json.dumps(questions)}\n\n[[guests]]\nname = "{guest}"\n')
        drawn = rng.choice(len(words), size=(segments_per_episode, WORDS_PER_SEGMENT), p=weights)
        segments, chunks = [], []
        for index in range(segments_per_episode):
            start = index * SEGMENT_SECONDS
            text_words = list(words[drawn[index]])
            if index % 40 == 0:
                text_words[2:4] = topic.split()
            if index % 97 == 0:
                text_words[5:8] = ["trust", "between", "states"]
            speaker = "Elena Marsh" if (index // 6) % 4 == 0 else guest
            step = SEGMENT_SECONDS / WORDS_PER_SEGMENT
            segments.append({"id": index, "start": start, "end": start + SEGMENT_SECONDS - 0.2, "speaker": speaker,
                             "label": "S1" if speaker == "Elena Marsh" else "S2", "text": " ".join(text_words).capitalize() + ".",
                             "words": [{"start": round(start + i * step, 2), "end": round(start + (i + 1) * step, 2),
                                        "word": " " + w, "probability": 0.9} for i, w in enumerate(text_words)]})
        for q in range(4):
            begin = q * 900.0
            chunks.append({"id": f"{slug}-q{q}" if q else f"{slug}-intro", "episode": slug, "question_index": q or None,
                           "question": questions[q - 1] if q else None, "asked_by": "Elena Marsh", "speaker": guest,
                           "start": begin, "end": begin + 900.0, "text": ""})
        transcript = {"episode": slug, "language": "en", "duration": 3600.0, "engine": "faster-whisper", "model": "tiny.en",
                      "options": {}, "speakers": {"S1": "Elena Marsh", "S2": guest}, "segments": segments}
        (root / "transcripts" / f"{slug}.json").write_text(json.dumps(transcript))
        (root / "transcripts" / f"{slug}.chunks.json").write_text(json.dumps(chunks))


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def plain_scan(root: Path, query: str) -> int:
    """What an index saves: read every transcript and test every segment (phrase or all words, case-insensitive)."""
    phrase = query.strip('"').lower() if query.startswith('"') else None
    terms = [] if phrase else query.lower().split()
    hits = 0
    for path in (root / "transcripts").glob("*[0-9].json"):
        for segment in json.loads(path.read_text())["segments"]:
            text = segment["text"].lower()
            hits += phrase in text if phrase else all(term in text for term in terms)
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="Build the catalogue here and keep it.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp) / "show"
        if not (root / "sofacast.toml").exists():
            root.mkdir(parents=True, exist_ok=True)
            start = time.perf_counter()
            write_catalogue(root, args.hours)
            print(f"  generated {args.hours} h of transcripts in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        workspace = Workspace.open(root)
        json_bytes = sum(p.stat().st_size for p in (root / "transcripts").glob("*.json"))
        start = time.perf_counter()
        passages = rebuild_index(workspace)
        build = time.perf_counter() - start
        size = (root / ".sofacast" / "search.sqlite").stat().st_size
        rows = []
        index = SearchIndex.open(workspace)
        empty = 0
        for kind, queries in QUERIES.items():
            whole, bare = [], []
            for text, filters in queries:
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    results = search_workspace(workspace, text, filters, limit=10)
                    whole.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    index.search(to_fts(text), filters, 10)
                    bare.append(time.perf_counter() - t0)
                    empty += not results
            rows.append((kind, len(queries) * args.repeat, *percentiles(whole), *percentiles(bare)))
        index.close()
        scans = []
        for text in ('"private sector"', "government", "ransomware gangs"):
            t0 = time.perf_counter()
            plain_scan(root, text)
            scans.append(time.perf_counter() - t0)
    print(f"Machine: {machine()}\n")
    print(f"Catalogue: {args.hours} hours, {args.hours} episodes, {json_bytes / 2**30:.2f} GiB of canonical JSON; "
          f"{passages:,} passages\n")
    print(f"| build the index | index size | size ÷ JSON |\n|---:|---:|---:|\n"
          f"| {build:.0f} s | {size / 2**20:.0f} MiB | {size / json_bytes:.2f} |\n")
    print("| queries | runs | p50 (ms), `search` | p95 (ms), `search` | p50 (ms), index only | p95 (ms), index only |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, count, p50, p95, b50, b95 in rows:
        print(f"| {kind} | {count} | {p50 * 1000:.1f} | {p95 * 1000:.1f} | {b50 * 1000:.1f} | {b95 * 1000:.1f} |")
    all_p95 = max(row[3] for row in rows)
    if empty:
        print(f"\n({empty} query runs found nothing: a catalogue this small lacks some of their words or dates.)")
    print(f"\nPlain scan over the JSON files, same machine: median {statistics.median(scans):.1f} s per query "
          f"({statistics.median(scans) / max(1e-9, statistics.median([r[2] for r in rows])):.0f}× the indexed p50). "
          f"Worst p95 through `search`: {all_p95 * 1000:.1f} ms (target < 50 ms).")


if __name__ == "__main__":
    main()
