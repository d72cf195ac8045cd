"""`sofacast site`: the show's static website in `site/`, from the same workspace the feed is made from.

Pages are rendered by Jinja2 templates with autoescape (no HTML is built from strings) and written
only when they changed; the episode's audio is linked into the site (a hard link where the file
system allows, else a copy) so that the site plays from any web host and from file://, asking no
other server for anything. Every link inside the site is relative for the same reason.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sofacast import atomic
from sofacast.console import plural
from sofacast.errors import WorkspaceError
from sofacast.images import square_thumbnail
from sofacast.site import structured_data
from sofacast.site.pages import EpisodePage, PersonOnPage, SitePages, site_pages
from sofacast.site.render import environment
from sofacast.site.search_index import write_search_index
from sofacast.workspace import Workspace

SITE_DIR = "site"
ASSETS = ("site.css", "site.js", "search.js")
ARTWORK_PIXELS = 600  # shown at 240 css px: sharp on a screen of 2.5 device pixels per css pixel
PHOTO_PIXELS = 240  # shown at 96 css px
HOME_GUESTS = 12


@dataclass
class SiteResult:
    path: Path
    pages: int
    written: list[Path] = field(default_factory=list)  # the files this run wrote (or linked)
    passages: int = 0  # in the search index
    removed: list[Path] = field(default_factory=list)  # page folders of episodes and guests no longer published

    def summary(self) -> str:
        changed = f"{plural(len(self.written), 'file')} written" if self.written else "unchanged"
        if self.removed:
            changed += f", {plural(len(self.removed), 'page')} no longer published removed"
        return f"{self.path.name}/: {plural(self.pages, 'page')}, {changed}"


def build_site(workspace: Workspace) -> SiteResult:
    pages = site_pages(workspace)
    target = workspace.root / SITE_DIR
    _refuse_links_out(target)
    result = SiteResult(target, 0)
    for name in ASSETS:
        _write(result, target / "assets" / name, resources.files("sofacast.site").joinpath("assets", name).read_text("utf-8"))
    images = _Images(result, target / "assets" / "images")
    found = guests(pages.episodes)
    people = {person.slug: person for episode in pages.episodes for person in episode.people}
    common = {"show": pages.show, "feed_url": pages.feed_url, "artwork_url": pages.artwork_url,
              "artwork": images.square(pages.artwork, "artwork", ARTWORK_PIXELS) if pages.artwork else "",
              "photos": {slug: images.square(person.photo, slug, PHOTO_PIXELS)
                         for slug, person in people.items() if person.photo},
              "series": structured_data.series(pages)}
    newest_guests = sorted(found.values(), key=lambda entry: entry[1][0].published, reverse=True)
    _page(result, target / "index.html", "home.html.j2", root="", episodes=pages.episodes,
          subscribe=pages.settings.subscribe, guests=newest_guests[:HOME_GUESTS], guest_count=len(found), **common)
    _page(result, target / "archive" / "index.html", "archive.html.j2", root="../", episodes=pages.episodes, **common)
    by_slug = {episode.slug: episode for episode in pages.episodes}
    for episode in pages.episodes:
        _episode_page(result, target / "episodes" / episode.slug, episode, by_slug, pages, common)
    for person, episodes in found.values():
        _page(result, target / "guests" / person.slug / "index.html", "guest.html.j2", root="../../", person=person,
              episodes=episodes, **common)
    _page(result, target / "guests" / "index.html", "guests.html.j2", root="../",
          guests=sorted(found.values(), key=lambda entry: entry[0].name.casefold()), **common)
    _page(result, target / "search" / "index.html", "search.html.j2", root="../", episodes=pages.episodes,
          guests=sorted(person.name for person, _ in found.values()), **common)
    result.passages = write_search_index(target, pages.episodes, pages.show.language)
    result.removed = _prune(target / "episodes", {e.slug for e in pages.episodes}) + _prune(target / "guests", set(found))
    images.prune()  # pictures no page shows any more: derived, so not worth a word
    return result


def _episode_page(result: SiteResult, folder: Path, episode: EpisodePage, by_slug: dict[str, EpisodePage],
                  pages: SitePages, common: dict[str, Any]) -> None:
    audio = _bring(result, episode.audio, folder) if episode.audio else None
    downloads = {label: _bring(result, path, folder).name for label, path in episode.downloads.items()}
    previous = [by_slug[slug] for slug in episode.previous if slug in by_slug]
    related = [(by_slug[r.slug], r.shared_terms) for r in episode.related if r.slug in by_slug]
    _page(result, folder / "index.html", "episode.html.j2", root="../../", episode=episode,
          audio=audio.name if audio else "", downloads=downloads, previous=previous, related=related,
          data=structured_data.episode(pages, episode), **common)


class _Images:
    """Pictures made for the site (artwork and photos, cut square and shrunk to what a page shows): each under a
    name from its source's size, time and the size made, so an unchanged one is neither read nor written again."""

    def __init__(self, result: SiteResult, folder: Path) -> None:
        self.result, self.folder = result, folder
        self.made: set[str] = set()

    def square(self, source: Path, name: str, pixels: int) -> str:
        info = source.stat()
        stamp = hashlib.sha256(f"{info.st_size}:{info.st_mtime_ns}:{pixels}".encode()).hexdigest()[:10]
        target = self.folder / f"{name}-{stamp}.jpg"
        self.made.add(target.name)
        if not target.is_file():
            picture = square_thumbnail(source, pixels)  # PictureError: one line naming the file and the fix
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic.write_bytes(target, picture)
            self.result.written.append(target)
        return target.name

    def prune(self) -> None:
        for entry in self.folder.glob("*.jpg"):
            if entry.name not in self.made:
                entry.unlink()


