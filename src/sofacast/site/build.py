"""`sofacast site`: the show's static website in `site/`, from the same workspace the feed is made from.

Pages are rendered by Jinja2 templates with autoescape (no HTML is built from strings) and written
only when they changed; the episode's audio is linked into the site (a hard link where the file
system allows, else a copy) so that the site plays from any web host and from file://, asking no
other server for anything. Every link inside the site is relative for the same reason.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from sofacast import atomic
from sofacast.formats.timestamps import short_clock
from sofacast.site import structured_data
from sofacast.site.pages import EpisodePage, PersonOnPage, site_pages
from sofacast.site.search_index import write_search_index
from sofacast.workspace import Workspace

SITE_DIR = "site"
ASSETS = ("site.css", "site.js", "search.js")


@dataclass
class SiteResult:
    path: Path
    pages: int
    written: list[Path] = field(default_factory=list)  # the files this run wrote (or linked)
    passages: int = 0  # in the search index
    removed: list[Path] = field(default_factory=list)  # page folders of episodes and guests no longer published


def build_site(workspace: Workspace) -> SiteResult:
    pages = site_pages(workspace)
    target = workspace.root / SITE_DIR
    result = SiteResult(target, 0)
    for name in ASSETS:
        _write(result, target / "assets" / name, resources.files("sofacast.site").joinpath("assets", name).read_text("utf-8"))
    artwork = _bring(result, pages.artwork, target / "assets") if pages.artwork else None
    common = {"show": pages.show, "feed_url": pages.feed_url, "artwork": artwork.name if artwork else ""}
    _page(result, target / "index.html", "home.html.j2", root="", episodes=pages.episodes,
          data=structured_data.series(pages), **common)
    _page(result, target / "archive" / "index.html", "archive.html.j2", root="../", episodes=pages.episodes,
          data=structured_data.series(pages), **common)
    for position, episode in enumerate(pages.episodes):
        folder = target / "episodes" / episode.slug
        audio = _bring(result, episode.audio, folder) if episode.audio else None
        downloads = {label: _bring(result, path, folder).name for label, path in episode.downloads.items()}
        earlier = pages.episodes[position + 1:position + 4]
        _page(result, folder / "index.html", "episode.html.j2", root="../../", episode=episode,
              audio=audio.name if audio else "", downloads=downloads, earlier=earlier,
              data=structured_data.episode(pages, episode), **common)
    found = guests(pages.episodes)
    for person, episodes in found.values():
        _page(result, target / "guests" / person.slug / "index.html", "guest.html.j2", root="../../", person=person,
              episodes=episodes, data=structured_data.series(pages), **common)
    _page(result, target / "search" / "index.html", "search.html.j2", root="../", episodes=pages.episodes,
          guests=sorted(person.name for person, _ in found.values()), data=structured_data.series(pages), **common)
    result.passages = write_search_index(target, pages.episodes, pages.show.language)
    result.removed = _prune(target / "episodes", {e.slug for e in pages.episodes}) + _prune(target / "guests", set(found))
    return result


def _prune(folder: Path, keep: set[str]) -> list[Path]:
    """Remove the pages of episodes (or guests) no longer published: an episode made a draft again must not stay
    online at its old address. Only sofacast's own page folders (with an index.html) are removed."""
    removed = []
    for entry in sorted(folder.iterdir()) if folder.is_dir() else []:
        if entry.name not in keep and entry.is_dir() and not entry.is_symlink() and (entry / "index.html").is_file():
            shutil.rmtree(entry)
            removed.append(entry)
    return removed


def guests(episodes: list[EpisodePage]) -> dict[str, tuple[PersonOnPage, list[EpisodePage]]]:
    """Each guest's page slug -> the guest (as their newest episode names them) and their episodes, newest first."""
    found: dict[str, tuple[PersonOnPage, list[EpisodePage]]] = {}
    for episode in episodes:
        for person in episode.people:
            if person.role == "guest":
                found.setdefault(person.slug, (person, []))[1].append(episode)
    return found


@cache
def _environment() -> Environment:
    environment = Environment(loader=PackageLoader("sofacast.site", "templates"), autoescape=True,
                              undefined=StrictUndefined, keep_trailing_newline=True)
    environment.filters["clock"] = short_clock
    environment.filters["seconds"] = lambda value: f"{float(value):.2f}"
    return environment


def _page(result: SiteResult, path: Path, template: str, **context: Any) -> None:
    _write(result, path, _environment().get_template(template).render(**context))
    result.pages += 1


def _write(result: SiteResult, path: Path, text: str) -> None:
    if atomic.write_text_if_changed(path, text):
        result.written.append(path)


def _bring(result: SiteResult, source: Path, folder: Path) -> Path:
    """`source` in the site's `folder`: a hard link, else a copy; left alone when it is already the same file."""
    target = folder / source.name
    if target.is_file() and os.path.samefile(source, target):
        return target
    if target.is_file() and _size_and_mtime(target) == _size_and_mtime(source):
        return target  # a copy made by copy2, which keeps the mtime
    folder.mkdir(parents=True, exist_ok=True)
    with atomic.scratch_file(target) as scratch:
        scratch.unlink()
        try:
            os.link(source, scratch)
        except OSError:  # another file system, or one without hard links
            shutil.copy2(source, scratch)
        atomic.move_into(scratch, target)
    result.written.append(target)
    return target



def _size_and_mtime(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns
