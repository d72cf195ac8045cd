"""Pull episodes into the workspace: from a local file, or any URL yt-dlp handles.

Every episode is assembled in a staging folder and renamed into episodes/<slug>/ only when
complete, so an interrupted pull leaves the workspace as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sofacast import atomic
from sofacast.errors import MediaError, SourceError
from sofacast.media import ffmpeg
from sofacast.pull import ytdlp
from sofacast.pull.questions import questions_from_description
from sofacast.records import Episode, Guest
from sofacast.slugs import is_valid_slug, slugify, unique_slug
from sofacast.workspace import Workspace

ARCHIVE_FILE = ".yt-dlp-archive.txt"
# (label, bytes done, bytes expected or None)
PullProgress = Callable[[str, int, int | None], None]


@dataclass
class PullOptions:
    slug: str | None = None
    title: str | None = None
    guests: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    number: int | None = None
    force: bool = False


@dataclass(frozen=True)
class PullResult:
    slug: str
    pulled: bool  # False: it was already in the workspace
    episode: Episode


class _Catalogue:
    """The workspace's episodes, read once per pull (a feed may hold hundreds of items)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.episodes = {episode.slug: episode for episode in workspace.episodes()}

    def by_source(self, source_url: str) -> Episode | None:
        for episode in self.episodes.values():
            if episode.source_url == source_url and self.workspace.media_path(episode).is_file():
                return episode
        return None

    def next_number(self) -> int:
        return max((e.number for e in self.episodes.values() if e.number), default=0) + 1

    def add(self, result: PullResult) -> PullResult:
        self.episodes[result.slug] = result.episode
        return result


def pull(workspace: Workspace, source: str, options: PullOptions, on_progress: PullProgress | None = None) -> Iterator[PullResult]:
    if options.slug is not None and not is_valid_slug(options.slug):
        raise SourceError(f"'{options.slug}' is not a usable slug", f"Use lowercase letters, digits and dashes, e.g. '{slugify(options.slug)}'.")
    catalogue = _Catalogue(workspace)
    local = Path(source).expanduser()
    if local.exists() or not _looks_like_url(source):
        yield catalogue.add(_pull_local(catalogue, local, options))
        return
    entries = ytdlp.list_entries(source)
    if len(entries) > 1 and (options.slug or options.title or options.number):
        raise SourceError(f"{source} holds {len(entries)} episodes, so --slug, --title and --number do not apply",
                          "Pull one episode's URL to set them, or leave them out.")
    failures: list[str] = []
    for entry in sorted(entries, key=_oldest_first):
        try:
            yield catalogue.add(_pull_remote(catalogue, entry, options, on_progress))
        except (SourceError, MediaError) as exc:
            if len(entries) == 1:
                raise
            failures.append(f"{entry.metadata.get('title') or entry.url}: {exc.problem}")
    if failures:  # one bad item must not keep the rest of a feed out
        raise SourceError(f"{len(failures)} of {len(entries)} episodes could not be pulled ({'; '.join(failures)})",
                          "The others were pulled; fix those items and run the same pull again.")


def _looks_like_url(source: str) -> bool:
    return "://" in source or source.startswith("www.")


def _oldest_first(entry: ytdlp.RemoteEntry) -> float:
    # Feeds list newest first; numbering episodes in publication order means pulling oldest first.
    return float(entry.metadata.get("timestamp") or 0)


def _pull_local(catalogue: _Catalogue, path: Path, options: PullOptions) -> PullResult:
    if not path.is_file():
        raise SourceError(f"{path} is neither a file nor a URL", "Check the path, or give a full URL starting with https://.")
    workspace = catalogue.workspace
    source_url = _portable_path(workspace, path)
    if (done := catalogue.by_source(source_url)) and not options.force:
        return PullResult(done.slug, False, done)
    info = ffmpeg.probe(path)  # refuses empty or corrupt media before anything is written
    metadata = {"title": path.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "Episode",
                "timestamp": path.stat().st_mtime}
    slug = _choose_slug(catalogue, options, metadata["title"], replacing=done)
    with atomic.staged_dir(workspace.episode_dir(slug)) as staging:
        media = _store_audio(path, staging / slug, copy=True, has_video=info.has_video)
        episode = _episode(catalogue, slug, {**metadata, "duration": info.duration}, source_url, media, options, replacing=done)
        workspace.save_episode(episode, staging)
    return PullResult(slug, True, episode)


def _portable_path(workspace: Workspace, path: Path) -> str:
    resolved = path.resolve()
    try:
        return resolved.relative_to(workspace.root).as_posix()
    except ValueError:
        return str(resolved)


def _pull_remote(catalogue: _Catalogue, entry: ytdlp.RemoteEntry, options: PullOptions,
                 on_progress: PullProgress | None) -> PullResult:
    workspace = catalogue.workspace
    if (done := catalogue.by_source(entry.url)) and not options.force:
        return PullResult(done.slug, False, done)
    label = entry.metadata.get("title") or entry.url
    progress = (lambda got, total: on_progress(label, got, total)) if on_progress else None
    archive = workspace.episodes_dir / ARCHIVE_FILE
    workspace.episodes_dir.mkdir(parents=True, exist_ok=True)
    download_area = workspace.episodes_dir / ".downloads"
    download_area.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=download_area))
    try:
        download = ytdlp.download_audio(entry.url, scratch, archive, use_archive=not options.force, on_progress=progress)
        if download.path is None:  # episodes holding this source returned above, so the archive is stale
            raise SourceError(f"{entry.url} is in the download archive but no episode holds it",
                              "Pull it again with --force.")
        info = ffmpeg.probe(download.path)
        metadata = {**download.info, **entry.metadata, "duration": info.duration or entry.metadata.get("duration")}
        slug = _choose_slug(catalogue, options, metadata.get("title") or "episode", replacing=done)
        with atomic.staged_dir(workspace.episode_dir(slug)) as staging:
            media = _store_audio(download.path, staging / slug, copy=False, has_video=info.has_video)
            episode = _episode(catalogue, slug, metadata, entry.url, media, options, replacing=done)
            workspace.save_episode(episode, staging)
        return PullResult(slug, True, episode)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _store_audio(source: Path, stem: Path, copy: bool, has_video: bool) -> Path:
    """Keep the audio only: extract it from video, else copy (or move) the file as it is."""
    if has_video:
        return ffmpeg.extract_audio(source, stem)
    target = stem.with_suffix(source.suffix.lower() or ".audio")
    (shutil.copy2 if copy else shutil.move)(str(source), str(target))
    return target


def _choose_slug(catalogue: _Catalogue, options: PullOptions, title: str, replacing: Episode | None) -> str:
    if options.slug:
        taken = options.slug in catalogue.episodes and (replacing is None or replacing.slug != options.slug)
        if taken and not options.force:
            raise SourceError(f"episode '{options.slug}' already exists with other media",
                              "Choose another --slug, or pass --force to replace it.")
        return options.slug
    if replacing:
        return replacing.slug
    return unique_slug(slugify(options.title or title), set(catalogue.episodes))


def _episode(catalogue: _Catalogue, slug: str, metadata: dict[str, Any], source_url: str, media: Path,
             options: PullOptions, replacing: Episode | None) -> Episode:
    description = (metadata.get("description") or "").strip()
    previous = replacing or catalogue.episodes.get(slug)
    episode = Episode(
        slug=slug, title=options.title or metadata.get("title") or slug,
        number=options.number or (previous.number if previous else None) or catalogue.next_number(),
        published=_published(metadata), description=description, source_url=source_url, media=media.name,
        duration=_as_float(metadata.get("duration")),
        thumbnail=metadata.get("thumbnail") or "",
        guests=[Guest(name) for name in options.guests] or (previous.guests if previous else []),
        questions=options.questions or questions_from_description(description),
    )
    if previous:  # a re-pull keeps what humans added (speaker names, chunk edits, season)
        episode.season, episode.extra = previous.season, previous.extra
    return episode


def _published(metadata: dict[str, Any]) -> str:
    if metadata.get("timestamp"):
        return datetime.fromtimestamp(float(metadata["timestamp"]), tz=timezone.utc).isoformat(timespec="seconds")
    for key in ("release_date", "upload_date"):
        value = str(metadata.get(key) or "")
        if len(value) == 8 and value.isdigit():
            return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _as_float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
