"""The one module that talks to yt-dlp: list what a URL holds, resolve and download one entry, keep the archive."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sofacast.errors import SourceError
from sofacast.media.ffmpeg import ffmpeg_exe
from sofacast.pull.facts import SourceFacts, iso_from_timestamp
from sofacast.sanitize import html_to_text, safe_url, title_text

# (bytes done, bytes expected or None)
DownloadProgress = Callable[[int, int | None], None]
TIMEOUT_ENV = "SOFACAST_SOCKET_TIMEOUT"
NO_MEDIA_FIX = "Point to a page with audio or video, a direct media link, or an RSS feed."



@dataclass(frozen=True)
class RemoteEntry:
    url: str  # as the source gives it: what sofacast records and shows
    facts: SourceFacts
    fetch_url: str = ""  # as yt-dlp wants it back (it may carry smuggled data such as the item's GUID)


@dataclass(frozen=True)
class Fetched:
    """The start of what a URL answers (a feed, a page, or the first bytes of a media file)."""

    url: str  # after redirects
    content_type: str  # lower case, without parameters
    charset: str  # as the server says, or ""
    body: bytes
    complete: bool  # False: the answer was longer than asked for, and cut


@dataclass(frozen=True)
class Resolved:
    """One entry's media as yt-dlp resolved it, before anything is downloaded."""

    url: str
    info: dict[str, Any]


class _QuietLogger:
    """yt-dlp reports through us, so its messages never garble the CLI's progress display."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def debug(self, msg: str) -> None:
        pass

    def info(self, msg: str) -> None:
        pass

    def warning(self, msg: str) -> None:
        pass

    def error(self, msg: str) -> None:
        self.errors.append(msg)


def _timeout() -> float:
    try:
        return max(1.0, float(os.environ.get(TIMEOUT_ENV, "20")))
    except ValueError:
        return 20.0


def _base_options() -> dict[str, Any]:
    return {
        "quiet": True, "no_warnings": True, "noprogress": True, "logger": _QuietLogger(),
        "socket_timeout": _timeout(), "retries": 2, "ffmpeg_location": ffmpeg_exe(), "noplaylist": False,
    }


def plain_url(url: str) -> str:
    """`url` without the data yt-dlp smuggles into its fragment (#__youtubedl_smuggle=…), however malformed."""
    return re.sub(r"#__youtubedl_smuggle=.*$", "", url, flags=re.DOTALL)


def list_entries(source: str) -> list[RemoteEntry]:
    """The episodes behind a URL: one for a page or media link, many for a feed or playlist."""
    import yt_dlp

    with yt_dlp.YoutubeDL({**_base_options(), "extract_flat": "in_playlist"}) as ydl:
        try:
            info = ydl.extract_info(source, download=False)
        except Exception as exc:  # yt-dlp reads hostile pages: whatever it raises becomes one line
            raise _source_error(source, exc) from exc
    if info is None:
        raise SourceError(f"no media found at {source}", NO_MEDIA_FIX)
    if info.get("_type") in ("playlist", "multi_video"):
        entries = [e for e in info.get("entries") or [] if e]
        if not entries:
            raise SourceError(f"{source} lists no episodes", "Check that the feed or playlist has items with media enclosures.")
        return [_entry(e) for e in entries]
    return [RemoteEntry(url=source, facts=SourceFacts(), fetch_url=source)]


def only_generic(url: str) -> bool:
    """True when no site-specific yt-dlp extractor knows the URL: sofacast then reads the feed or page itself."""
    from yt_dlp.extractor import gen_extractor_classes

    return not any(ie.suitable(url) for ie in gen_extractor_classes() if ie.IE_NAME != "generic")


def fetch(url: str, limit: int) -> Fetched:
    """GET `url` through yt-dlp's HTTP stack (its proxy, cookie and timeout settings), reading at most `limit` bytes."""
    import yt_dlp

    with yt_dlp.YoutubeDL(_base_options()) as ydl:
        try:
            with ydl.urlopen(url) as response:
                body = response.read(limit + 1)
                final = str(response.url or url)
                kind = str(response.headers.get("Content-Type") or "")
        except Exception as exc:  # a hostile or broken server: whatever the HTTP stack raises becomes one line
            raise _source_error(url, exc) from exc
    charset = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_.:-]{1,40})", kind)
    return Fetched(final, kind.split(";")[0].strip().lower(), charset.group(1) if charset else "", body[:limit],
                   len(body) <= limit)


def facts(info: dict[str, Any]) -> SourceFacts:
    """What a yt-dlp info dict (a playlist entry's, or a resolved page's) says about the episode."""
    published, origin = _published(info)
    duration = info.get("duration")
    return SourceFacts(
        title=title_text(info.get("title")), description=html_to_text(info.get("description")),
        published=published, published_from=origin,
        duration=float(duration) if isinstance(duration, (int, float)) and 0 <= duration < 1e7 else None,
        thumbnail=safe_url(info.get("thumbnail")) or "",
    )


def _published(info: dict[str, Any]) -> tuple[str, str]:
    moment = iso_from_timestamp(info.get("timestamp"))
    if moment:
        # yt-dlp's generic extractors date a media link or a page by the server's Last-Modified header.
        generic = info.get("extractor_key") in ("Generic", "HTML5MediaEmbed")
        return moment, "the server's Last-Modified date" if generic else "the site's timestamp"
    for key in ("release_date", "upload_date"):
        value = str(info.get(key) or "")
        if len(value) == 8 and value.isdigit():
            try:
                return datetime.strptime(value, "%Y%m%d").date().isoformat(), f"the site's {key.replace('_', ' ')}"
            except ValueError:
                continue
    return "", ""


def with_guid(media_url: str, guid: str) -> str:
    """A feed item's media URL carrying its GUID, as yt-dlp's own feed reader passes it (its archive keys on it)."""
    from yt_dlp.utils import smuggle_url

    return smuggle_url(media_url, {"force_videoid": guid}) if guid else media_url


def _entry(entry: dict[str, Any]) -> RemoteEntry:
    fetch = str(entry.get("url") or entry.get("webpage_url") or "")
    return RemoteEntry(url=plain_url(fetch), facts=facts(entry), fetch_url=fetch)


def resolve(entry: RemoteEntry) -> Resolved:
    """What the entry's URL holds (formats, metadata), without downloading it."""
    import yt_dlp

    with yt_dlp.YoutubeDL({**_base_options(), "format": "bestaudio/best", "noplaylist": True}) as ydl:
        try:
            info = ydl.extract_info(entry.fetch_url or entry.url, download=False, process=True)
        except Exception as exc:  # as in list_entries
            raise _source_error(entry.url, exc) from exc
    if not info:
        raise SourceError(f"no media found at {entry.url}", "Open the URL in a browser to check it plays.")
    return Resolved(entry.url, info)


def download(resolved: Resolved, folder: Path, on_progress: DownloadProgress | None) -> Path:
    """Download the best audio (or the whole file when only video exists) into `folder`."""
    import yt_dlp

    def hook(status: dict[str, Any]) -> None:
        if on_progress and status.get("status") in ("downloading", "finished"):
            total = status.get("total_bytes") or status.get("total_bytes_estimate")
            on_progress(int(status.get("downloaded_bytes") or 0), int(total) if total else None)

    options = {**_base_options(), "format": "bestaudio/best", "outtmpl": str(folder / "download.%(ext)s"),
               "progress_hooks": [hook], "noplaylist": True, "paths": {"home": str(folder), "temp": str(folder)}}
    with yt_dlp.YoutubeDL(options) as ydl:
        try:
            info = ydl.process_ie_result(dict(resolved.info), download=True)
        except Exception as exc:  # as in list_entries
            raise _source_error(resolved.url, exc) from exc
    downloads = info.get("requested_downloads") or []
    path = Path(downloads[0]["filepath"]) if downloads else None
    if path is None or not path.is_file() or not path.resolve().is_relative_to(folder.resolve()):
        raise SourceError(f"yt-dlp downloaded nothing from {resolved.url}", "Open the URL in a browser to check it plays.")
    return path


def in_archive(archive: Path, resolved: Resolved) -> bool:
    import yt_dlp

    with yt_dlp.YoutubeDL({**_base_options(), "download_archive": str(archive)}) as keeper:
        return bool(keeper.in_download_archive(resolved.info))


def record_in_archive(archive: Path, resolved: Resolved) -> None:
    """Note an entry as pulled: only once its episode is in place, so a failed or killed pull is tried again."""
    import yt_dlp

    with yt_dlp.YoutubeDL({**_base_options(), "download_archive": str(archive)}) as keeper:
        if not keeper.in_download_archive(resolved.info):
            keeper.record_download_archive(resolved.info)


def _source_error(source: str, exc: Exception) -> SourceError:
    source = plain_url(source)
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).replace("ERROR: ", "")
    text = re.sub(r"#__youtubedl_smuggle=\S*", "", text)
    if "Unsupported URL" in text or "No video formats found" in text or "no suitable" in text.lower():
        return SourceError(f"no media found at {source}", NO_MEDIA_FIX)
    if re.search(r"HTTP Error 4\d\d", text):
        status = re.search(r"HTTP Error (\d+)[^;:]*", text)
        answer = status.group(0) if status else "an HTTP error"
        return SourceError(f"{source} answered {answer}", "Check the URL is right and public.")
    if re.search(r"No connection adapters|Unsupported URL scheme|unsafe|file:// URLs", text):
        return SourceError(f"{source} leads to something that is not an http(s) address", "Only http(s) media is pulled.")
    if re.search(r"Errno|urlopen error|timed out|Connection|resolve|Name or service|Read timed out", text):
        return SourceError(f"cannot reach {source}", "Check the URL and your network connection, then try again.")
    first_line = text.strip().splitlines()[0] if text.strip() else "unknown error"
    return SourceError(f"cannot pull {source}: {first_line[:200]}",
                       "Check the URL opens in a browser; update yt-dlp if the site changed.")
