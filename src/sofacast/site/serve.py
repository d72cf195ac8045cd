"""`sofacast site --serve`: preview the site on 127.0.0.1, with HTTP range requests.

Python's http.server answers every request with the whole file; browsers (and Apple's player above
all) seek in audio by asking for a byte range and expect `206 Partial Content`. This handler answers a
single `bytes=` range (the only kind players send) and serves only files inside the site folder.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
HOST = "127.0.0.1"


class RangeRequestHandler(SimpleHTTPRequestHandler):
    _remaining: int | None = None  # bytes of the range still to send; None: the whole file

    def send_head(self):
        match = _RANGE.match(self.headers.get("Range", "").strip())
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        first, last = _byte_range(match.group(1), match.group(2), size)
        if first is None:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        handle = path.open("rb")
        handle.seek(first)
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.send_header("Content-Length", str(last - first + 1))
        self.end_headers()
        self._remaining = last - first + 1
        return handle

    def copyfile(self, source, outputfile) -> None:
        remaining = self._remaining
        if remaining is None:
            shutil.copyfileobj(source, outputfile)
            return
        self._remaining = None
        while remaining > 0:
            block = source.read(min(1 << 16, remaining))
            if not block:
                break
            outputfile.write(block)
            remaining -= len(block)

    def end_headers(self) -> None:
        if not self.headers.get("Range"):
            self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # a preview prints its address once, not a line per request


def _byte_range(start: str, end: str, size: int) -> tuple[int | None, int]:
    """The first and last byte a `bytes=start-end` header asks for, or (None, 0) when none of them exists."""
    if not start:  # the last `end` bytes
        if not end or int(end) == 0:
            return None, 0
        return max(0, size - int(end)), size - 1
    first = int(start)
    last = min(int(end), size - 1) if end else size - 1
    if first >= size or last < first:
        return None, 0
    return first, last


def preview_server(folder: Path, port: int = 8000) -> ThreadingHTTPServer:
    """A server for `folder` on 127.0.0.1 (port 0: any free port); call serve_forever() on it."""
    handler = functools.partial(RangeRequestHandler, directory=os.fspath(folder))
    return ThreadingHTTPServer((HOST, port), handler)
