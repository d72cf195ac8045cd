"""The show workspace: where every file lives, and reading/writing its TOML files.

Files are the source of truth. Everything here reads or writes them atomically.
"""

from __future__ import annotations

import logging
import os
import shutil
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import tomli_w
import tomlkit

from sofacast import atomic
from sofacast.errors import UnknownEpisodeError, WorkspaceError
from sofacast.images import title_artwork
from sofacast.leftovers import sweep
from sofacast.lock import workspace_lock
from sofacast.records import Episode, Guest, Show
from sofacast.schema import EpisodeFile, check_episode, check_show
from sofacast.slugs import is_valid_slug, slugify

log = logging.getLogger(__name__)

SHOW_FILE = "sofacast.toml"
EPISODE_FILE = "episode.toml"
# A publisher's own transcript and chapters, as pulled from its feed into the episode's folder.
PUBLISHER_TRANSCRIPT_STEM = "publisher-transcript"
PUBLISHER_TRANSCRIPT_SUFFIXES = (".json", ".vtt", ".srt")  # best first: JSON and VTT name the speakers
PUBLISHER_CHAPTERS_FILE = "publisher-chapters.json"
WORKSPACE_ENV = "SOFACAST_WORKSPACE"


def default_root() -> Path:
    return Path(os.environ.get(WORKSPACE_ENV) or ".")


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise WorkspaceError(f"cannot read {path} ({exc.strerror or exc})", "Check the file exists and is readable.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise WorkspaceError(f"{path} is not valid TOML ({exc})",
                             "Fix that line in a text editor and run the command again.") from exc
    except UnicodeDecodeError as exc:
        raise WorkspaceError(f"{path} is not UTF-8 text", "Save it as UTF-8 and run the command again.") from exc


def edited_toml(text: str, data: dict[str, Any]) -> str:
    """`text` (a producer's TOML) with only the values that differ from `data` changed: comments and layout stay."""
    document = tomlkit.parse(text)
    current = document.unwrap()
    for key, value in data.items():
        if _iso(current.get(key, None)) != _iso(value):
            document[key] = value
    return tomlkit.dumps(document)


