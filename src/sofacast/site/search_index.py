"""The site's search: every passage of every transcript in a Pagefind index, searched in the browser.

Pagefind (PyPI `pagefind[extended]` ships its binary) splits the index into small fragments the
browser fetches as a search needs them, so a catalogue of a thousand hours stays searchable from a
static host. Each passage — one speaker's consecutive sentences within one question — is a custom
record whose URL opens its episode page at its second, with the episode, speaker and question as
metadata and the episode and its guests as filters. The index is made in the scratch folder and put
in place of `site/pagefind/` in one step.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from sofacast import atomic
from sofacast.errors import WorkspaceError
from sofacast.formats.timestamps import short_clock
from sofacast.site.pages import EpisodePage

INDEX_DIR = "pagefind"
DIGEST_FILE = "sofacast-records.sha256"


@dataclass(frozen=True)
class Passage:
    url: str  # relative to the site's root: episodes/<slug>/index.html#t=SECONDS
    text: str
    episode: str
    speaker: str
    question: str
    start: float
    guests: tuple[str, ...]


def passages(episodes: list[EpisodePage]) -> Iterator[Passage]:
    for episode in episodes:
        guests = tuple(person.name for person in episode.people if person.role == "guest")
        for section in episode.sections:
            for paragraph in section.paragraphs:
                start = paragraph.sentences[0].start
                yield Passage(f"episodes/{episode.slug}/index.html#t={int(start)}",
                              " ".join(sentence.text for sentence in paragraph.sentences), episode.title,
                              paragraph.speaker, section.title, start, guests)


def write_search_index(site: Path, episodes: list[EpisodePage], language: str) -> int:
    """Index every passage into site/pagefind/; returns how many. Pagefind's files differ from run to run for
    the same records (filter files are named by content in a varying order), so the index is made again only
    when the records or Pagefind's version changed: their digest is kept beside the index."""
    found = list(passages(episodes))
    language = language.split("-")[0].lower() or "en"
    digest = _digest(found, language)
    stamp = site / INDEX_DIR / DIGEST_FILE
    if stamp.is_file() and stamp.read_text("utf-8") == digest:
        return len(found)
    with atomic.scratch_folder(site) as scratch:
        staged = scratch / INDEX_DIR
        asyncio.run(_index(found, staged, language))
        (staged / DIGEST_FILE).write_text(digest, "utf-8")
        atomic.replace_folder(staged, site / INDEX_DIR)
    return len(found)


def _digest(found: list[Passage], language: str) -> str:
    records = json.dumps([language, metadata.version("pagefind"), [asdict(p) for p in found]], ensure_ascii=False)
    return hashlib.sha256(records.encode()).hexdigest()


async def _index(found: list[Passage], output: Path, language: str) -> int:
    from pagefind.index import PagefindIndex

    try:
        # The index writes its files when the block ends, to the configured output_path (else to
        # ./pagefind in the current directory): name the staged folder there and nowhere else.
        async with PagefindIndex(config={"force_language": language, "output_path": str(output)}) as index:
            for passage in found:
                await index.add_custom_record(
                    url=passage.url, content=passage.text, language=language,
                    meta={"title": passage.episode, "speaker": passage.speaker, "question": passage.question,
                          "time": short_clock(passage.start), "start": f"{passage.start:.2f}"},
                    filters={"episode": [passage.episode], "guest": list(passage.guests)})
    except (OSError, RuntimeError) as exc:
        raise WorkspaceError(f"cannot build the site's search index ({exc})",
                             "Reinstall sofacast (pip install --force-reinstall sofacast): it brings Pagefind's binary.") from exc
    return len(found)
