"""`sofacast feed`: build feeds/feed.xml from the workspace, validate it, and only then replace the old one.

A new episode without a transcript is held back (it would go out half-done) unless its episode.toml says
`draft = false`; one already published stays, so that no listener's app loses it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sofacast import atomic, faults
from sofacast.addresses import public_url
from sofacast.errors import FeedError, SofacastError
from sofacast.feed import build_record
from sofacast.feed.build import PublishedEpisode, build_feed, published_at
from sofacast.feed.episodes import EpisodeContext, episode_link, publish_episode
from sofacast.feed.guids import GuidLedger
from sofacast.feed.previous import published_items, with_items, without_items
from sofacast.feed.settings import FEED_FILE, FeedSettings, feed_settings
from sofacast.feed.validate import Expected, Finding, validate_feed
from sofacast.records import Episode, Show
from sofacast.shownotes.related import Related, TopicIndex
from sofacast.shownotes.render import Link
from sofacast.transcripts import transcript_or_none
from sofacast.workspace import Workspace

log = logging.getLogger(__name__)

# Called with (episodes done, episodes in all, what is being done).
FeedProgress = Callable[[int, int, str], None]
# Makes one episode's item (publish_episode, or validate's preview that writes nothing).
Publisher = Callable[[EpisodeContext, Episode, str, list[Link], list[Link]], PublishedEpisode]


@dataclass
class FeedResult:
    path: Path
    episodes: list[str]  # the slugs of the episodes published in it this time
    written: bool  # False: the feed was already exactly this
    failures: list[tuple[str, SofacastError]] = field(default_factory=list)  # episodes not published this time
    kept: list[str] = field(default_factory=list)  # of those, the ones whose earlier item stays in the feed


@dataclass
class FeedBuild:
    document: bytes
    published: list[PublishedEpisode]
    ledger: GuidLedger
    failures: list[tuple[str, SofacastError]]
    kept: list[str]


def feed_path(workspace: Workspace) -> Path:
    return workspace.feeds_dir / FEED_FILE


def episodes_in_feed(workspace: Workspace, ledger: GuidLedger) -> tuple[list[Episode], list[tuple[str, SofacastError]]]:
    """The episodes the feed publishes (not drafts, nor new ones held back), oldest first; and the episodes whose
    episode.toml cannot be read."""
    episodes, failures = [], []
    for slug in workspace.slugs():
        try:
            episode = workspace.load_episode(slug)
            if episode.extra.get("draft") is True:
                continue
            published_at(episode.published)
        except SofacastError as exc:
            failures.append((slug, exc))
            continue
        except ValueError:
            failures.append((slug, FeedError(f"episode {slug}: published: {episode.published!r} is not a date",
                                             'Write it as published = "2026-09-07" (or a full ISO 8601 datetime) '
                                             "in its episode.toml.")))
            continue
        if not _held_back(workspace, ledger, episode):
            episodes.append(episode)
    return sorted(episodes, key=lambda e: (published_at(e.published), e.number or 0, e.slug)), failures


def _held_back(workspace: Workspace, ledger: GuidLedger, episode: Episode) -> bool:
    """Whether a new episode without a transcript waits for one (draft = false in episode.toml publishes it all the
    same), saying why in a warning line.

    One published before stays in the feed whatever happened to its transcript: taking it out would take it
    from every listener's app."""
    if episode.extra.get("draft") is False or workspace.transcript_path(episode.slug).is_file():
        return False
    slug, known = episode.slug, ledger.episodes.get(episode.slug)
    if known is not None and episode.extra.get("guid") in (None, known):  # a recycled slug pins a GUID of its own
        log.warning("episodes/%s: its transcript is missing; it stays in the feed, as it was published before, but "
                    "without transcript links. Run 'sofacast transcribe %s' to make it again, or set draft = false "
                    "in its episode.toml to publish it without one", slug, slug)
        return False
    log.warning("episodes/%s: held back — no transcript yet; run 'sofacast transcribe %s', or set draft = false in its "
                "episode.toml to publish it without one", slug, slug)
    return True


