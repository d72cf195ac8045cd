"""GUIDs that never change once published: the show's podcast:guid and one GUID per episode.

podcast:guid is the UUIDv5 of the feed URL without scheme and trailing slashes, in the Podcasting
2.0 namespace (spec test vector: podnews.net/rss -> 9b024349-ccf0-5f69-a609-6b82873eab3c).
Both are computed once and then kept in `feeds/guids.json`, so moving the feed or the media,
renaming an episode or regenerating the feed never changes them. If that file is lost or damaged,
the GUIDs are read back from the published `feeds/feed.xml` — they are what podcast apps know — and
a damaged file is kept aside in `.sofacast/damaged/`, never overwritten.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from sofacast import atomic
from sofacast.errors import FeedError, WorkspaceError
from sofacast.feed.validate import xml_parser
from sofacast.jsonfile import MISSING, UnreadableJson, read_json

log = logging.getLogger(__name__)

PODCAST_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
LEDGER = "guids.json"
PUBLISHED_FEED = "feed.xml"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"


def podcast_guid(feed_url: str) -> str:
    bare = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(PODCAST_NAMESPACE, bare))


@dataclass
class GuidLedger:
    path: Path
    podcast: str | None = None
    episodes: dict[str, str] = field(default_factory=dict)
    damaged: bool = False  # the file on disk could not be read: keep it aside before writing a new one

    @classmethod
    def load(cls, feeds_dir: Path) -> GuidLedger:
        path = feeds_dir / LEDGER
        try:
            data = read_json(path)
        except UnreadableJson as exc:
            return _recovered(path, feeds_dir / PUBLISHED_FEED, reason=exc.reason)
        if data is MISSING:
            return _recovered(path, feeds_dir / PUBLISHED_FEED, reason=None)
        podcast, episodes = (data.get("podcast"), data.get("episodes", {})) if isinstance(data, dict) else (None, None)
        if not (podcast is None or isinstance(podcast, str)) or not isinstance(episodes, dict) \
                or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in episodes.items()):
            return _recovered(path, feeds_dir / PUBLISHED_FEED, reason="not a GUID ledger")
        return cls(path, podcast, dict(episodes))

    def show_guid(self, feed_url: str, fixed: str | None = None) -> str:
        if fixed:
            self.podcast = fixed
        elif not self.podcast:
            self.podcast = podcast_guid(feed_url)
        return self.podcast

    def episode_guid(self, slug: str, fixed: str | None = None) -> str:
        """The episode's GUID: `fixed` (from episode.toml) if given, else the one first handed out."""
        if fixed:
            holder = next((other for other, guid in self.episodes.items() if guid == fixed and other != slug), None)
            if holder:
                raise FeedError(f"episode {slug}: guid: {fixed} is already the GUID of episode {holder}",
                                "Every episode needs a GUID of its own: remove guid from this episode.toml, or pin another.")
            self.episodes[slug] = fixed
        elif slug not in self.episodes:
            self.episodes[slug] = str(uuid.uuid5(uuid.UUID(self.podcast or str(PODCAST_NAMESPACE)), slug))
        return self.episodes[slug]

    def forget_changes(self, slug: str, before: str | None) -> None:
        """Undo what handing out `slug`'s GUID changed (its episode could not be published after all)."""
        if before is None:
            self.episodes.pop(slug, None)
        else:
            self.episodes[slug] = before

    def save(self) -> None:
        data = {"podcast": self.podcast, "episodes": dict(sorted(self.episodes.items()))}
        if self.damaged and self.path.is_file():
            aside = atomic.keep_aside(self.path, self.path.parent.parent)
            log.warning("the damaged %s is kept as %s", self.path.name, aside)
            self.damaged = False
        atomic.write_text_if_changed(self.path, json.dumps(data, indent=1) + "\n")


def _recovered(path: Path, feed: Path, reason: str | None) -> GuidLedger:
    """A ledger read back from the published feed (when guids.json is gone or damaged)."""
    podcast, episodes = guids_in_feed(feed)
    if reason is None:
        if podcast:
            log.warning("%s is missing; the GUIDs were read back from %s", path.name, feed.name)
        return GuidLedger(path, podcast, episodes)
    if not podcast:
        raise WorkspaceError(f"{path} is damaged ({reason}) and there is no published feed to recover its GUIDs from",
                             "Restore it from a backup; if this show was never published, delete it.")
    log.warning("%s is damaged (%s); the GUIDs were read back from %s", path.name, reason, feed.name)
    return GuidLedger(path, podcast, episodes, damaged=True)


def guids_in_feed(feed: Path) -> tuple[str | None, dict[str, str]]:
    """The show GUID and slug -> item GUID of a feed sofacast published (items found by their episode URLs)."""
    try:
        root = etree.parse(str(feed), xml_parser()).getroot()
    except (OSError, etree.XMLSyntaxError):
        return None, {}
    channel = root.find("channel")
    if channel is None:
        return None, {}
    podcast = (channel.findtext(f"{{{PODCAST_NS}}}guid") or "").strip() or None
    episodes = {}
    for item in channel.findall("item"):
        guid = (item.findtext("guid") or "").strip()
        slug = _slug_in(item)
        if guid and slug:
            episodes[slug] = guid
    return podcast, episodes


def _slug_in(item: etree._Element) -> str | None:
    """The slug in the item's episode URLs: base_url + episodes/<slug>/<file>."""
    enclosure = item.find("enclosure")
    for url in (enclosure.get("url", "") if enclosure is not None else "", item.findtext("link") or ""):
        parts = [unquote(p) for p in urlsplit(url.strip()).path.split("/")]
        for index in range(len(parts) - 3, -1, -1):
            if parts[index] == "episodes" and parts[index + 1]:
                return parts[index + 1]
    return None