def _prune(folder: Path, keep: set[str]) -> list[Path]:
    """Remove the pages of episodes (or guests) no longer published: an episode made a draft again must not stay
    online at its old address. Only sofacast's own page folders (with an index.html) are removed."""
    removed = []
    for entry in sorted(folder.iterdir()) if folder.is_dir() else []:
        if entry.name not in keep and entry.is_dir() and not entry.is_symlink() and (entry / "index.html").is_file():
            shutil.rmtree(entry)
            removed.append(entry)
    return removed


def _refuse_links_out(site: Path) -> None:
    """A link in site/ to anything outside it would be published by an uploader that follows links, and pages
    written through a linked folder would land outside: refused, as links out of the workspace are."""
    home = os.path.realpath(site)
    folders = [site] if site.is_dir() else []
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():
                    resolved = os.path.realpath(entry.path)
                    if not Path(resolved).is_relative_to(home):
                        raise WorkspaceError(f"{SITE_DIR}/{Path(entry.path).relative_to(site)} is a link to {resolved}, "
                                             f"outside {SITE_DIR}/",
                                             "Remove the link or put the file itself there: the site publishes "
                                             "whatever it points at.")
                elif entry.is_dir():
                    folders.append(Path(entry.path))


def guests(episodes: list[EpisodePage]) -> dict[str, tuple[PersonOnPage, list[EpisodePage]]]:
    """Each guest's page slug -> the guest (as their newest episode names them) and their episodes, newest first."""
    found: dict[str, tuple[PersonOnPage, list[EpisodePage]]] = {}
    for episode in episodes:
        for person in episode.people:
            if person.role == "guest":
                found.setdefault(person.slug, (person, []))[1].append(episode)
    return found


def _page(result: SiteResult, path: Path, template: str, **context: Any) -> None:
    _write(result, path, environment().get_template(template).render(**context))
    result.pages += 1


def _write(result: SiteResult, path: Path, text: str) -> None:
    if atomic.write_text_if_changed(path, text):
        result.written.append(path)


def _bring(result: SiteResult, source: Path, folder: Path) -> Path:
    """`source` in the site's `folder`: a hard link, else a copy; left alone when it is already the same file."""
    target = folder / source.name  # named as the workspace names it, whatever a link inside it points at
    source = _published_file(source, result.path.parent)
    kept = target.is_file() and not target.is_symlink()  # a link put in site/ is replaced, never followed
    if kept and os.path.samefile(source, target):
        return target
    if kept and _size_and_mtime(target) == _size_and_mtime(source):
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


def _published_file(source: Path, root: Path) -> Path:
    """`source` with its links resolved, if that is inside the workspace `root`: a link out of it would publish
    whatever it points at (a hard link or copy of the file, not a link, goes into the site)."""
    resolved = Path(os.path.realpath(source))
    if not resolved.is_relative_to(os.path.realpath(root)):
        raise WorkspaceError(f"{source.relative_to(root) if source.is_relative_to(root) else source} is a link to "
                             f"{resolved}, outside the workspace",
                             "Put the file itself there instead of the link: the site publishes it.")
    return resolved


def _size_and_mtime(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns
