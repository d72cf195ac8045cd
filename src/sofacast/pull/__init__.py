"""Pull episodes into the workspace: from a local file, or any http(s) URL yt-dlp handles.

Every episode is assembled in a staging folder under .sofacast/tmp/ — the media (checked to play),
its episode.toml, and whatever the episode's folder already held — and put in place in one step,
so at every instant either the old or the new folder is there. A re-pull (`--force`) refreshes the
media only: what the command line says wins, then what episode.toml already says, then the source.
Feeds keep a yt-dlp download archive, written only once an episode is in place.

The caller holds the workspace lock (see `Workspace.writing`), so slugs and numbers are handed out
by one pull at a time.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tomllib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sofacast import atomic, faults
from sofacast.errors import MediaError, SofacastError, SourceError
from sofacast.feed.build import published_at
from sofacast.feed.guids import GuidLedger
from sofacast.media import ffmpeg
from sofacast.pull import ytdlp
from sofacast.pull.facts import SourceFacts, iso_from_timestamp, merged
from sofacast.pull.publisher import PublisherFiles, publisher_files
from sofacast.pull.sources import list_source
from sofacast.questions import questions_from_description
from sofacast.records import Episode, Guest
from sofacast.sanitize import plain_text, safe_url
from sofacast.slugs import MAX_SLUG_LENGTH, is_valid_slug, slugify, unique_slug
from sofacast.workspace import EPISODE_FILE, Workspace

log = logging.getLogger(__name__)
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
    season: int | None = None
    published: str | None = None  # ISO 8601 date or datetime
    description: str | None = None
    force: bool = False

    def per_episode(self) -> list[str]:
        """The options that describe one episode, so cannot apply to every item of a feed."""
        named = {"--slug": self.slug, "--title": self.title, "--number": self.number, "--published": self.published,
                 "--description": self.description}
        return [flag for flag, value in named.items() if value]


@dataclass(frozen=True)
class PullResult:
    slug: str
    status: str  # "pulled"; "already" (in the workspace); "skipped" (pulled once, since removed by hand)
    episode: Episode
    notes: tuple[str, ...] = ()  # what the producer should know: where the date came from, what was imported

    @property
    def pulled(self) -> bool:
        return self.status == "pulled"


@dataclass(frozen=True)
class _Media:
    """Media that plays, ready to go into an episode's folder."""

    path: Path
    info: ffmpeg.MediaInfo
    move: bool  # True: a download of ours that may be moved; False: the producer's own file, copied


