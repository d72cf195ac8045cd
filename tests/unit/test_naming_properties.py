"""Invariants of naming, over many combinations of voices, listed people and remembered voices (Hypothesis).

Each generated episode has voices (S1…Sn, by first appearance) that belong to distinct people — someone
the episode lists, someone the voice book remembers but the episode does not list, or a stranger — and a
voice book that remembers some of them. A voice sounds like its person's remembered voice with a drawn
similarity; people sound unlike each other. Turns put notes questions, answers and introductions in the
voices' mouths, true or not. Whatever the combination:
- distinct voices keep distinct names, and every voice has one;
- a name is a listed person's, a remembered person's (found by voice), or the voice's own "Speaker N";
- a remembered person is named only by their voice, at the threshold for listed or unlisted people;
- a remembered host whose voice is not heard is absent;
- only a voice match is sure, so the voice book learns only from voices that match it (or an editor's word),
  and a person's remembered voice never drifts away from them over a run of episodes.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sofacast.records import DiarizationRecord, Episode, Guest, Segment, Show, TranscribeOptions, Transcript
from sofacast.speakers.labelling import NAMED_BY_EPISODE, apply_names
from sofacast.speakers.naming import UNLISTED_VOICE_MATCH, VOICE_MATCH, name_speakers
from sofacast.speakers.voiceprints import Voiceprints
from sofacast.turns import Turn

PEOPLE = ["Elena Marsh", "Marc Dubois", "Ana Lind", "Ben Stone", "Cleo Park", "Dev Rao", "Sheila Brook", "Diane Keller"]
NOTES = ["Why is doubt such a powerful weapon for attackers?", "How can journalists verify leaked documents?"]
DIMENSIONS = 256
NEUTRAL = re.compile(r"Speaker (\d+)")


def person_vector(index: int) -> np.ndarray:
    return np.eye(DIMENSIONS, dtype=np.float32)[index]


def voice_vector(person: int, similarity: float, noise_axis: int) -> np.ndarray:
    """A unit vector at exactly `similarity` to the person's remembered voice, unlike everyone else's."""
    return (similarity * person_vector(person)
            + np.sqrt(1 - similarity**2) * person_vector(100 + noise_axis)).astype(np.float32)


@st.composite
def episodes(draw):
    """(labels, turns, hosts, guests, label prints, remembered prints, who each voice really is)."""
    hosts = draw(st.lists(st.sampled_from(PEOPLE), max_size=2, unique=True))
    guests = draw(st.lists(st.sampled_from([p for p in PEOPLE if p not in hosts]), max_size=3, unique=True))
    voices = draw(st.integers(1, 5))
    owners = draw(st.lists(st.sampled_from(range(len(PEOPLE) + 3)), min_size=voices, max_size=voices, unique=True))
    remembered = draw(st.sets(st.sampled_from(range(len(PEOPLE)))))
    similarity = st.floats(0.5, 1.0)
    labels = [f"S{i}" for i in range(1, voices + 1)]
    prints = {label: voice_vector(owner, draw(similarity), i)
              for i, (label, owner) in enumerate(zip(labels, owners, strict=True))}
    known = {PEOPLE[i]: person_vector(i) for i in sorted(remembered)}
    lines = [
        "Welcome to the show.", "It is cheap.", *NOTES, "Thank you both.", "So what happened next?",
        *(f"I'm {name.split()[0]}." for name in PEOPLE), *(f"Hello? This is {name}." for name in PEOPLE),
    ]
    spoken = draw(st.lists(st.tuples(st.sampled_from(labels), st.sampled_from(lines)), max_size=10))
    # Every voice speaks, in the order of the labels (labels are numbered by first appearance).
    turns = [Turn(label, [Segment(0, 0.0, 1.0, "Hello.")]) for label in labels]
    turns += [Turn(label, [Segment(0, 0.0, 1.0, text)]) for label, text in spoken]
    return labels, turns, hosts, guests, prints, known, owners


@settings(max_examples=200, deadline=None)
@given(episodes())
def test_distinct_voices_keep_distinct_names_and_every_name_is_earned(episode) -> None:
    labels, turns, hosts, guests, prints, known, _owners = episode
    naming = name_speakers(labels, turns, hosts, guests, NOTES, prints, known)
    assert set(naming.names) == set(labels)
    assert len(set(naming.names.values())) == len(labels)  # distinct voices, distinct names
    listed = {*hosts, *guests}
    for label, name in naming.names.items():
        neutral = NEUTRAL.fullmatch(name)
        if neutral:
            assert neutral.group(1) == label[1:]  # stable: the voice's own rank by first appearance
            continue
        assert name in listed or name in known
        if name in known:  # a remembered person is named by their voice only, at the right threshold
            similarity = float(prints[label] @ known[name])
            assert naming.reasons[label].startswith("voiceprint")
            assert similarity >= (VOICE_MATCH if name in listed else UNLISTED_VOICE_MATCH) - 1e-6


@settings(max_examples=200, deadline=None)
@given(episodes())
def test_only_a_voice_match_is_sure_and_an_unheard_remembered_host_is_absent(episode) -> None:
    labels, turns, hosts, guests, prints, known, _owners = episode
    naming = name_speakers(labels, turns, hosts, guests, NOTES, prints, known)
    for label in naming.sure:
        assert naming.reasons[label].startswith("voiceprint")
        assert float(prints[label] @ known[naming.names[label]]) >= VOICE_MATCH - 1e-6
    for host in hosts:
        if host in known and all(float(v @ known[host]) < VOICE_MATCH for v in prints.values()):
            assert host not in naming.names.values()


@settings(max_examples=200, deadline=None)
@given(episodes(), st.randoms(use_true_random=False))
def test_naming_does_not_depend_on_the_order_the_book_lists_people_in(episode, shuffle: random.Random) -> None:
    labels, turns, hosts, guests, prints, known, _owners = episode
    first = name_speakers(labels, turns, hosts, guests, NOTES, prints, known)
    reordered = list(known.items())
    shuffle.shuffle(reordered)
    again = name_speakers(labels, turns, hosts, guests, NOTES, prints, dict(reordered))
    assert (again.names, again.reasons, again.sure) == (first.names, first.reasons, first.sure)


def transcript_of(slug: str, labels: list[str], turns: list[Turn], prints: dict[str, np.ndarray]) -> Transcript:
    segments = [Segment(i, float(i), i + 0.9, turn.text, label=turn.who) for i, turn in enumerate(turns)]
    seconds = {label: 0.9 * sum(turn.who == label for turn in turns) for label in labels}
    diarization = DiarizationRecord(method="voices", seconds=seconds,
                                    voiceprints={label: [float(x) for x in v] for label, v in prints.items()})
    return Transcript(slug, "en", float(len(turns)), "faster-whisper", "tiny.en", TranscribeOptions(), segments,
                      diarization=diarization)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(episodes(), st.dictionaries(st.sampled_from(["S1", "S2", "S3"]), st.sampled_from(PEOPLE), max_size=2))
def test_the_book_learns_only_from_a_matching_voice_or_the_editors_word(tmp_path: Path, episode, table) -> None:
    labels, turns, hosts, guests, prints, known, _owners = episode
    book = Voiceprints(tmp_path / "voiceprints.json", {})
    for index, (name, vector) in enumerate(known.items()):
        book.learn(name, f"earlier-{index}", vector, 30.0)
    show = Show("Sofa", hosts=hosts)
    episode_record = Episode("ep", "Ep", guests=[Guest(name) for name in guests], questions=NOTES,
                             extra={"speakers": table} if table else {})
    transcript = transcript_of("ep", labels, turns, prints)
    apply_names(transcript, show, episode_record, book)
    learned = {name for name, contributions in book.people.items() if "ep" in contributions}
    for name in learned:
        how = {transcript.diarization.named_by[label] for label, shown in transcript.speakers.items() if shown == name}
        assert any(reason.startswith("voiceprint") or reason == NAMED_BY_EPISODE for reason in how), (name, how)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.booleans(), st.floats(0.5, 1.0), st.floats(0.5, 1.0)), min_size=3, max_size=12))
def test_a_remembered_host_voice_never_drifts_to_the_guest_who_asks_in_her_absence(tmp_path: Path, run) -> None:
    """A run of episodes: Elena hosts some, and is away in others, where a guest puts the questions."""
    book = Voiceprints(tmp_path / "voiceprints.json", {})
    book.learn("Elena Marsh", "confirmed", person_vector(0), 30.0)  # an editor's word, once
    show = Show("Sofa", hosts=["Elena Marsh"])
    for number, (host_speaks, host_likeness, guest_likeness) in enumerate(run):
        asker = voice_vector(0, max(host_likeness, 0.8), number) if host_speaks else voice_vector(5, guest_likeness, number)
        prints = {"S1": asker, "S2": voice_vector(6, guest_likeness, 50 + number)}
        turns = [Turn("S1", [Segment(0, 0.0, 1.0, NOTES[0])]), Turn("S2", [Segment(1, 1.0, 2.0, "It is cheap.")]),
                 Turn("S1", [Segment(2, 2.0, 3.0, NOTES[1])]), Turn("S2", [Segment(3, 3.0, 4.0, "By the metadata.")])]
        episode = Episode(f"ep{number}", "Ep", guests=[Guest("Ben Stone")], questions=NOTES)
        transcript = transcript_of(episode.slug, ["S1", "S2"], turns, prints)
        apply_names(transcript, show, episode, book)
        assert ("Elena Marsh" in transcript.speakers.values()) == host_speaks
        remembered = book.voiceprint("Elena Marsh")
        assert remembered is not None and float(remembered @ person_vector(0)) >= 0.95
