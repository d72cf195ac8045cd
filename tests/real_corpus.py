"""Real human voices mixed into short podcast episodes of the shapes real shows have, with exact references.

The synthesized samples have every speaker listed and the host always speaking; real shows do not
(issue 25). Each episode here is mixed, deterministically and without Whisper, from the recordings
in tests/data/voices (and tests/data/jfk.flac); see tests/data/voices/NOTICE.md for their sources
and licences. The reference comes from the sources themselves: who spoke when is each clip's speech
where the mixing put it (the phone call keeps its own RTTM), what was said is each source's own
transcript. A voice is always the same person, with the same name, in every episode (`PEOPLE`);
`names` says what a careful producer who has only the episode's notes would expect the transcript
to show for each voice (`None`: nobody listed is this voice, so it must get a neutral label of its own).

Use: `for item in with_before(episode("guest-host")): write_media(item, ...)`, then transcribe them in
that order (confirming each earlier one's `confirmed` names as an editor would), and score the last
against `item.turns` with tests.scoring's diarization_error_rate and wrong_name_seconds, and
against `item.text` with word_error_rate. `fast_episodes()` is the subset the tests run.
"""

from __future__ import annotations

import subprocess
import tempfile
import zlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from sofacast.media import ffmpeg
from tests.real_voices import telephone, write_wav

VOICES = Path(__file__).resolve().parent / "data" / "voices"
JFK = Path(__file__).resolve().parent / "data" / "jfk.flac"
SAMPLE_RATE = 16000

# Voice key -> the person's name, the same in every episode. Diane and Sheila say their first names on the call.
PEOPLE: dict[str, str] = {
    "reader": "Martin Hale",  # the show's regular host: the LibriVox reader
    "allison": "Allison Smith",  # the Asterisk prompts' voice, under her own name
    "cards": "Marcus Webb",  # CMU Sphinx's cards test speaker
    "jfk": "John F. Kennedy",
    "diane": "Diane Keller",
    "sheila": "Sheila Novak",
    "june": "June Wallack",  # the French Asterisk prompts' voice, under her own name
}
SHOW_HOSTS = (PEOPLE["reader"],)
# The call's RTTM labels: its STM says "Diane" for "Hello?" at 6.68 s, which the RTTM gives speaker90 (6.69 s).
CALL_SPEAKERS = {"speaker90": "diane", "speaker91": "sheila"}
# Levels: clean speech at the loudness of a produced show, the bed well under it, the jingle close to full scale.
SPEECH_DBFS = -22.0
BED_DBFS = -36.0
JINGLE_PEAK = 0.89
ROOM_TONE_DBFS = -66.0
# A clip's speech: 20 ms frames within 40 dB of its loudest, with pauses shorter than this bridged.
FRAME = 320
SPEECH_RANGE_DB = 40.0
BRIDGE_SECONDS = 0.5


class Turn(NamedTuple):
    """Who spoke when; a tuple, so a list of them goes straight into tests.scoring.diarization_error_rate."""

    start: float
    end: float
    speaker: str


@dataclass(frozen=True)
class Line:
    """One clip spoken into an episode: its speech starts `gap` seconds after the previous line's speech
    ends (negative: over its end, as a next speaker who does not wait), optionally down a phone line."""

    clip: str
    gap: float = 0.7
    phone: bool = False


@dataclass(frozen=True)
class Call:
    """A stretch of the real phone call (call.flac), kept as it was recorded, with its own RTTM and STM."""

    start: float = 0.0
    end: float = 30.0


@dataclass(frozen=True)
class CorpusEpisode:
    name: str  # slug-like
    shape: str  # one line: what real-show situation it stands for
    turns: tuple[Turn, ...]  # who spoke when (overlaps allowed)
    text: str  # what was said, in spoken order (for WER)
    show_hosts: tuple[str, ...]  # sofacast.toml `hosts`
    episode_hosts: tuple[str, ...]  # the episode's own [[hosts]] (a guest host); () if none
    guests: tuple[str, ...]  # episode.toml guests, in the order the show notes list them
    questions: tuple[str, ...]  # show-notes questions
    names: dict[str, str | None]  # voice key -> the name the transcript should show; None: a neutral label of its own
    before: tuple[str, ...] = ()  # corpus episodes to transcribe (and have an editor confirm) first
    confirmed: dict[str, str] = field(default_factory=dict)  # as a `before` episode: voice key -> name an editor confirmed
    fast: bool = False  # part of the fast subset the tests run
    language: str = "en"  # the show's language (sofacast.toml `language`)

    @property
    def duration(self) -> float:
        return len(_mixed(self.name)) / SAMPLE_RATE

    @property
    def voices(self) -> tuple[str, ...]:
        """The voice keys that speak, in order of first appearance."""
        return tuple(dict.fromkeys(turn.speaker for turn in sorted(self.turns)))

    def audio(self) -> np.ndarray:
        """16 kHz mono float32 in [-1, 1] (a copy: callers may change it)."""
        return _mixed(self.name).copy()


