"""The site's search: every passage of every transcript in a Pagefind index, searched in the browser.

Pagefind (PyPI `pagefind[extended]` ships its binary) splits the index into small fragments the
browser fetches as a search needs them, so a catalogue of a thousand hours stays searchable from a
static host. Each passage — one speaker's consecutive sentences within one question — is found on its
own and opens its episode page at its second, with the episode, speaker and question beside it, and the
episode and its guests as filters.

The records, one per question of an episode, are written as small HTML files (from a template, so
escaped like every page) in the scratch folder and indexed there by Pagefind's own command in one run.
Its Python API was tried first: it takes one message round trip per record and waits 0.1 s before
reading each answer (1,000 records took 101 s here). The index is put in place of `site/pagefind/` in
one step.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import subprocess
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from sofacast import atomic
from sofacast.errors import WorkspaceError
from sofacast.site.pages import EpisodePage
from sofacast.site.render import environment

INDEX_DIR = "pagefind"
DIGEST_FILE = "sofacast-records.sha256"
RECORD_FORMAT = 3  # raised when what a record holds changes: an index of the old form is then made again


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
        _index(found, scratch / "records", staged, language)
        (staged / DIGEST_FILE).write_text(digest, "utf-8")
        atomic.replace_folder(staged, site / INDEX_DIR)
    return len(found)


def _by_question(found: list[Passage]) -> Iterator[list[Passage]]:
    """The passages in runs of one episode page and one question."""
    for _, run in itertools.groupby(found, key=lambda p: (p.url.partition("#")[0], p.question)):
        yield list(run)


def _digest(found: list[Passage], language: str) -> str:
    records = json.dumps([RECORD_FORMAT, language, metadata.version("pagefind"), [asdict(p) for p in found]],
                         ensure_ascii=False)
    return hashlib.sha256(records.encode()).hexdigest()


def _index(found: list[Passage], records: Path, output: Path, language: str) -> None:
    from pagefind.service import get_executable

    pagefind = get_executable()
    if pagefind is None:
        raise WorkspaceError("cannot build the site's search index: Pagefind's program is missing",
                             "Reinstall sofacast (pip install --force-reinstall sofacast): it brings Pagefind's binary.")
    records.mkdir()
    template = environment().get_template("_search_record.html.j2")
    for number, question in enumerate(_by_question(found)):
        # One record per question of an episode, each passage a section under a heading Pagefind anchors: a hit
        # is that section, at the link search.js makes of the heading's id. (A record per passage made a
        # fragment file each: 60,000 small files for a thousand episodes, slow to write on any file system.)
        record = records / question[0].url.partition("#")[0].replace("index.html", f"q{number}.html")
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(template.render(passages=question, first=question[0], language=language), "utf-8")
    # cwd: Pagefind reads a pagefind.yml (or .toml, .json) it finds where it runs; the scratch folder has none.
    command = [str(pagefind), "--site", str(records), "--output-path", str(output), "--force-language", language, "--silent"]
    try:
        ran = subprocess.run(command, cwd=records.parent, capture_output=True, text=True, timeout=3600)
    except subprocess.TimeoutExpired:
        raise WorkspaceError("Pagefind did not finish the site's search index within an hour",
                             "Run sofacast site again; if it stops the same way, report it.") from None
    except OSError as exc:
        raise WorkspaceError(f"cannot run Pagefind to build the site's search index ({exc.strerror})",
                             "Reinstall sofacast (pip install --force-reinstall sofacast): it brings Pagefind's binary.") from exc
    if ran.returncode != 0 or not (output / "pagefind-entry.json").is_file():
        said = (ran.stderr or ran.stdout).strip().splitlines() or [f"exit {ran.returncode}"]
        raise WorkspaceError(f"Pagefind could not build the site's search index ({said[-1]})",
                             "Run sofacast site again; if it fails the same way, report it with that line.")