class _Catalogue:
    """The workspace's episodes, read once per pull (a feed may hold hundreds of items)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.episodes: dict[str, Episode] = {}
        self.numbers: set[int] = set()
        for slug in workspace.slugs():
            try:
                self.episodes[slug] = workspace.load_episode(slug)
            except SofacastError as exc:  # one broken episode.toml does not stop a pull; its number stays taken
                log.warning("%s (pulling goes on without it)", exc.one_line().rstrip("."))
                self.numbers.add(_raw_number(workspace.episode_dir(slug) / EPISODE_FILE))
        self.folders = {p.name for p in workspace.episodes_dir.iterdir()} if workspace.episodes_dir.is_dir() else set()
        self.retired = set(_published_slugs(workspace)) - self.folders  # published once, since deleted
        self.show_hosts = set(_show_hosts(workspace))

    def by_source(self, source_url: str) -> Episode | None:
        return next((episode for episode in self.episodes.values() if episode.source_url == source_url), None)

    def has_media(self, episode: Episode) -> bool:
        return bool(episode.media) and (self.workspace.episode_dir(episode.slug) / episode.media).is_file()

    def next_number(self) -> int:
        return max(self._taken(), default=0) + 1

    def number_for(self, published: str) -> int:
        """The number after the last episode published before this one, if free; else the next one."""
        moment = _moment(published)
        if moment is None:
            return self.next_number()
        before = [e.number for e in self.episodes.values()
                  if e.number and (_moment(e.published) or moment) <= moment]
        candidate = max(before, default=0) + 1
        return candidate if candidate not in self._taken() else self.next_number()

    def _taken(self) -> set[int]:
        return self.numbers | {e.number for e in self.episodes.values() if e.number}

    def add(self, result: PullResult) -> PullResult:
        if result.slug:
            self.episodes[result.slug] = result.episode
            self.folders.add(result.slug)
        return result


def _raw_number(path: Path) -> int:
    """The number an unreadable episode.toml gives its episode, as far as it can be read at all."""
    try:
        text = path.read_text("utf-8", "replace")
    except OSError:
        return 0
    try:
        number = tomllib.loads(text).get("number")
    except tomllib.TOMLDecodeError:
        found = re.search(r"^number\s*=\s*([0-9]{1,6})\s*(?:#.*)?$", text, re.MULTILINE)
        number = int(found.group(1)) if found else 0
    return number if isinstance(number, int) and not isinstance(number, bool) and 0 < number < 10**6 else 0


def _show_hosts(workspace: Workspace) -> list[str]:
    try:
        return workspace.show().hosts
    except SofacastError:
        return []


def _published_slugs(workspace: Workspace) -> list[str]:
    try:
        return list(GuidLedger.load(workspace.feeds_dir).episodes)
    except SofacastError:
        return []


def _moment(text: str | None) -> datetime | None:
    try:
        return published_at(text or "")
    except ValueError:
        return None


def pull(workspace: Workspace, source: str, options: PullOptions,
         on_progress: PullProgress | None = None) -> Iterator[PullResult]:
    if options.slug is not None and not is_valid_slug(options.slug):
        raise SourceError(f"'{plain_text(options.slug)[:80]}' is not a usable slug",
                          f"Use lowercase letters, digits and dashes, at most {MAX_SLUG_LENGTH} characters, "
                          f"e.g. '{slugify(options.slug)}'.")
    if options.published is not None and _moment(options.published) is None:
        raise SourceError(f"--published {plain_text(options.published)[:40]!r} is not a date",
                          "Give a date such as 2026-09-07, or a full ISO 8601 time such as 2026-09-07T18:00:00+02:00.")
    catalogue = _Catalogue(workspace)
    if not _looks_like_url(source):
        yield catalogue.add(_pull_local(catalogue, Path(source).expanduser(), options))
        return
    url = safe_url(source)
    if url is None:
        raise SourceError(f"'{plain_text(source)[:80]}' is not an http(s) address",
                          "Pull from an http(s) URL, or give the path of a local file.")
    entries = list_source(url)
    if len(entries) > 1 and options.per_episode():
        raise SourceError(f"{url} holds {len(entries)} episodes, so {', '.join(options.per_episode())} do not apply",
                          "Pull one episode's URL to set them, or leave them out.")
    failures: list[str] = []
    for entry in sorted(entries, key=_oldest_first):
        try:
            yield catalogue.add(_pull_remote(catalogue, entry, options, on_progress, from_feed=len(entries) > 1))
        except (SourceError, MediaError) as exc:
            if len(entries) == 1:
                raise
            failures.append(f"{entry.facts.title[:80] or entry.url[:120]}: {exc.problem}")
    if failures:  # one bad item must not keep the rest of a feed out
        raise SourceError(f"{len(failures)} of {len(entries)} episodes could not be pulled ({'; '.join(failures)})",
                          "The others were pulled; fix those items and run the same pull again.")


def _looks_like_url(source: str) -> bool:
    return "://" in source or source.startswith("www.") or source.lower().startswith(("javascript:", "data:"))


def _oldest_first(entry: ytdlp.RemoteEntry) -> datetime:
    # Feeds list newest first; numbering episodes in publication order means pulling oldest first.
    return _moment(entry.facts.published) or datetime.max.replace(tzinfo=UTC)


def _pull_local(catalogue: _Catalogue, path: Path, options: PullOptions) -> PullResult:
    if not path.is_file():
        raise SourceError(f"{path} is neither a file nor a URL", "Check the path, or give a full URL starting with https://.")
    source_url = _portable_path(catalogue.workspace, path)
    done = catalogue.by_source(source_url)
    if done and catalogue.has_media(done) and not options.force:
        return PullResult(done.slug, "already", done)
    media = _Media(path, ffmpeg.check_playable(path), move=False)  # refuses what does not play before anything is written
    published, origin = _file_date(path)
    facts = SourceFacts(title=path.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "Episode",
                        published=published, published_from=origin)
    return _commit(catalogue, media, facts, source_url, options, replacing=done)


def _file_date(path: Path) -> tuple[str, str]:
    """The recording's date from the file's own tags, else the day the file was last changed."""
    tagged = ffmpeg.recorded_date(path)
    if tagged is not None:
        return tagged[0], f"the file's {tagged[1]}"
    return iso_from_timestamp(path.stat().st_mtime), "the file's modification time, as it has no date tag"


def _portable_path(workspace: Workspace, path: Path) -> str:
    resolved = path.resolve()
    try:
        return resolved.relative_to(workspace.root).as_posix()
    except ValueError:
        return str(resolved)


def _pull_remote(catalogue: _Catalogue, entry: ytdlp.RemoteEntry, options: PullOptions,
                 on_progress: PullProgress | None, from_feed: bool) -> PullResult:
    workspace = catalogue.workspace
    if safe_url(entry.url) is None:
        raise SourceError(f"{plain_text(entry.url)[:120] or 'an item without a link'} is not an http(s) link",
                          "Only http(s) media is pulled from feeds and pages.")
    done = catalogue.by_source(entry.url)
    if done and catalogue.has_media(done) and not options.force:
        return PullResult(done.slug, "already", done)
    resolved = ytdlp.resolve(entry)
    archive = workspace.episodes_dir / ARCHIVE_FILE
    label = entry.facts.title or entry.url
    if from_feed and not done and not options.force and archive.is_file() and ytdlp.in_archive(archive, resolved):
        # Pulled once (the archive is only written once an episode is in place), then removed by hand.
        return PullResult("", "skipped", Episode(slug="", title=label))
    progress = (lambda got, total: on_progress(label, got, total)) if on_progress else None
    workspace.episodes_dir.mkdir(parents=True, exist_ok=True)
    with atomic.scratch_folder(workspace.root) as scratch:
        path = ytdlp.download(resolved, scratch, progress)
        faults.checkpoint("pull:downloaded")
        media = _Media(path, ffmpeg.check_playable(path), move=True)
        found = ytdlp.facts(resolved.info)
        if from_feed:  # a feed item's date is the feed's; the media file's Last-Modified is no publication date
            found = replace(found, published="", published_from="")
        facts = merged(entry.facts, found)
        result = _commit(catalogue, media, facts, entry.url, options, replacing=done, extra=publisher_files(facts))
    faults.checkpoint("pull:before-archive")
    ytdlp.record_in_archive(archive, resolved)
    return result


def _commit(catalogue: _Catalogue, media: _Media, facts: SourceFacts, source_url: str, options: PullOptions,
            replacing: Episode | None, extra: PublisherFiles | None = None) -> PullResult:
    """Stage the episode's folder (new media, episode.toml, what the folder held) and put it in place."""
    workspace = catalogue.workspace
    slug = _choose_slug(catalogue, options, facts.title or "episode", replacing)
    final = workspace.episode_dir(slug)
    if final.is_symlink() or (final.exists() and not final.resolve().is_relative_to(workspace.root)):
        raise SourceError(f"episodes/{slug} is a link to a folder elsewhere, so it is not replaced",
                          "Move the folder into episodes/ instead of linking it, or choose another --slug.")
    previous = catalogue.episodes.get(slug)  # only ever the episode in the folder being replaced
    with atomic.scratch_folder(workspace.root) as scratch:
        staging = scratch / slug
        staging.mkdir()
        if final.is_dir():
            _carry_over(final, staging, keep_out={EPISODE_FILE, *_own_media(previous)})
        stored = _store_audio(media, staging / slug)
        for name, content in (extra.files if extra else {}).items():
            atomic.write_bytes(staging / name, content)
        episode = _episode(catalogue, slug, facts, source_url, stored, media.info.duration, options, previous)
        if previous is None and slug in catalogue.retired:
            episode.extra["guid"] = str(uuid.uuid4())
            log.warning("episodes/%s: an episode published before had this slug; the new one gets a GUID of its own "
                        "so podcast apps do not take it for the old one", slug)
        workspace.save_episode(episode, staging, edit=final / EPISODE_FILE)
        faults.checkpoint("pull:before-commit")
        try:
            atomic.replace_folder(staging, final)
        except OSError as exc:
            raise SourceError(f"cannot put episodes/{slug} in place ({exc.strerror or exc})",
                              "Check that nothing else is writing to episodes/, then pull again.") from exc
    faults.checkpoint("pull:after-commit")
    return PullResult(slug, "pulled", episode, _notes(episode, facts, options, previous, extra))


