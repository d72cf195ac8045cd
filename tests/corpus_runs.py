"""The real-voice corpus (tests/real_corpus.py) run through sofacast as a producer runs it: a new show, each episode
pulled from its media file with its notes' guests and questions, transcribed, and the episodes before it confirmed by
an editor (`sofacast voices confirm`) so the voice book knows those voices. Shared by the tests and the benchmark.

`invoke(*args)` runs one sofacast command line and returns (exit code, output).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.real_corpus import CorpusEpisode, with_before, write_media

Invoke = Callable[..., tuple[int, str]]


@dataclass
class CorpusRun:
    item: CorpusEpisode
    transcript: dict  # the last episode's canonical transcript
    seconds: float  # wall time of its `transcribe`
    root: Path

    def speaker_turns(self) -> list[tuple[float, float, str]]:
        """Who the transcript says spoke when: each segment with the name shown for it."""
        return [(s["start"], s["end"], s["speaker"]) for s in self.transcript["segments"] if s.get("speaker")]

    def label_turns(self) -> list[tuple[float, float, str]]:
        return [(s["start"], s["end"], s["label"]) for s in self.transcript["segments"] if s.get("label")]

    def text(self) -> str:
        return " ".join(s["text"] for s in self.transcript["segments"])

    def book(self) -> dict[str, list[str]]:
        """The voice book: person -> the episodes their voice was learned from."""
        path = self.root / "voiceprints.json"
        people = json.loads(path.read_text())["people"] if path.exists() else {}
        return {name: list(entry["episodes"]) for name, entry in people.items()}


def run_episode(invoke: Invoke, root: Path, item: CorpusEpisode) -> CorpusRun:
    """A new show at `root`; `item`'s earlier episodes first (confirmed), then `item` itself."""
    _new_show(invoke, root, item)
    for earlier in with_before(item):
        _add(invoke, root, earlier)
        started = time.perf_counter()
        _ok(invoke("transcribe", earlier.name, "-w", root, "-q"))
        seconds = time.perf_counter() - started
        transcript = json.loads((root / "transcripts" / f"{earlier.name}.json").read_text())
        if earlier is not item and earlier.confirmed:
            labels = labels_of(transcript, earlier.turns)
            pairs = [f"{labels[voice]}={name}" for voice, name in earlier.confirmed.items() if voice in labels]
            _ok(invoke("voices", "confirm", earlier.name, *pairs, "-w", root, "-q"))
    return CorpusRun(item, transcript, seconds, root)


def labels_of(transcript: dict, turns: Sequence[tuple[float, float, str]]) -> dict[str, str]:
    """Each reference voice's diarization label: the one its turns overlap most."""
    overlap: dict[str, dict[str, float]] = {}
    for start, end, voice in turns:
        for segment in transcript["segments"]:
            shared = min(end, segment["end"]) - max(start, segment["start"])
            if shared > 0 and segment.get("label"):
                by_label = overlap.setdefault(voice, {})
                by_label[segment["label"]] = by_label.get(segment["label"], 0.0) + shared
    return {voice: max(by_label, key=lambda label: by_label[label]) for voice, by_label in overlap.items()}


def _new_show(invoke: Invoke, root: Path, item: CorpusEpisode) -> None:
    hosts = [option for host in item.show_hosts for option in ("--host", host)]
    _ok(invoke("init", root, "--title", "Real Voices", "--author", "The Producer", "--email", "producer@example.org",
               "--base-url", "https://example.org/real-voices/", *hosts, "-q"))
    if item.language != "en":
        show = root / "sofacast.toml"
        show.write_text(show.read_text().replace('language = "en"', f'language = "{item.language}"'))


def _add(invoke: Invoke, root: Path, item: CorpusEpisode) -> None:
    media = write_media(item, root.parent / f"{item.name}.flac")
    notes = [*(option for guest in item.guests for option in ("--guest", guest)),
             *(option for question in item.questions for option in ("--question", question))]
    _ok(invoke("pull", media, "--slug", item.name, "--title", item.name.replace("-", " ").title(), "-w", root, "-q", *notes))
    if item.episode_hosts:  # a guest host, as a pulled feed's podcast:person role="host" or a producer writes it
        episode_toml = root / "episodes" / item.name / "episode.toml"
        episode_toml.write_text(episode_toml.read_text() + "".join(f'\n[[hosts]]\nname = "{host}"\n'
                                                                    for host in item.episode_hosts))


def _ok(result: tuple[int, str]) -> None:
    code, output = result
    if code != 0:
        raise AssertionError(f"sofacast failed ({code}): {output}")
