"""`sofacast validate`: the feed checks, run on a feed already written."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from sofacast.errors import FeedError
from sofacast.feed.apple import AUDIO_TYPES
from sofacast.feed.guids import GuidLedger
from sofacast.feed.publish import feed_path
from sofacast.feed.settings import feed_settings, public_url
from sofacast.feed.validate import Expected, Finding, validate_feed
from sofacast.records import Show
from sofacast.workspace import Workspace


def local_enclosure_sizes(workspace: Workspace, show: Show) -> dict[str, int]:
    """URL -> size of every audio file in episodes/, as the feed would link it."""
    sizes = {}
    for path in workspace.episodes_dir.glob("*/*"):
        if path.suffix.lower() in AUDIO_TYPES and not path.name.startswith("."):
            sizes[public_url(show, path, workspace.root)] = path.stat().st_size
    return sizes


def workspace_expectations(workspace: Workspace) -> Expected:
    """What this workspace's published feed must say: its URLs, GUIDs, file sizes and artwork."""
    show = workspace.show()
    settings = feed_settings(show, workspace.root)
    ledger = GuidLedger.load(workspace.feeds_dir)
    return Expected(feed_url=settings.feed_url, show_page=settings.show_page, podcast_guid=ledger.podcast,
                    enclosure_sizes=local_enclosure_sizes(workspace, show), artwork=settings.artwork,
                    episode_names={guid: slug for slug, guid in ledger.episodes.items()})


def check_published_feed(workspace: Workspace, file: Path | None = None) -> tuple[Path, list[Finding], int]:
    path = file or feed_path(workspace)
    if not path.is_file():
        raise FeedError(f"no feed at {path}", "Run 'sofacast feed' first, or name a feed file.")
    document = path.read_bytes()
    # A feed file from elsewhere is checked against the rules only, not this workspace's facts.
    findings = validate_feed(document, workspace_expectations(workspace) if file is None else Expected())
    try:
        items = len(etree.fromstring(document).findall("channel/item"))
    except etree.XMLSyntaxError:
        items = 0
    return path, findings, items