def topic_index(workspace: Workspace, show: Show, episodes: list[Episode],
                texts: dict[str, str] | None = None) -> TopicIndex:
    """The episodes' topics, in publication order, for each one's related episodes. The show's people are left out
    of every episode; each episode's guests and hosts from that episode on (so older notes stay as they were).
    `texts`: the transcripts' text by slug, when the caller has read them already."""
    documents = {}
    for episode in episodes:
        if texts is not None and episode.slug in texts:
            documents[episode.slug] = texts[episode.slug]
            continue
        transcript = transcript_or_none(workspace, episode.slug, with_words=False)
        if transcript is not None:
            documents[episode.slug] = " ".join(segment.text for segment in transcript.segments)
        else:
            documents[episode.slug] = f"{episode.title} {episode.description}"
    episode_people = {e.slug: [person.name for person in (*e.guests, *e.hosts)] for e in episodes}
    return TopicIndex(documents, ignore={show.title}, people=[*show.hosts, *show.people],
                      episode_people=episode_people, language=show.language)


def expectations(settings: FeedSettings, ledger: GuidLedger, episodes: list[PublishedEpisode],
                 known_podcast_guid: str | None) -> Expected:
    return Expected(feed_url=settings.feed_url, show_page=settings.show_page, podcast_guid=known_podcast_guid,
                    enclosure_sizes={e.enclosure_url: e.enclosure_length for e in episodes}, artwork=settings.artwork,
                    episode_names={guid: slug for slug, guid in ledger.episodes.items()})


def _item_findings(findings: list[Finding]) -> tuple[list[Finding], dict[str, list[Finding]]]:
    """The channel's findings, and each episode's (by slug)."""
    channel: list[Finding] = []
    items: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.where.startswith("episode "):
            items.setdefault(finding.where.removeprefix("episode "), []).append(finding)
        else:
            channel.append(finding)
    return channel, items


def _first_of(findings: list[Finding]) -> str:
    return findings[0].line() + (f" (and {len(findings) - 1} more)" if len(findings) > 1 else "")


def _refuse(findings: list[Finding], target: Path) -> FeedError:
    return FeedError(f"the new feed is invalid, {_first_of(findings)}",
                     f"Fix that, then run sofacast feed again; {target.name} was left as it was. "
                     "'sofacast validate' lists every finding.")


def _as_failure(findings: list[Finding]) -> FeedError:
    return FeedError(_first_of(findings), "Fix it and run sofacast feed again ('sofacast validate' lists every finding).")


@dataclass
class Assembly:
    """A feed made in memory from the workspace, before anything is left out of it or written."""

    document: bytes
    findings: list[Finding]  # what the document breaks: the channel's rules and the items'
    episodes: list[Episode]  # the episodes meant to be in it
    published: list[PublishedEpisode]  # their items, for the ones that could be made
    failures: list[tuple[str, SofacastError]]  # the episodes that could not be made (or read)
    ledger: GuidLedger  # with the GUIDs handed out to new episodes (saved only when the feed is written)
    known_guids: dict[str, str]  # the GUIDs as they were before
    expected: Expected
    rebuild: Callable[[list[PublishedEpisode]], bytes]  # the same feed with other items


def assemble(workspace: Workspace, show: Show, settings: FeedSettings, publish: Publisher = publish_episode,
             on_progress: FeedProgress | None = None) -> Assembly:
    ledger = GuidLedger.load(workspace.feeds_dir)
    known_podcast_guid, known_guids = ledger.podcast, dict(ledger.episodes)
    podcast_guid = ledger.show_guid(settings.feed_url, settings.guid)
    episodes, failures = episodes_in_feed(workspace, ledger)
    published = _publish_each(workspace, show, settings, ledger, episodes, failures, on_progress, publish)
    image_url = public_url(show, settings.artwork, workspace.root) if settings.artwork else show.image_url
    expected = expectations(settings, ledger, published, known_podcast_guid)
    rebuild = functools.partial(build_feed, show, settings, podcast_guid, image_url)
    document = rebuild(published)
    return Assembly(document, validate_feed(document, expected), episodes, published, failures, ledger, known_guids,
                    expected, rebuild)


def build_and_check(workspace: Workspace, on_progress: FeedProgress | None = None) -> FeedBuild:
    show = workspace.show()
    made = assemble(workspace, show, feed_settings(show, workspace.root), publish_episode, on_progress)
    channel, items = _item_findings(made.findings)
    if channel:
        raise _refuse(channel, feed_path(workspace))
    published, failures, document = made.published, made.failures, made.document
    if items:  # an episode whose item breaks a rule is left out like any other failed episode
        failures += [(slug, _as_failure(found)) for slug, found in items.items()]
        for episode in published:
            if episode.slug in items:
                made.ledger.forget_changes(episode.slug, made.known_guids.get(episode.slug))
        published = [episode for episode in published if episode.slug not in items]
        document = made.rebuild(published)
    document, kept = _keep_earlier_items(workspace, document, made.ledger, failures, made.expected)
    if on_progress:
        on_progress(len(made.episodes), len(made.episodes), "Checking the feed")
    return FeedBuild(document, published, made.ledger, failures, kept)


def _publish_each(workspace: Workspace, show: Show, settings: FeedSettings, ledger: GuidLedger, episodes: list[Episode],
                  failures: list[tuple[str, SofacastError]], on_progress: FeedProgress | None,
                  publish: Publisher) -> list[PublishedEpisode]:
    index = topic_index(workspace, show, episodes) if settings.related else None
    context = EpisodeContext(workspace, show, settings)
    links = {e.slug: Link(e.title, episode_link(context, e)) for e in episodes}
    published = []
    for position, episode in enumerate(episodes):
        if on_progress:
            on_progress(position, len(episodes), f"Preparing {episode.slug}")
        shown_as_previous, closest = earlier_episodes(index, [e.slug for e in episodes], position, settings)
        previous = [links[slug] for slug in shown_as_previous]
        related = [Link(links[r.slug].title, links[r.slug].url, "shares: " + ", ".join(r.shared_terms)) for r in closest]
        before = ledger.episodes.get(episode.slug)
        try:
            guid = ledger.episode_guid(episode.slug, episode.extra.get("guid"))
            published.append(publish(context, episode, guid, previous, related))
        except SofacastError as exc:
            ledger.forget_changes(episode.slug, before)  # an episode that failed changes no GUID
            failures.append((episode.slug, exc))
    return published


def earlier_episodes(index: TopicIndex | None, slugs: list[str], position: int,
                     settings: FeedSettings) -> tuple[list[str], list[Related]]:
    """The episode at `position` (of `slugs`, in publication order)'s previous episodes, newest first, and the earlier
    ones closest in topic that are not among those: what its show notes link (and its page on the website)."""
    earlier = slugs[:position]
    shown_as_previous = earlier[-settings.previous:] if settings.previous else []
    not_previous = earlier[:len(earlier) - len(shown_as_previous)]  # related episodes repeat no previous one
    related = index.related(slugs[position], not_previous, limit=settings.related) if index else []
    return shown_as_previous[::-1], related


def _keep_earlier_items(workspace: Workspace, document: bytes, ledger: GuidLedger,
                        failures: list[tuple[str, SofacastError]], expected: Expected) -> tuple[bytes, list[str]]:
    """Put back the published item of every failed episode that had one, if it still passes the rules."""
    earlier = published_items(feed_path(workspace))
    keep = {slug: earlier[ledger.episodes[slug]] for slug, _ in failures if ledger.episodes.get(slug) in earlier}
    if not keep:
        return document, []
    document = with_items(document, list(keep.values()))
    _, items = _item_findings(validate_feed(document, expected))
    broken = {ledger.episodes[slug] for slug in keep if slug in items}
    return without_items(document, broken), [slug for slug in keep if ledger.episodes[slug] not in broken]


def write_feed(workspace: Workspace, on_progress: FeedProgress | None = None) -> FeedResult:
    """Build, check and write the feed; nothing at all when nothing it reads changed since the last clean build."""
    target = feed_path(workspace)
    settings = feed_settings(workspace.show(), workspace.root)
    before = build_record.snapshot(workspace, settings)
    last = build_record.last_clean_build(workspace, before)
    if last is not None:
        for line in last.warnings:
            log.warning("%s", line)
        return FeedResult(target, last.episodes, written=False)
    with atomic.recording_writes() as wrote, build_record.warnings_said() as warnings:
        build = build_and_check(workspace, on_progress)
        build.ledger.save()
        faults.checkpoint("feed:before-replace")
        written = atomic.write_bytes_if_changed(target, build.document)
    slugs = [episode.slug for episode in build.published]
    if build.failures:
        build_record.forget(workspace)
    else:
        build_record.save(workspace, before, wrote, settings, build_record.CleanBuild(slugs, warnings))
    return FeedResult(target, slugs, written, build.failures, build.kept)
