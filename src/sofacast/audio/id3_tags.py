"""ID3 tags of the podcast MP3 (mutagen): title, show, artist, date, artwork and chapters (CHAP + CTOC).

Tags are written as ID3v2.3, which every podcast app and car stereo reads. Two TXXX frames record
the audio's fingerprint and the tags' own, so unchanged files are never rewritten. CHAP frames are
stored in time order: players built on ffmpeg list chapters in the order of the frames in the file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mutagen import MutagenError
from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TPE1, TRCK, TXXX, CTOCFlags
from mutagen.id3._tags import save_frame

from sofacast.hashing import remembered_sha256

AUDIO_KEY = "sofacast:audio"
TAGS_KEY = "sofacast:tags"
# Part of the tags' digest: a file tagged by an older layout (chapters out of time order) is tagged again.
LAYOUT = 2


@dataclass(frozen=True)
class ChapterMark:
    start: float
    end: float
    title: str


MAX_ID3_CHAPTERS = 255


@dataclass
class EpisodeTags:
    title: str
    show: str
    artist: str
    date: str = ""
    track: int | None = None
    comment: str = ""
    artwork: Path | None = None
    chapters: list[ChapterMark] = field(default_factory=list)

    def digest(self) -> str:
        data = asdict(self)
        data["artwork"] = remembered_sha256(self.artwork) if self.artwork else None
        data["layout"] = LAYOUT
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def read_marker(path: Path, key: str) -> str | None:
    try:
        frames = ID3(path).getall(f"TXXX:{key}")
    except (MutagenError, OSError, ValueError, IndexError):
        return None  # no tags, or damaged ones: the file is made again
    return str(frames[0].text[0]) if frames else None


class _ChaptersInTimeOrder(ID3):
    """ID3 tags that store their CHAP frames last, in time order.

    mutagen writes frames sorted by their size (`ID3Tags._write`), so a chapter with a short title came
    before an earlier one with a long title. The chapters are kept out of mutagen's frames and appended.
    """

    def __init__(self) -> None:
        super().__init__()
        self.chapters: list[CHAP] = []

    def _write(self, config: Any) -> bytes:  # mutagen's ID3SaveConfig
        return super()._write(config) + b"".join(save_frame(chapter, config=config) for chapter in self.chapters)


def write_tags(path: Path, tags: EpisodeTags, audio_fingerprint: str) -> None:
    id3 = _ChaptersInTimeOrder()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.show))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TCON(encoding=3, text="Podcast"))
    if tags.date:
        id3.add(TDRC(encoding=3, text=tags.date[:10]))
    if tags.track is not None:
        id3.add(TRCK(encoding=3, text=str(tags.track)))
    if tags.comment:
        id3.add(COMM(encoding=3, lang="eng", desc="", text=tags.comment))
    if tags.artwork is not None:
        mime = "image/png" if tags.artwork.suffix.lower() == ".png" else "image/jpeg"
        id3.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=tags.artwork.read_bytes()))
    if tags.chapters:
        # A CTOC counts its entries in one byte: the first 255 chapters go into the file's tags; the
        # chapters JSON the feed links carries them all.
        marks = sorted(tags.chapters, key=lambda mark: (mark.start, mark.end))[:MAX_ID3_CHAPTERS]
        ids = [f"chp{index}" for index in range(len(marks))]
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                     sub_frames=[TIT2(encoding=3, text="Chapters")]))
        id3.chapters = [CHAP(element_id=element_id, start_time=_millis(mark.start), end_time=_millis(mark.end),
                             sub_frames=[TIT2(encoding=3, text=mark.title)]) for element_id, mark in zip(ids, marks, strict=True)]
    id3.add(TXXX(encoding=3, desc=AUDIO_KEY, text=audio_fingerprint))
    id3.add(TXXX(encoding=3, desc=TAGS_KEY, text=tags.digest()))
    id3.save(path, v2_version=3)


def _millis(seconds: float) -> int:
    # CHAP times are 32-bit milliseconds (49.7 days); a longer time can only be a mistake, so it is clamped.
    return max(0, min(int(seconds * 1000), 2**32 - 2))


def audio_seconds(path: Path) -> float | None:
    """The length of an audio file from its headers (no decoding, no subprocess), or None if unreadable."""
    import mutagen

    try:
        info = mutagen.File(path)
    except (mutagen.MutagenError, OSError, ValueError, IndexError):
        return None
    length = getattr(getattr(info, "info", None), "length", None)
    return float(length) if length else None
