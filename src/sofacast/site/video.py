"""The source video of an episode, as an episode page may offer it.

The page asks no other server for anything, so the video is a link to its page until the listener asks to play it
here; only then does the script put the host's player (its privacy-enhanced one, where it has one) in its place.
Only hosts whose player address can be built from a checked id are offered: the address never comes from outside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from sofacast.sanitize import safe_url

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}


@dataclass(frozen=True)
class SourceVideo:
    host: str  # the service's name, for people
    page: str  # the video's own page (the link without JavaScript)
    player: str  # the address of the service's embeddable player


def source_video(source_url: str) -> SourceVideo | None:
    """The video behind an episode's source_url, when it is on YouTube or Vimeo; else None."""
    page = safe_url(source_url)
    if page is None:
        return None
    parts = urlsplit(page)
    host = (parts.hostname or "").lower()
    youtube = _youtube_id(host, parts.path, parts.query)
    if youtube:
        return SourceVideo("YouTube", page, f"https://www.youtube-nocookie.com/embed/{youtube}")
    vimeo = re.fullmatch(r"/(\d{1,12})/?", parts.path) if host in {"vimeo.com", "www.vimeo.com"} else None
    if vimeo:
        return SourceVideo("Vimeo", page, f"https://player.vimeo.com/video/{vimeo.group(1)}?dnt=1")
    return None


def _youtube_id(host: str, path: str, query: str) -> str | None:
    if host == "youtu.be":
        found = path.strip("/")
    elif host in _YOUTUBE_HOSTS and path.rstrip("/") == "/watch":
        found = parse_qs(query).get("v", [""])[0]
    elif host in _YOUTUBE_HOSTS:
        found = re.sub(r"^/(?:live|shorts|embed)/", "", path).strip("/")
    else:
        return None
    return found if _YOUTUBE_ID.fullmatch(found) else None
