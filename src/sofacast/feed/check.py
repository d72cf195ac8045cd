"""`sofacast validate`: every finding in the feed that `feed` would write (built in memory, writing nothing), in
the feed already published, and in the workspace files they are made from; or the rules alone, on any feed file."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from sofacast.addresses import base_url, public_url
from sofacast.errors import FeedError, SofacastError, WorkspaceError
from sofacast.feed.apple import AUDIO_TYPES
from sofacast.feed.build import PublishedEpisode
from sofacast.feed.episodes import EpisodeContext, publish_episode
from sofacast.feed.guids import GuidLedger
from sofacast.feed.settings import feed_settings
from sofacast.feed.show_rules import setting_findings
from sofacast.feed.validate import Expected, Finding, validate_feed, xml_parser
from sofacast.feed.write import assemble, feed_path
from sofacast.records import Episode, Show
from sofacast.sanitize import safe_url
from sofacast.shownotes.render import Link
from sofacast.workspace import Workspace

# Stands in for a base_url that is missing or wrong (and reported), so that everything else can still be checked.
PLACEHOLDER_BASE_URL = "https://base-url.invalid/"
FILE_SETTINGS = ("artwork", "intro", "outro")  # [feed] settings that name a file in the workspace


@dataclass
class Validation:
    path: Path  # the feed file checked, or where `feed` would write it
    findings: list[Finding]
    episodes: int  # items in the feed checked (the published one, else the one `feed` would write)
    written: bool  # False: nothing published yet; the findings are of the feed `feed` would write


def local_enclosure_sizes(workspace: Workspace, show: Show) -> dict[str, int]:
    """URL -> size of every audio file in episodes/, as the feed would link it."""
    sizes = {}
    for path in workspace.episodes_dir.glob("*/*"):
        if path.suffix.lower() in AUDIO_TYPES and not path.name.startswith(".") and path.is_file() \
                and path.resolve().is_relative_to(workspace.root):
            sizes[public_url(show, path, workspace.root)] = path.stat().st_size
    return sizes


def workspace_expectations(workspace: Workspace, show: Show) -> Expected:
    """What this workspace's published feed must say: its URLs, GUIDs, file sizes and artwork."""
    settings = feed_settings(show, workspace.root)
    ledger = GuidLedger.load(workspace.feeds_dir)
    expected = Expected(feed_url=settings.feed_url, show_page=settings.show_page, podcast_guid=ledger.podcast,
                        enclosure_sizes=local_enclosure_sizes(workspace, show), served_from=base_url(show),
                        artwork=settings.artwork, episode_names={guid: slug for slug, guid in ledger.episodes.items()})
    if show.base_url == PLACEHOLDER_BASE_URL:  # the real one is wrong (and reported): no address can be compared
        expected = replace(expected, feed_url=None, show_page=None, served_from=None, enclosure_sizes={})
    return expected


def _dropped_link(where: str, field: str, value: str) -> list[Finding]:
    if value and safe_url(value) is None:
        return [Finding(where, field, f"{value[:60]!r} is not an http(s) link, so it is left out of the feed and show notes")]
    return []


def workspace_findings(workspace: Workspace, show: Show) -> list[Finding]:
    """What in the workspace's own files keeps something out of the feed: unusable links, unreadable episodes."""
    findings = _dropped_link("sofacast.toml", "image_url", show.image_url)
    findings += _dropped_link("sofacast.toml", "feed.link", str(show.feed.get("link", "")))
    for slug in workspace.slugs():
        where = f"episode {slug}"
        try:
            episode = workspace.load_episode(slug)
        except SofacastError as exc:
            findings.append(Finding(where, "episode.toml", exc.one_line()))
            continue
        for number, guest in enumerate(episode.guests):
            findings += _dropped_link(where, f"guests[{number}].url", guest.url)
        findings += _dropped_link(where, "thumbnail", episode.thumbnail)
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", episode.source_url) and not re.match(r"^[A-Za-z]:[\\/]", episode.source_url):
            findings += _dropped_link(where, "source_url", episode.source_url)  # a URL, not a local path
    return findings


def usable_show(workspace: Workspace, show: Show) -> tuple[Show, list[Finding]]:
    """What sofacast.toml says wrong (every setting, not the first), and the show without it, to check the rest with:
    stand-ins for a wrong base_url and for artwork that is not there, and no other [feed] file that is not."""
    findings = setting_findings(show)
    usable = show if safe_url(show.base_url) else replace(show, base_url=PLACEHOLDER_BASE_URL)
    table = dict(show.feed)
    for key in FILE_SETTINGS:
        if table.get(key):
            try:
                feed_settings(replace(usable, feed={key: table[key]}), workspace.root)
            except WorkspaceError as exc:
                findings.append(Finding("sofacast.toml", f"feed.{key}", exc.one_line().removeprefix("sofacast.toml [feed]: ")))
                del table[key]
    if "artwork" in show.feed and "artwork" not in table and not usable.image_url:  # reported: not the feed's fault too
        usable = replace(usable, image_url=PLACEHOLDER_BASE_URL + "artwork.png")
    return replace(usable, feed=table), findings


def preview_episode(context: EpisodeContext, episode: Episode, guid: str, previous: list[Link],
                    related: list[Link]) -> PublishedEpisode:
    """The item `publish_episode` would make, from the files as they are, writing none."""
    return publish_episode(context, episode, guid, previous, related, write=False)


def preview_findings(workspace: Workspace, show: Show) -> tuple[list[Finding], int]:
    """Every finding in the feed `feed` would write now, and how many episodes it would hold; nothing is written."""
    try:
        settings = feed_settings(show, workspace.root)
    except WorkspaceError as exc:  # a setting of sofacast.toml that usable_show does not know how to leave out
        return [Finding("sofacast.toml", "", exc.one_line())], 0
    made = assemble(workspace, show, replace(settings, related=0), preview_episode)  # topic links change no rule's outcome
    failures = [Finding(f"episode {slug}", "", exc.one_line().removeprefix(f"episode {slug}: ")) for slug, exc in made.failures]
    return made.findings + failures, len(made.published)


def check_workspace_feed(workspace: Workspace) -> Validation:
    """The feed `feed` would write, the published one (if any), and the workspace's own files, every finding once."""
    show, findings = usable_show(workspace, workspace.show())
    own = workspace_findings(workspace, show)
    unreadable = {f.where for f in own if f.field == "episode.toml"}
    previewed, count = preview_findings(workspace, show)
    findings += [f for f in previewed if not (f.field == "" and f.where in unreadable)]  # in `own`, said once
    path = feed_path(workspace)
    if path.is_file():
        document = _read(path)
        try:
            expected = workspace_expectations(workspace, show)
        except WorkspaceError:  # a setting the preview has reported: the published feed is checked by the rules alone
            expected = Expected()
        findings += validate_feed(document, expected)
        count = _item_count(document)
    return Validation(path, list(dict.fromkeys(findings + own)), count, path.is_file())


def check_feed_file(path: Path) -> Validation:
    """A feed file from anywhere, against the rules alone (not any workspace's facts)."""
    if not path.is_file():
        raise FeedError(f"no feed at {path}", "Name a feed file, or leave it out to check the workspace's feed.")
    document = _read(path)
    return Validation(path, validate_feed(document, Expected()), _item_count(document), True)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FeedError(f"cannot read {path} ({exc.strerror or exc})", "Check the file's permissions.") from exc


def _item_count(document: bytes) -> int:
    try:
        return len(etree.fromstring(document, xml_parser()).findall("channel/item"))
    except etree.XMLSyntaxError:
        return 0
