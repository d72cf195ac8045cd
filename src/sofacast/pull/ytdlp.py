"""The one module that talks to yt-dlp: list what a URL holds, download one entry's audio."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sofacast.errors import SourceError
from sofacast.media.ffmpeg import ffmpeg_exe

# (bytes done, bytes expected or None)
DownloadProgress = Callable[[int, int | None], None]

# Metadata an RSS item (a flat playlist entry) knows better than the media file it links to.
_ENTRY_FIELDS = ("title", "description", "timestamp", "upload_date", "release_date", "duration", "thumbnail")


@dataclass(frozen=True)
class RemoteEntry:
    url: str
    metadata: dict[str, Any]


@dataclass(frozen=True)
class Download:
    path: Path | None  # None when the download archive says it was pulled before
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


def _base_options() -> dict[str, Any]:
    return {
        "quiet": True, "no_warnings": True, "noprogress": True, "logger": _QuietLogger(),
        "socket_timeout": 20, "retries": 2, "ffmpeg_location": ffmpeg_exe(), "noplaylist": False,
    }


def list_entries(source: str) -> list[RemoteEntry]:
    """The episodes behind a URL: one for a page or media link, many for a feed or playlist."""
    import yt_dlp

    with yt_dlp.YoutubeDL({**_base_options(), "extract_flat": "in_playlist"}) as ydl:
        try:
            info = ydl.extract_info(source, download=False)
        except yt_dlp.utils.DownloadError as exc:
            raise _source_error(source, exc) from exc
    if info is None:
        raise SourceError(f"no media found at {source}", "Point to a page with audio or video, a direct media link, or an RSS feed.")
    if info.get("_type") in ("playlist", "multi_video"):
        entries = [e for e in info.get("entries") or [] if e]
        if not entries:
            raise SourceError(f"{source} lists no episodes", "Check that the feed or playlist has items with media enclosures.")
        return [RemoteEntry(url=e.get("url") or e.get("webpage_url"), metadata=_entry_metadata(e)) for e in entries]
    return [RemoteEntry(url=source, metadata={})]


def _entry_metadata(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: entry[key] for key in _ENTRY_FIELDS if entry.get(key)}


def download_audio(url: str, folder: Path, archive: Path, use_archive: bool, on_progress: DownloadProgress | None) -> Download:
    """Download the best audio (or the whole file when only video exists) of one entry into `folder`."""
    import yt_dlp

    def hook(status: dict[str, Any]) -> None:
        if on_progress and status.get("status") in ("downloading", "finished"):
            total = status.get("total_bytes") or status.get("total_bytes_estimate")
            on_progress(int(status.get("downloaded_bytes") or 0), int(total) if total else None)

    options = {
        **_base_options(), "format": "bestaudio/best", "outtmpl": str(folder / "download.%(ext)s"),
        "progress_hooks": [hook], "noplaylist": True,
    }
    archive_keeper = yt_dlp.YoutubeDL({**_base_options(), "download_archive": str(archive)})
    with yt_dlp.YoutubeDL(options) as ydl:
        try:
            info = ydl.extract_info(url, download=False)
            if use_archive and archive_keeper.in_download_archive(info):
                return Download(None, info)
            info = ydl.process_ie_result(info, download=True)
        except yt_dlp.utils.DownloadError as exc:
            raise _source_error(url, exc) from exc
    downloads = info.get("requested_downloads") or []
    if not downloads or not Path(downloads[0]["filepath"]).is_file():
        raise SourceError(f"yt-dlp downloaded nothing from {url}", "Open the URL in a browser to check it plays.")
    if not archive_keeper.in_download_archive(info):
        archive_keeper.record_download_archive(info)
    return Download(Path(downloads[0]["filepath"]), info)


def _source_error(source: str, exc: Exception) -> SourceError:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).replace("ERROR: ", "")
    if "Unsupported URL" in text or "No video formats found" in text or "no suitable" in text.lower():
        return SourceError(f"no media found at {source}", "Point to a page with audio or video, a direct media link, or an RSS feed.")
    if re.search(r"HTTP Error 4\d\d", text):
        status = re.search(r"HTTP Error (\d+)[^;:]*", text)
        return SourceError(f"{source} answered {status.group(0) if status else 'an HTTP error'}", "Check the URL is right and public.")
    if re.search(r"Errno|urlopen error|timed out|Connection|resolve|Name or service", text):
        return SourceError(f"cannot reach {source}", "Check the URL and your network connection, then try again.")
    first_line = text.strip().splitlines()[0] if text.strip() else "unknown error"
    return SourceError(f"cannot pull {source}: {first_line[:200]}", "Check the URL opens in a browser; update yt-dlp if the site changed.")