def write_toml(path: Path, data: dict[str, Any]) -> None:
    atomic.write_text(path, tomli_w.dumps(_drop_empty(data), multiline_strings=True))


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None and value != "" and value != {}}


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def open(cls, root: Path | None = None) -> Workspace:
        root = (root or default_root()).resolve()
        if not (root / SHOW_FILE).is_file():
            raise WorkspaceError(
                f"{root} is not a sofacast workspace (no {SHOW_FILE})",
                "Run 'sofacast init' there, or pass --workspace DIR.",
            )
        return cls(root)

    # -- writing -------------------------------------------------------------------------
    @contextmanager
    def writing(self, command: str, wait: bool = True, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the workspace lock; first repair what an interrupted run left behind."""
        with workspace_lock(self.root, command, wait, on_wait):
            for folder in atomic.recover_all(self.root):
                log.warning("%s: put back in place (an earlier run was interrupted while replacing it)", folder)
            sweep(self.root)
            try:
                yield
            finally:
                shutil.rmtree(self.root / atomic.SCRATCH / atomic.process_folder_name(), ignore_errors=True)

    # -- paths ---------------------------------------------------------------------------
    @property
    def episodes_dir(self) -> Path:
        return self.root / "episodes"

    @property
    def transcripts_dir(self) -> Path:
        return self.root / "transcripts"

    @property
    def feeds_dir(self) -> Path:
        return self.root / "feeds"

    def episode_dir(self, slug: str) -> Path:
        return self.episodes_dir / slug

    def transcript_path(self, slug: str, suffix: str = ".json") -> Path:
        return self.transcripts_dir / f"{slug}{suffix}"

    def media_path(self, episode: Episode) -> Path:
        """The episode's media file; it must lie in the episode's own folder, symlinks included."""
        folder = self.episode_dir(episode.slug)
        return self.inside(folder / episode.media, f"episodes/{episode.slug}/{EPISODE_FILE}: media", within=folder)

    # -- the show ------------------------------------------------------------------------
    def show(self) -> Show:
        path = self.root / SHOW_FILE
        checked = check_show(read_toml(path), SHOW_FILE)
        return Show(
            title=checked.title, description=checked.description, author=checked.author,
            owner_name=checked.owner.name or checked.author, owner_email=checked.owner.email,
            language=checked.language, categories=list(checked.categories), explicit=checked.explicit,
            image_url=checked.image_url, base_url=checked.base_url, hosts=list(checked.hosts),
            feed=checked.feed.model_dump(exclude_unset=True),
            people={name: links.model_dump(exclude_defaults=True) for name, links in checked.people.items()},
            site=checked.site.model_dump(),
            transcribe=checked.transcribe.model_dump(exclude_defaults=True),
            cluster=checked.cluster.model_dump(exclude_defaults=True),
            # The Podcasting 2.0 channel tags, together (read by sofacast.feed.settings).
            podcast=checked.model_dump(include={"funding", "podroll", "txt", "license", "location", "trailer"},
                                       exclude_unset=True, exclude_none=True),
        )

    # -- paths named in workspace files ----------------------------------------------------------
    def inside(self, path: Path, where: str, within: Path | None = None) -> Path:
        """`path` with every symlink resolved, if it lies inside the workspace (or `within`); else one clear error."""
        home = (within or self.root).resolve()
        if not home.is_relative_to(self.root):
            raise WorkspaceError(f"{where}: the folder {within} is a link to {home}, outside the workspace",
                                 "Keep every episode's folder inside the workspace (move it in, or copy it instead of linking).")
        resolved = path.resolve()
        if not resolved.is_relative_to(home):
            shown = home.relative_to(self.root) if home != self.root else "the workspace"
            raise WorkspaceError(f"{where} points outside {shown} (to {resolved})",
                                 f"Keep the file inside {shown} and name it by a path relative to it.")
        return resolved

    # -- episodes ------------------------------------------------------------------------
    def slugs(self) -> list[str]:
        if not self.episodes_dir.is_dir():
            return []
        found = sorted(
            entry.name for entry in self.episodes_dir.iterdir()
            if entry.is_dir() and not entry.name.startswith(".") and (entry / EPISODE_FILE).is_file()
        )
        usable = []
        for name in found:
            if not is_valid_slug(name):
                log.warning("episodes/%s: the folder name is not a usable slug (lowercase letters, digits and dashes, "
                            "at most 70 characters), so sofacast leaves it alone. Rename it, e.g. to %s",
                            name[:80], slugify(name))
            else:
                usable.append(name)
        return usable

    def load_episode(self, slug: str) -> Episode:
        path = self.episode_dir(slug) / EPISODE_FILE
        if is_valid_slug(slug) and not self.episode_dir(slug).resolve().is_relative_to(self.root):
            raise WorkspaceError(f"episodes/{slug} is a link to {self.episode_dir(slug).resolve()}, outside the workspace",
                                 "Move the folder into episodes/ instead of linking it; "
                                 "sofacast only reads and writes inside the workspace.")
        if not is_valid_slug(slug) or not path.is_file():
            known = ", ".join(self.slugs()) or "none yet"
            raise UnknownEpisodeError(
                f"no episode '{slug}' in {self.episodes_dir}",
                f"Known episodes: {known}. Pull it first with 'sofacast pull SOURCE --slug {slug}'.",
            )
        return episode_from_dict(slug, read_toml(path), f"episodes/{slug}/{EPISODE_FILE}")

    def episodes(self) -> list[Episode]:
        return [self.load_episode(slug) for slug in self.slugs()]

    def save_episode(self, episode: Episode, folder: Path | None = None, edit: Path | None = None) -> None:
        """Write the episode's episode.toml (into `folder`); with `edit`, as changes to that file, keeping its comments."""
        target = (folder or self.episode_dir(episode.slug)) / EPISODE_FILE
        data = episode_to_dict(episode)
        if edit is not None and edit.is_file():
            atomic.write_text(target, edited_toml(edit.read_text("utf-8"), data))
        else:
            write_toml(target, data)

    def select(self, slugs: list[str], all_episodes: bool) -> list[str]:
        """The slugs a command should work on: the ones named, or every episode with --all."""
        if all_episodes or not slugs:
            if not all_episodes:
                raise UnknownEpisodeError("no episode named", "Name one or more slugs, or pass --all.")
            return self.slugs()
        for slug in slugs:
            self.load_episode(slug)  # raises a helpful error for an unknown slug
        return list(dict.fromkeys(slugs))


def episode_from_dict(slug: str, data: dict[str, Any], path: str) -> Episode:
    checked = check_episode(data, path)
    guests, hosts = _people(checked.guests), _people(checked.hosts)
    known = set(EpisodeFile.model_fields) - {"speakers", "chunks", "draft", "guid", "explicit"}
    return Episode(
        slug=slug, title=checked.title, number=checked.number, season=checked.season,
        published=_iso(checked.published), description=checked.description, source_url=checked.source_url,
        media=checked.media, duration=checked.duration, thumbnail=checked.thumbnail, guests=guests,
        questions=list(checked.questions), episode_type=checked.episode_type, hosts=hosts,
        extra={k: v for k, v in data.items() if k not in known},
    )


def _people(tables: list[Any]) -> list[Guest]:
    return [Guest(name=p) if isinstance(p, str) else Guest(name=p.name, bio=p.bio, url=p.url, img=p.img) for p in tables]


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def episode_to_dict(episode: Episode) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": episode.title, "number": episode.number, "season": episode.season,
        "published": episode.published, "description": episode.description,
        "source_url": episode.source_url, "media": episode.media,
        "duration": round(episode.duration, 3) if episode.duration is not None else None,
        "thumbnail": episode.thumbnail, "questions": episode.questions,
        "guests": [{k: v for k, v in asdict(g).items() if v} for g in episode.guests],
        "hosts": [{k: v for k, v in asdict(h).items() if v} for h in episode.hosts],
        "episode_type": "" if episode.episode_type == "full" else episode.episode_type,
    }
    data = {k: v for k, v in data.items() if v not in (None, "", [])}
    data.update(episode.extra)
    return data