@dataclass(frozen=True)
class _Recipe:
    """How an episode is mixed and what its notes say."""

    shape: str
    parts: tuple[Line, ...] | Call
    named: tuple[str, ...]  # voice keys the notes name (hosts, episode hosts, guests, or confirmed earlier)
    guests: tuple[str, ...] = ()
    show_hosts: tuple[str, ...] = SHOW_HOSTS
    episode_hosts: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    confirmed: tuple[str, ...] = ()
    fast: bool = False
    jingle: bool = False
    language: str = "en"


def _lines(*clips: str, gap: float = 0.7, phone: tuple[str, ...] = ()) -> tuple[Line, ...]:
    """Lines of the given clips with one gap; clips of the voices in `phone` come down a phone line."""
    return tuple(Line(clip, gap, clip.split("-")[0] in phone) for clip in clips)


def _overlapping(*clips: str) -> tuple[Line, ...]:
    """Each next speaker starts 0.3-0.6 s before the last one ends, as people do who do not wait."""
    gaps = (-0.4, -0.55, -0.3, -0.6, -0.45, -0.35, -0.5, -0.3, -0.6)
    return tuple(Line(clip, 0.7 if i == 0 else gaps[(i - 1) % len(gaps)]) for i, clip in enumerate(clips))


RECIPES: dict[str, _Recipe] = {
    "earlier-interview": _Recipe(
        "an earlier episode of the show, the host and one guest, whose names an editor confirmed: the voice book "
        "knows the host (and Allison) from it, as it knows the regular host of any running show",
        _lines("reader-0870", "allison-demo-nogo", "reader-0880", "allison-tt-allbusy"),
        named=("reader", "allison"), guests=(PEOPLE["allison"],), confirmed=("reader", "allison")),
    "host-absent-call": _Recipe(
        "the host absent: a two-person call pulled into a show whose host (known to the voice book) does not speak; "
        "one guest (Sheila) listed, the other voice (Diane) is nobody the notes list",
        Call(6.0, 30.0), named=("sheila",), guests=(PEOPLE["sheila"],), before=("earlier-interview",), fast=True),
    "phone-conversation": _Recipe(
        "a spontaneous phone conversation with overlaps and laughter, as recorded (line noise before it); "
        "one of the two (Diane, who speaks first) named, the show's host (known to the voice book) absent",
        Call(0.0, 30.0), named=("diane",), guests=(PEOPLE["diane"],), before=("earlier-interview",)),
    "two-unnamed-callers": _Recipe(
        "a call-in: the host (known to the voice book) speaks between two callers on phone lines whom nobody lists",
        _lines("reader-0890", "jfk", "reader-0920", "cards-001", "cards-002", "cards-003", "reader-0930", "cards-005",
               phone=("jfk", "cards")),
        named=("reader",), before=("earlier-interview",), fast=True),
    "first-visit": _Recipe(
        "an ordinary interview, guests listed in the order they speak; an editor confirms every name, so the "
        "voice book learns the host and both guests (taught here for guest-host and returning-guests)",
        _lines("reader-0870", "allison-demo-nogo", "reader-0880", "cards-001", "cards-002", "cards-003",
               "allison-tt-allbusy"),
        named=("reader", "allison", "cards"), guests=(PEOPLE["allison"], PEOPLE["cards"]),
        confirmed=("reader", "allison", "cards")),
    "guest-host": _Recipe(
        "a guest host: the episode's own [[hosts]] speaks; the show's regular host, whose voice the voice book "
        "knows from first-visit, is absent",
        _lines("allison-demo-abouttotry", "jfk-1", "allison-priv-introsaved", "jfk-2", "allison-demo-thanks"),
        named=("allison", "jfk"), guests=(PEOPLE["jfk"],), episode_hosts=(PEOPLE["allison"],), before=("first-visit",),
        fast=True),
    "four-voices": _Recipe(
        "four voices, two named: the host and a listed guest (both known to the voice book), and two people nobody "
        "lists",
        _lines("reader-0920", "allison-demo-moreinfo", "jfk-1", "cards-004", "reader-0930", "jfk-2", "cards-005",
               "allison-followme-status"),
        named=("reader", "allison"), guests=(PEOPLE["allison"],), before=("earlier-interview",)),
    "returning-guests": _Recipe(
        "returning guests: first-visit taught their voices; these notes list them in the other order than they "
        "speak (other clips of each voice than first-visit's)",
        _lines("reader-0890", "allison-demo-moreinfo", "reader-0920", "cards-004", "cards-005",
               "allison-followme-status", "reader-0930"),
        named=("reader", "allison", "cards"), guests=(PEOPLE["cards"], PEOPLE["allison"]), before=("first-visit",)),
    "phone-line": _Recipe(
        "a phone line: the guest through a telephone channel (300-3400 Hz, 8 kHz mu-law), the host clean",
        _lines("reader-0870", "allison-demo-abouttotry", "reader-0890", "allison-demo-nogo", "reader-0930",
               phone=("allison",)),
        named=("reader", "allison"), guests=(PEOPLE["allison"],)),
    "music-bed": _Recipe(
        "a loud jingle, then the host and a guest over a music bed",
        _lines("reader-0870", "jfk-1", "reader-0920", "jfk-2", "reader-0930"),
        named=("reader", "jfk"), guests=(PEOPLE["jfk"],), jingle=True),
    "turn-overlaps": _Recipe(
        "short overlaps at turn changes: each next speaker starts 0.3-0.6 s before the last one ends",
        _overlapping("reader-0870", "allison-followme-status", "reader-0880", "allison-priv-introsaved", "reader-0890",
                     "allison-followme-sorry", "reader-0920", "allison-demo-thanks", "reader-0930"),
        named=("reader", "allison"), guests=(PEOPLE["allison"],)),
    "long-silence": _Recipe(
        "a long silence: 20 s of room tone in the middle of an interview",
        (*_lines("reader-0870", "cards-001", "cards-002", "cards-003", "reader-0880"), Line("reader-0890", 20.0),
         *_lines("cards-004", "cards-005", "reader-0930")),
        named=("reader", "cards"), guests=(PEOPLE["cards"],)),
    "french-show": _Recipe(
        "a show in another language: French speech (for refusing an English-only model on a `fr` show)",
        _lines("june-demo-echotest"), named=("june",), show_hosts=(PEOPLE["june"],), language="fr"),
}


