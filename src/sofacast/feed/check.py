"""`sofacast validate`: the feed checks, run on a feed already written."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from sofacast.addresses import base_url, public_url
from sofacast.errors import FeedError, SofacastError
from sofacast.feed.apple import AUDIO_TYPES
from sofacast.feed.guids import GuidLedger
from sofacast.feed.settings import feed_settings
from sofacast.feed.validate import Expected, Finding, validate_feed, xml_parser
from sofacast.feed.write import feed_path
from sofacast.records import Show
from sofacast.sanitize import safe_url
from sofacast.workspace import Workspace


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
    return Expected(feed_url=settings.feed_url, show_page=settings.show_page, podcast_guid=ledger.podcast,
                    enclosure_sizes=local_enclosure_sizes(workspace, show), served_from=base_url(show),
                    artwork=settings.artwork, episode_names={guid: slug for slug, guid in ledger.episodes.items()})


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


def check_published_feed(workspace: Workspace, file: Path | None = None) -> tuple[Path, list[Finding], int]:
    path = file or feed_path(workspace)
    if not path.is_file():
        raise FeedError(f"no feed at {path}", "Run 'sofacast feed' first, or name a feed file.")
    try:
        document = path.read_bytes()
    except OSError as exc:
        raise FeedError(f"cannot read {path} ({exc.strerror or exc})", "Check the file's permissions.") from exc
    # A feed file from elsewhere is checked against the rules only, not this workspace's facts.
    if file is None:
        show = workspace.show()
        findings = validate_feed(document, workspace_expectations(workspace, show)) + workspace_findings(workspace, show)
    else:
        findings = validate_feed(document, Expected())
    try:
        items = len(etree.fromstring(document, xml_parser()).findall("channel/item"))
    except etree.XMLSyntaxError:
        items = 0
    return path, findings, items
