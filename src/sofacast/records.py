"""Typed records shared by every module. Times are float seconds; formatting happens at the edges."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    word: str
    probability: float = 1.0
    heard: str | None = None  # what the engine wrote, when a known name was put in its place


@dataclass
class Segment:
    id: int
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    speaker: str | None = None  # display name when known, else the label
    label: str | None = None  # the diarization label (S1, S2, ...) the name was given to


@dataclass(frozen=True)
class TranscribeOptions:
    """Decoding settings. Stored in the transcript, so a change makes it out of date."""

    language: str = "en"
    beam_size: int = 5
    word_timestamps: bool = True
    vad: bool = True
    # openai-whisper: speech is cut at silences into chunks of about this many seconds. (faster-whisper packs
    # it into Whisper's own 30 s windows, decoded `workers` at a time.)
    chunk_seconds: float = 60.0
    workers: int = 2
    threads_per_worker: int = 1
    # The show's and episode's names are given to the engine (faster-whisper's hotwords), and a chunk
    # it then drops speech from is decoded again without them.
    name_hints: bool = True
    # Where and at what precision the weights ran: a GPU's float16 does not write what a CPU's int8 writes, so a
    # transcript made on one is out of date for the other.
    device: str = "cpu"
    compute_type: str = "int8"


@dataclass(frozen=True)
class MadeFrom:
    """What a transcript was made from and how, so a re-run can tell whether it is up to date."""

    media: str  # the file name in the episode's folder
    media_sha256: str
    engine: str
    model: str
    model_fingerprint: str
    options: TranscribeOptions


@dataclass(frozen=True)
class DiarizationInputs:
    """What finding speakers depended on besides the text: redone when these change."""

    version: int
    expected: int | None = None  # how many people the show and episode name


@dataclass
class DiarizationRecord:
    """How speakers were found and named automatically (before the episode's `speakers` overrides)."""

    method: str = ""  # "voices" (speaker embeddings), "channels" (one per stereo side), "" (not yet)
    inputs: DiarizationInputs | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # label -> seconds of speech
    voiceprints: dict[str, list[float]] = field(default_factory=dict)  # label -> unit vector
    names: dict[str, str] = field(default_factory=dict)  # label -> name found automatically
    named_by: dict[str, str] = field(default_factory=dict)  # label -> how the name was found


@dataclass
class Transcript:
    episode: str
    language: str
    duration: float
    engine: str
    model: str
    options: TranscribeOptions
    segments: list[Segment]
    speakers: dict[str, str] = field(default_factory=dict)  # label -> display name
    diarization: DiarizationRecord = field(default_factory=DiarizationRecord)
    source: MadeFrom | None = None  # None: made from something no longer known (redo on the next run)


@dataclass(frozen=True)
class SpeakerTurn:
    start: float
    end: float
    label: str


@dataclass
class Chunk:
    """One question and its answer (or the intro/outro, with question None)."""

    id: str
    episode: str
    question_index: int | None  # 1-based position in the show notes; None when the notes do not list it
    question: str | None  # the notes' wording when matched, else what was asked on air
    asked: str | None  # the question as spoken
    asked_by: str | None
    speaker: str | list[str] | None  # the answering guest, or every answering guest in order
    start: float
    end: float
    text: str


@dataclass
class Guest:
    """A person on an episode (a guest, or a host of this episode only): name, short bio, web page, photo."""

    name: str
    bio: str = ""
    url: str = ""
    img: str = ""  # an http(s) photo URL


EPISODE_TYPES = ("full", "trailer", "bonus")  # Apple's itunes:episodeType


@dataclass
class Episode:
    slug: str
    title: str
    number: int | None = None
    season: int | None = None
    published: str = ""  # ISO 8601 date or datetime
    description: str = ""
    source_url: str = ""
    media: str = ""
    duration: float | None = None
    thumbnail: str = ""
    guests: list[Guest] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    episode_type: str = "full"  # one of EPISODE_TYPES
    hosts: list[Guest] = field(default_factory=list)  # this episode's hosts when not the show's own (a guest host)
    # Anything else a human put in episode.toml (speakers, chunks overrides, ...) is kept verbatim.
    extra: dict[str, Any] = field(default_factory=dict)

    def host_names(self, show: Show) -> list[str]:
        """Who hosts this episode: its own hosts when it names them (a guest host), else the show's."""
        return [host.name for host in self.hosts] or list(show.hosts)


@dataclass
class Show:
    title: str
    description: str = ""
    author: str = ""
    owner_name: str = ""
    owner_email: str = ""
    language: str = "en"
    categories: list[str] = field(default_factory=list)
    explicit: bool = False
    image_url: str = ""
    base_url: str = ""
    hosts: list[str] = field(default_factory=list)
    feed: dict[str, Any] = field(default_factory=dict)
    # name -> {"img": photo URL, "url": web page, "photo": photo file in the workspace (for the website)}
    people: dict[str, dict[str, str]] = field(default_factory=dict)
    site: dict[str, Any] = field(default_factory=dict)  # [site] as sofacast.toml sets it, checked by the schema
    transcribe: dict[str, str] = field(default_factory=dict)  # [transcribe] as set: model, language
    cluster: dict[str, Any] = field(default_factory=dict)  # [cluster] as set: ca_file, cert, key, require_tls
    # Podcasting 2.0 channel tags as sofacast.toml sets them (funding, podroll, txt, license, location, trailer),
    # already checked by the schema; sofacast.feed.settings reads them into the feed's records.
    podcast: dict[str, Any] = field(default_factory=dict)