def episodes() -> list[CorpusEpisode]:
    """Every corpus episode, each after the episodes in its `before`."""
    return [episode(name) for name in RECIPES]


def episode(name: str) -> CorpusEpisode:
    recipe = RECIPES[name]
    turns, text = _reference(name)
    voices = dict.fromkeys(turn.speaker for turn in sorted(turns))
    return CorpusEpisode(
        name=name, shape=recipe.shape, turns=turns, text=text, show_hosts=recipe.show_hosts,
        episode_hosts=recipe.episode_hosts, guests=recipe.guests, questions=recipe.questions,
        names={voice: PEOPLE[voice] if voice in recipe.named else None for voice in voices}, before=recipe.before,
        confirmed={voice: PEOPLE[voice] for voice in recipe.confirmed}, fast=recipe.fast, language=recipe.language)


def with_before(item: CorpusEpisode) -> list[CorpusEpisode]:
    """The episodes to transcribe for `item`, in order: its `before` episodes (recursively, each once), then itself."""
    order: dict[str, CorpusEpisode] = {}
    for name in item.before:
        for earlier in with_before(episode(name)):
            order.setdefault(earlier.name, earlier)
    order.setdefault(item.name, item)
    return list(order.values())


def fast_episodes() -> list[CorpusEpisode]:
    return [item for item in episodes() if item.fast]