def _notes(episode: Episode, facts: SourceFacts, options: PullOptions, previous: Episode | None,
           extra: PublisherFiles | None) -> tuple[str, ...]:
    notes = []
    if not options.published and not (previous and previous.published):
        day = episode.published[:10]
        notes.append(f"dated {day} from {facts.published_from}" if facts.published
                     else f"dated {day}, the day of the pull: the source gives no date (set it with --published)")
    if extra and extra.said:
        notes.append(f"imported the publisher's {' and '.join(extra.said)}")
    return tuple(notes)


def _own_media(previous: Episode | None) -> set[str]:
    """The old media file, when it is one sofacast stored (<slug>.<ext>): the new one takes its place.
    A file of the producer's own that episode.toml pointed at stays in the folder."""
    if previous is None or not previous.media or Path(previous.media).stem != previous.slug:
        return set()
    return {previous.media}


def _carry_over(folder: Path, staging: Path, keep_out: set[str]) -> None:
    """Bring what the episode's folder holds (show notes, podcast MP3, the producer's own files) into the staging copy."""
    for entry in folder.iterdir():
        if entry.name in keep_out:
            continue
        target = staging / entry.name
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, target)


def _link_or_copy(source: Path | str, target: Path | str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _store_audio(media: _Media, stem: Path) -> Path:
    """Keep the audio only: extract it from video, else copy (or move) the file as it is."""
    if media.info.has_video:
        return ffmpeg.extract_audio(media.path, stem)
    suffix = media.path.suffix
    target = stem.with_suffix(suffix.lower() if suffix.isascii() and len(suffix) <= 6 else ".audio")
    (shutil.move if media.move else shutil.copy2)(str(media.path), str(target))
    return target


def _choose_slug(catalogue: _Catalogue, options: PullOptions, title: str, replacing: Episode | None) -> str:
    if options.slug:
        holds_it = replacing is not None and replacing.slug == options.slug
        if options.slug in catalogue.folders and not holds_it and not options.force:
            raise SourceError(f"episode '{options.slug}' already exists with other media",
                              "Choose another --slug, or pass --force to replace its media.")
        return options.slug
    if replacing:
        return replacing.slug
    # Slugs of episodes published once and since deleted stay retired: their GUIDs are known to apps.
    return unique_slug(slugify(options.title or title), set(catalogue.episodes) | catalogue.folders | catalogue.retired)


def _episode(catalogue: _Catalogue, slug: str, facts: SourceFacts, source_url: str, media: Path,
             duration: float | None, options: PullOptions, previous: Episode | None) -> Episode:
    """The episode record: the command line wins, then what episode.toml already says, then the source."""
    was = previous or Episode(slug=slug, title="")
    description = plain_text(options.description, keep_lines=True) or was.description or facts.description
    questions = ([plain_text(q) for q in options.questions] or was.questions or list(facts.questions)
                 or questions_from_description(description))
    published = options.published or was.published or facts.published or datetime.now(UTC).isoformat(timespec="seconds")
    return Episode(
        slug=slug,
        title=plain_text(options.title) or was.title or facts.title or slug,
        number=options.number or was.number or facts.number or catalogue.number_for(published),
        season=options.season or was.season or facts.season,
        published=published,
        description=description,
        source_url=source_url,
        media=media.name,
        duration=_as_float(duration) or facts.duration,
        thumbnail=was.thumbnail or facts.thumbnail,
        guests=_guests(options.guests, was.guests or list(facts.guests)),
        questions=[q for q in questions if q],
        episode_type=was.episode_type if previous else (facts.episode_type or "full"),
        hosts=was.hosts or _episode_hosts(facts, catalogue.show_hosts),
        extra=dict(was.extra),
    )


def _episode_hosts(facts: SourceFacts, show_hosts: set[str]) -> list[Guest]:
    """The feed's hosts of this episode, kept only when they are not simply the show's own."""
    return list(facts.hosts) if any(host.name not in show_hosts for host in facts.hosts) else []


def _guests(named: list[str], known: list[Guest]) -> list[Guest]:
    """The guests named on the command line (keeping the bio and link episode.toml has for them), else the known ones."""
    if not named:
        return list(known)
    by_name = {guest.name: guest for guest in known}
    return [by_name.get(name, Guest(name)) for name in (plain_text(n) for n in named) if name]


def _as_float(value: Any) -> float | None:
    try:
        number = float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and 0 <= number < 1e7 else None
