"""The show workspace: where every file lives, and reading/writing its TOML files.

Files are the source of truth. Everything here reads or writes them atomically.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w

from sofacast import atomic
from sofacast.errors import UnknownEpisodeError, WorkspaceError
from sofacast.records import Episode, Guest, Show

SHOW_FILE = "sofacast.toml"
EPISODE_FILE = "episode.toml"
WORKSPACE_ENV = "SOFACAST_WORKSPACE"

_SHOW_FIELDS: dict[str, type | tuple[type, ...]] = {
    "title": str, "description": str, "author": str, "language": str, "categories": list,
    "explicit": bool, "image_url": str, "base_url": str, "hosts": list, "owner": dict, "feed": dict,
}
_EPISODE_FIELDS: dict[str, type | tuple[type, ...]] = {
    "title": str, "number": int, "season": int, "published": (str, date), "description": str,
    "source_url": str, "media": str, "duration": (int, float), "thumbnail": str,
    "guests": list, "questions": list,
}


def default_root() -> Path:
    return Path(os.environ.get(WORKSPACE_ENV) or ".")


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise WorkspaceError(f"{path} is not valid TOML ({exc})", "Fix that line in a text editor and run the command again.") from exc
    except UnicodeDecodeError as exc:
        raise WorkspaceError(f"{path} is not UTF-8 text", "Save it as UTF-8 and run the command again.") from exc


def write_toml(path: Path, data: dict[str, Any]) -> None:
    atomic.write_text(path, tomli_w.dumps(_drop_empty(data), multiline_strings=True))


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None and value != "" and value != {}}


def _check_types(path: Path, data: dict[str, Any], fields: dict[str, type | tuple[type, ...]]) -> None:
    for key, expected in fields.items():
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, expected) and (expected is bool or not isinstance(value, bool)):
            continue
        names = expected.__name__ if isinstance(expected, type) else " or ".join(t.__name__ for t in expected)
        raise WorkspaceError(
            f"{path}: '{key}' should be a {_toml_kind(names)}, not {value!r}",
            f"Edit '{key}' in {path.name} and run the command again.",
        )


def _toml_kind(python_names: str) -> str:
    kinds = {"str": "string", "int": "whole number", "float": "number", "list": "list", "dict": "table", "bool": "true/false"}
    return " or ".join(kinds.get(name, name) for name in python_names.split(" or "))


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
        return self.episode_dir(episode.slug) / episode.media

    # -- the show ------------------------------------------------------------------------
    def show(self) -> Show:
        path = self.root / SHOW_FILE
        data = read_toml(path)
        _check_types(path, data, _SHOW_FIELDS)
        if not data.get("title"):
            raise WorkspaceError(f"{path} has no title", "Add title = \"Your show\" to it.")
        owner = data.get("owner", {})
        return Show(
            title=data["title"], description=data.get("description", ""), author=data.get("author", ""),
            owner_name=owner.get("name", data.get("author", "")), owner_email=owner.get("email", ""),
            language=data.get("language", "en"), categories=list(data.get("categories", [])),
            explicit=data.get("explicit", False), image_url=data.get("image_url", ""),
            base_url=data.get("base_url", ""), hosts=[str(h) for h in data.get("hosts", [])],
            feed=dict(data.get("feed", {})),
        )

    # -- episodes ------------------------------------------------------------------------
    def slugs(self) -> list[str]:
        if not self.episodes_dir.is_dir():
            return []
        return sorted(
            entry.name for entry in self.episodes_dir.iterdir()
            if entry.is_dir() and not entry.name.startswith(".") and (entry / EPISODE_FILE).is_file()
        )

    def load_episode(self, slug: str) -> Episode:
        path = self.episode_dir(slug) / EPISODE_FILE
        if not path.is_file():
            known = ", ".join(self.slugs()) or "none yet"
            raise UnknownEpisodeError(
                f"no episode '{slug}' in {self.episodes_dir}",
                f"Known episodes: {known}. Pull it first with 'sofacast pull SOURCE --slug {slug}'.",
            )
        return episode_from_dict(slug, read_toml(path), path)

    def episodes(self) -> list[Episode]:
        return [self.load_episode(slug) for slug in self.slugs()]

    def save_episode(self, episode: Episode, folder: Path | None = None) -> None:
        write_toml((folder or self.episode_dir(episode.slug)) / EPISODE_FILE, episode_to_dict(episode))

    def select(self, slugs: list[str], all_episodes: bool) -> list[str]:
        """The slugs a command should work on: the ones named, or every episode with --all."""
        if all_episodes or not slugs:
            if not all_episodes:
                raise UnknownEpisodeError("no episode named", "Name one or more slugs, or pass --all.")
            return self.slugs()
        for slug in slugs:
            self.load_episode(slug)  # raises a helpful error for an unknown slug
        return list(dict.fromkeys(slugs))


def episode_from_dict(slug: str, data: dict[str, Any], path: Path) -> Episode:
    _check_types(path, data, _EPISODE_FIELDS)
    if not data.get("title"):
        raise WorkspaceError(f"{path} has no title", "Add title = \"…\" to it.")
    guests = []
    for raw in data.get("guests", []):
        if isinstance(raw, str):
            raw = {"name": raw}
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            raise WorkspaceError(f"{path}: each guest needs a name", "Write guests as [[guests]] tables with name = \"…\".")
        guests.append(Guest(name=raw["name"], bio=str(raw.get("bio", "")), url=str(raw.get("url", ""))))
    questions = data.get("questions", [])
    if not all(isinstance(q, str) for q in questions):
        raise WorkspaceError(f"{path}: questions must be a list of strings", "Quote each question.")
    known = set(_EPISODE_FIELDS)
    return Episode(
        slug=slug, title=data["title"], number=data.get("number"), season=data.get("season"),
        published=str(data.get("published", "")), description=data.get("description", ""),
        source_url=data.get("source_url", ""), media=data.get("media", ""),
        duration=float(data["duration"]) if "duration" in data else None,
        thumbnail=data.get("thumbnail", ""), guests=guests, questions=list(questions),
        extra={k: v for k, v in data.items() if k not in known},
    )


def episode_to_dict(episode: Episode) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": episode.title, "number": episode.number, "season": episode.season,
        "published": episode.published, "description": episode.description,
        "source_url": episode.source_url, "media": episode.media,
        "duration": round(episode.duration, 3) if episode.duration is not None else None,
        "thumbnail": episode.thumbnail, "questions": episode.questions,
        "guests": [{k: v for k, v in asdict(g).items() if v} for g in episode.guests],
    }
    data = {k: v for k, v in data.items() if v not in (None, "", [])}
    data.update(episode.extra)
    return data


def init_workspace(root: Path, show: Show) -> Workspace:
    """Create a workspace. An existing sofacast.toml is never overwritten."""
    path = root / SHOW_FILE
    if path.exists():
        raise WorkspaceError(f"{root} already has a {SHOW_FILE}", "Edit it directly, or choose another folder.")
    for folder in ("episodes", "transcripts", "feeds"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    write_toml(path, show_to_dict(show))
    return Workspace(root.resolve())


def show_to_dict(show: Show) -> dict[str, Any]:
    return {
        "title": show.title, "description": show.description, "author": show.author,
        "language": show.language, "categories": show.categories, "explicit": show.explicit,
        "image_url": show.image_url, "base_url": show.base_url, "hosts": show.hosts,
        "owner": {k: v for k, v in {"name": show.owner_name, "email": show.owner_email}.items() if v},
        "feed": show.feed,
    }