ARTWORK_FILE = "artwork.png"


@dataclass(frozen=True)
class NewShow:
    workspace: Workspace
    artwork: str  # the file [feed] artwork names; "" when the show links an image URL instead
    artwork_made: bool  # drawn by init from the title: a stand-in for the producer to replace


def init_workspace(root: Path, show: Show) -> NewShow:
    """Create a workspace. An existing sofacast.toml is never overwritten, nor any other file.

    A show with neither artwork nor an image URL gets artwork.png drawn from its title (or the artwork.png
    already in the folder), so that the feed of its first episode is valid at once."""
    path = root / SHOW_FILE
    if path.exists():
        raise WorkspaceError(f"{root} already has a {SHOW_FILE}", "Edit it directly, or choose another folder.")
    artwork = str(show.feed.get("artwork") or "") or ("" if show.image_url else ARTWORK_FILE)
    made = artwork == ARTWORK_FILE and not (root / ARTWORK_FILE).exists()
    data = _drop_empty({**show_to_dict(show), "feed": {**show.feed, "artwork": artwork} if artwork else show.feed})
    check_show(data, SHOW_FILE)
    for folder in ("episodes", "transcripts", "feeds"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    if made:  # before sofacast.toml, whose [feed] names it
        atomic.write_bytes(root / ARTWORK_FILE, title_artwork(show.title))
    write_toml(path, data)
    return NewShow(Workspace(root.resolve()), artwork, made)


def show_to_dict(show: Show) -> dict[str, Any]:
    return {
        "title": show.title, "description": show.description, "author": show.author,
        "language": show.language, "categories": show.categories, "explicit": show.explicit,
        "image_url": show.image_url, "base_url": show.base_url, "hosts": show.hosts,
        "owner": {k: v for k, v in {"name": show.owner_name, "email": show.owner_email}.items() if v},
        "feed": show.feed, "people": show.people, **show.podcast,
    }
