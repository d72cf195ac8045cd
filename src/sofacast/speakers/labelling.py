"""The speaker stage of `transcribe`: find who spoke when, split segments by speaker, put names on them.

Finding speakers (diarization) needs the audio and is redone only when the text or the expected
speaker count changes; naming is cheap and redone on every run from what the transcript stores,
so an edited `speakers` table in episode.toml, a newly learned voice or a rename in the voice book
(`sofacast voices`) applies at once, even to a transcript that is otherwise up to date.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sofacast.records import DiarizationInputs, DiarizationRecord, Episode, Segment, Show, SpeakerTurn, Transcript
from sofacast.speakers.assign import label_segments
from sofacast.speakers.diarize import Diarization
from sofacast.speakers.naming import name_speakers
from sofacast.speakers.voiceprints import PLACEHOLDER, Voiceprints
from sofacast.turns import group_turns

# Bump when diarization changes enough that stored results should be redone.
DIARIZATION_VERSION = 2
# How speakers were found when a publisher's transcript names them itself: kept, never found again.
PUBLISHER = "publisher"
NAMED_BY_PUBLISHER = "the publisher's transcript"
NAMED_BY_EPISODE = "episode.toml"  # the episode's [speakers] table: a person's own word, always sure


def expected_speakers(show: Show, episode: Episode) -> int | None:
    people = {*episode.host_names(show), *(guest.name for guest in episode.guests)}
    return len(people) or None


def diarization_inputs(show: Show, episode: Episode) -> DiarizationInputs:
    return DiarizationInputs(DIARIZATION_VERSION, expected_speakers(show, episode))


def needs_diarization(transcript: Transcript, show: Show, episode: Episode) -> bool:
    if transcript.diarization.method in ("channels", PUBLISHER):
        return False  # found while transcribing each channel, or named by the publisher; redone only with the text
    return transcript.diarization.inputs != diarization_inputs(show, episode)


def attach(transcript: Transcript, diarization: Diarization, inputs: DiarizationInputs) -> None:
    """Split the transcript's segments at the speaker turns and store how speakers were found."""
    if diarization.method == "voices":
        transcript.segments = label_segments(transcript.segments, diarization.turns)
    transcript.diarization = DiarizationRecord(
        method=diarization.method, inputs=inputs, seconds=_speech_seconds(diarization.turns),
        voiceprints={label: [round(float(x), 4) for x in vector] for label, vector in diarization.voiceprints.items()},
    )


def channel_diarization(segments: Sequence[Segment]) -> Diarization:
    """Segments transcribed channel by channel already carry their label; turns follow from them."""
    turns = [SpeakerTurn(s.start, s.end, s.label) for s in segments if s.label]
    return Diarization(turns, "channels")


def _speech_seconds(turns: Sequence[SpeakerTurn]) -> dict[str, float]:
    seconds: dict[str, float] = {}
    for turn in turns:
        seconds[turn.label] = round(seconds.get(turn.label, 0.0) + turn.end - turn.start, 2)
    return seconds


def speakers_override(episode: Episode) -> dict[str, str]:
    """The episode's [speakers] table (label -> name), already checked by the schema."""
    return {key: name.strip() for key, name in episode.extra.get("speakers", {}).items()}


def apply_names(transcript: Transcript, show: Show, episode: Episode, voiceprints: Voiceprints) -> None:
    """Name every label (automatic naming, then the episode's overrides) and teach the voice book what is sure:
    a voice that matched the person's remembered voice, or one the episode's `speakers` table names.

    Names go through the book first, so a person renamed or merged there is shown by their name now."""
    labels = list(dict.fromkeys(s.label for s in transcript.segments if s.label))
    prints = {label: np.asarray(v, np.float32) for label, v in transcript.diarization.voiceprints.items()}
    if transcript.diarization.method == PUBLISHER:
        names = dict(transcript.diarization.names)
        reasons, sure = dict.fromkeys(names, NAMED_BY_PUBLISHER), set()
    else:
        hosts = _current_names(voiceprints, episode.host_names(show))
        guests = _current_names(voiceprints, [guest.name for guest in episode.guests])
        naming = name_speakers(labels, group_turns(transcript.segments, key=lambda s: s.label), hosts, guests,
                               episode.questions, prints, voiceprints.known(excluding=episode.slug))
        names, reasons, sure = naming.names, naming.reasons, naming.sure
    override = {label: voiceprints.name_of(name) for label, name in speakers_override(episode).items() if label in labels}
    transcript.speakers = {label: override.get(label, names.get(label, label)) for label in labels}
    transcript.diarization.names = names
    transcript.diarization.named_by = {**reasons, **dict.fromkeys(override, NAMED_BY_EPISODE)}
    for segment in transcript.segments:
        segment.speaker = transcript.speakers.get(segment.label) if segment.label else None
    _learn_voices(transcript, episode.slug, voiceprints, prints, sure | set(override))


def guessed_names(transcript: Transcript) -> dict[str, str]:
    """Person -> how it was found, for each name neither a voice match nor an editor's (or publisher's) word gave:
    the names a producer should check, and confirm so that later episodes know those voices."""
    guessed: dict[str, str] = {}
    for label, reason in transcript.diarization.named_by.items():
        name = transcript.speakers.get(label, label)
        sure = reason.startswith("voiceprint") or reason in (NAMED_BY_EPISODE, NAMED_BY_PUBLISHER)
        if not sure and not PLACEHOLDER.fullmatch(name):  # nor a neutral "Speaker N"
            guessed.setdefault(name, reason)
    return guessed


def _current_names(voiceprints: Voiceprints, names: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(voiceprints.name_of(name) for name in names))


def _learn_voices(transcript: Transcript, slug: str, voiceprints: Voiceprints, prints: dict[str, np.ndarray],
                  sure: set[str]) -> None:
    """Each person named for sure learns their voice from this episode (their label with the most speech);
    what the episode taught before about anyone else is forgotten (a re-run that no longer hears them)."""
    seconds = transcript.diarization.seconds
    heard: dict[str, str] = {}
    for label in sorted(sure & prints.keys(), key=lambda lab: -seconds.get(lab, 0.0)):
        person = transcript.speakers[label]
        if not PLACEHOLDER.fullmatch(person) and person != label:
            heard.setdefault(person, label)
    for person, label in heard.items():
        voiceprints.learn(person, slug, prints[label], float(seconds.get(label, 1.0)))
    voiceprints.forget_episode(slug, keeping=set(heard))