def write_media(item: CorpusEpisode, path: Path) -> Path:
    """The episode as a 16 kHz mono file: WAV written directly, any other suffix (.flac, .mp3) through ffmpeg."""
    if path.suffix.lower() == ".wav":
        return write_wav(item.audio(), path)
    with tempfile.TemporaryDirectory() as tmp:
        source = write_wav(item.audio(), Path(tmp) / "episode.wav")
        subprocess.run([ffmpeg.ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(source), "-map_metadata", "-1",
                        "-fflags", "+bitexact", str(path)], check=True)
    return path


# --- mixing -------------------------------------------------------------------------------------------------------


def build(name: str) -> np.ndarray:
    """Mix episode `name` from its clips (uncached: the same bytes every time is what the self-check asserts)."""
    recipe = RECIPES[name]
    if isinstance(recipe.parts, Call):  # as recorded: the call has its own line noise
        return _within_full_scale(_call_audio(recipe.parts))
    placements, length = _placements(recipe)
    audio, line_in = _room_tone(name, length), np.zeros(length, np.float32)
    for offset, line in placements:
        voice = _leveled(line.clip)
        (line_in if line.phone else audio)[offset:offset + len(voice)] += voice
    if line_in.any():  # one phone line for the whole episode, as a caller's line stays open
        audio += _fit(telephone(line_in), length)
    if recipe.jingle:
        _add_music(audio, placements[0][0])
    return _within_full_scale(audio)


@cache
def _mixed(name: str) -> np.ndarray:
    return build(name)


def _placements(recipe: _Recipe) -> tuple[list[tuple[int, Line]], int]:
    """Where each line's clip starts (samples) so that its speech keeps its gap, and the episode's length."""
    assert not isinstance(recipe.parts, Call)
    cursor = len(_clip("music-jingle")) / SAMPLE_RATE + 0.6 if recipe.jingle else 0.8
    placements = []
    for i, line in enumerate(recipe.parts):
        spans = _speech(line.clip)
        start = cursor if i == 0 else cursor + line.gap
        offset = max(0, round((start - spans[0][0]) * SAMPLE_RATE))
        placements.append((offset, line))
        cursor = offset / SAMPLE_RATE + spans[-1][1]
    length = max(offset + len(_clip(line.clip)) for offset, line in placements) + SAMPLE_RATE
    return placements, length


