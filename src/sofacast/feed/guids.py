"""GUIDs that never change once published: the show's podcast:guid and one GUID per episode.

podcast:guid is the UUIDv5 of the feed URL without scheme and trailing slashes, in the Podcasting
2.0 namespace (spec test vector: podnews.net/rss -> 9b024349-ccf0-5f69-a609-6b82873eab3c).
Both are computed once and then kept in `feeds/guids.json`, so moving the feed or the media,
renaming an episode or regenerating the feed never changes them.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sofacast import atomic
from sofacast.errors import WorkspaceError

PODCAST_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
LEDGER = "guids.json"


def podcast_guid(feed_url: str) -> str:
    bare = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(PODCAST_NAMESPACE, bare))


@dataclass
class GuidLedger:
    path: Path
    podcast: str | None = None
    episodes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, feeds_dir: Path) -> GuidLedger:
        path = feeds_dir / LEDGER
        if not path.is_file():
            return cls(path)
        try:
            data = json.loads(path.read_text("utf-8"))
            return cls(path, data.get("podcast"), dict(data.get("episodes", {})))
        except (OSError, ValueError, AttributeError) as exc:
            raise WorkspaceError(f"{path} is damaged ({exc})",
                                 "Restore it from a backup: it holds the GUIDs podcast apps already know.") from exc

    def show_guid(self, feed_url: str, fixed: str | None = None) -> str:
        if fixed:
            self.podcast = fixed
        elif not self.podcast:
            self.podcast = podcast_guid(feed_url)
        return self.podcast

    def episode_guid(self, slug: str, fixed: str | None = None) -> str:
        """The episode's GUID: `fixed` (from episode.toml) if given, else the one first handed out."""
        if fixed:
            self.episodes[slug] = fixed
        elif slug not in self.episodes:
            self.episodes[slug] = str(uuid.uuid5(uuid.UUID(self.podcast or str(PODCAST_NAMESPACE)), slug))
        return self.episodes[slug]

    def save(self) -> None:
        data = {"podcast": self.podcast, "episodes": dict(sorted(self.episodes.items()))}
        atomic.write_text_if_changed(self.path, json.dumps(data, indent=1) + "\n")