def _add_music(audio: np.ndarray, speech_offset: int) -> None:
    """A loud jingle at the start, then the bed from under the first line to the end (faded in and out)."""
    jingle = _clip("music-jingle")
    jingle = jingle * (JINGLE_PEAK / np.abs(jingle).max())
    audio[:len(jingle)] += _faded(jingle, 0.05, 0.4)
    start = max(0, speech_offset - SAMPLE_RATE // 2)
    bed = _clip("music-bed")
    bed = bed * (10 ** (BED_DBFS / 20) / np.sqrt(np.mean(bed ** 2)))
    looped = np.tile(_faded(bed, 0.05, 0.05), -(-(len(audio) - start) // len(bed)))[:len(audio) - start]
    audio[start:] += _faded(looped, 1.0, 1.5)


def _faded(audio: np.ndarray, fade_in: float, fade_out: float) -> np.ndarray:
    out = audio.copy()
    rise, fall = int(fade_in * SAMPLE_RATE), int(fade_out * SAMPLE_RATE)
    out[:rise] *= np.linspace(0, 1, rise, dtype=np.float32)
    out[len(out) - fall:] *= np.linspace(1, 0, fall, dtype=np.float32)
    return out


def _room_tone(name: str, length: int) -> np.ndarray:
    """Faint noise, seeded by the episode's name: a produced show is never digital silence between voices."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    return (rng.standard_normal(length) * 10 ** (ROOM_TONE_DBFS / 20)).astype(np.float32)


def _within_full_scale(audio: np.ndarray) -> np.ndarray:
    peak = float(np.abs(audio).max(initial=0.0))
    return (audio * (0.98 / peak) if peak > 0.98 else audio).astype(np.float32)


def _fit(audio: np.ndarray, length: int) -> np.ndarray:
    return np.pad(audio, (0, max(0, length - len(audio))))[:length].astype(np.float32)


def _call_audio(part: Call) -> np.ndarray:
    return _clip("call")[round(part.start * SAMPLE_RATE):round(part.end * SAMPLE_RATE)].copy()


# --- clips and their reference ---------------------------------------------------------------------------------------

# JFK pauses after "And so my fellow Americans, ask not" (as tests/real_voices.py cuts him).
_JFK_PAUSE = 4.9
_JFK_TEXT = {"jfk-1": "And so my fellow Americans, ask not",
             "jfk-2": "what your country can do for you, ask what you can do for your country."}



@cache
def _clip(name: str) -> np.ndarray:
    """A committed clip, 16 kHz mono float32; "jfk" (and its halves "jfk-1", "jfk-2") from tests/data/jfk.flac."""
    if name.startswith("jfk"):
        whole = ffmpeg.decode(JFK)
        cut = round(_JFK_PAUSE * SAMPLE_RATE)
        return {"jfk": whole, "jfk-1": whole[:cut], "jfk-2": whole[cut:]}[name]
    return ffmpeg.decode(VOICES / f"{name}.flac")



@cache
def _leveled(name: str) -> np.ndarray:
    """The clip at SPEECH_DBFS over its speech (sources differ by 10 dB and more; a produced show does not)."""
    audio = _clip(name)
    speech = np.concatenate([audio[round(s * SAMPLE_RATE):round(e * SAMPLE_RATE)] for s, e in _speech(name)])
    return (audio * (10 ** (SPEECH_DBFS / 20) / np.sqrt(np.mean(speech ** 2)))).astype(np.float32)


@cache
def _speech(name: str) -> tuple[tuple[float, float], ...]:
    """Where the clip's voice is: frames within SPEECH_RANGE_DB of its loudest, pauses under BRIDGE_SECONDS bridged.

    The clips are studio or close-talk recordings with a quiet floor, so a level gate finds the
    pauses between sentences exactly enough for a reference scored with a 0.25 s collar.
    """
    audio = _clip(name)
    frames = audio[:len(audio) // FRAME * FRAME].reshape(-1, FRAME)
    level = 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12)
    loud = np.flatnonzero(level > level.max() - SPEECH_RANGE_DB)
    spans: list[list[float]] = []
    for index in loud:
        start, end = index * FRAME / SAMPLE_RATE, (index + 1) * FRAME / SAMPLE_RATE
        if spans and start - spans[-1][1] < BRIDGE_SECONDS:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return tuple((round(float(s), 3), round(float(e), 3)) for s, e in spans)


@cache
def _transcripts() -> dict[str, str]:
    rows = (line.split("\t") for line in (VOICES / "transcripts.tsv").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#"))
    return {**dict(rows), **_JFK_TEXT, "jfk": " ".join(_JFK_TEXT.values())}


def _voice(clip: str) -> str:
    return clip.split("-")[0]


@cache
def _reference(name: str) -> tuple[tuple[Turn, ...], str]:
    recipe = RECIPES[name]
    if isinstance(recipe.parts, Call):
        return _call_reference(recipe.parts)
    placements, _ = _placements(recipe)
    turns = [Turn(round(offset / SAMPLE_RATE + s, 3), round(offset / SAMPLE_RATE + e, 3), _voice(line.clip))
             for offset, line in placements for s, e in _speech(line.clip)]
    return tuple(sorted(turns)), " ".join(_transcripts()[line.clip] for _, line in placements)


def _call_reference(part: Call) -> tuple[tuple[Turn, ...], str]:
    """The call's own RTTM turns and STM words inside the stretch, shifted to it."""
    turns = []
    for row in (VOICES / "call.rttm").read_text().splitlines():
        fields = row.split()
        start, end = float(fields[3]), float(fields[3]) + float(fields[4])
        if part.start <= start and end <= part.end:
            turns.append(Turn(round(start - part.start, 3), round(end - part.start, 3), CALL_SPEAKERS[fields[7]]))
    words = [" ".join(row.split()[5:]) for row in (VOICES / "call.stm").read_text().splitlines()
             if part.start <= float(row.split()[3]) and float(row.split()[4]) <= part.end]
    return tuple(sorted(turns)), " ".join(words)


def stm_speakers() -> list[tuple[float, float, str]]:
    """The call's STM lines as (start, end, voice key): the self-check holds them against the RTTM mapping."""
    rows = [row.split() for row in (VOICES / "call.stm").read_text().splitlines()]
    return [(float(r[3]), float(r[4]), r[2].lower()) for r in rows]
