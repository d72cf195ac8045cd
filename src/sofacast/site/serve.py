"""`sofacast site --serve`: preview the site on 127.0.0.1, with HTTP range requests.

Built on the standard library's http.server, made strict where it is lenient. Every request gets one
status line, however malformed it is (a bad or empty request line, HTTP/0.9, a request line or header
too long, too many headers, a TLS handshake on this plain-HTTP port, a path with NUL or `..`, a range of
thousands of digits): 400, 408, 414, 416 or 431, never a traceback. Only regular files whose real path
(links resolved, on every request) lies inside the site folder are served; a folder is its index.html,
never a listing. A connection that sends nothing for TIMEOUT seconds, or has not sent its whole request
head within HEAD_DEADLINE, is closed with 408, and at most CONNECTIONS are served at once (a thread
each); others wait in the listen queue. Players seek by asking for a byte range and expect
`206 Partial Content`: a single `bytes=` range (the only kind they send) is answered.

A server library (waitress, say) was weighed: it would bring its own parser and timeouts, but not the
range requests, the containment or the answers above, which would be ours all the same on top of a new
dependency; http.server's parser, with its gaps closed here, does the rest.
"""

from __future__ import annotations

import io
import logging
import os
import re
import socket
import stat
import sys
import threading
import time
from email.utils import formatdate
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, unquote

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
TIMEOUT = 15.0  # seconds a connection may stay silent, reading or writing
HEAD_DEADLINE = 30.0  # seconds for a request line and headers, however slowly they trickle in
CONNECTIONS = 32  # served at once; a browser opens six, a player one or two
MAX_LINE = 8192  # bytes of a request line; longer is 414
_RANGE = re.compile(r"bytes=(?=-?[0-9])([0-9]*)-([0-9]*)")  # "bytes=-" names no byte: ignored, like any bad range
_BEYOND = 1 << 62  # what a number of more than 18 digits stands for: past the end of any file
_TLS_HANDSHAKE = b"\x16"  # the first byte of a TLS ClientHello: a browser told https:// for this port
LINGER = 1.0  # seconds to read what a client still sends after its answer, so that closing does not reset the answer
_REFUSED = b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class _Refused(Exception):
    def __init__(self, status: HTTPStatus) -> None:
        super().__init__(status.phrase)
        self.status = status


class _DeadlineReader(io.RawIOBase):
    """The connection's socket, read with a deadline for the whole request head: a timeout per read alone lets a
    client that sends a byte every few seconds hold its thread for ever."""

    def __init__(self, connection: socket.socket, idle: float, deadline: float) -> None:
        self.connection, self.idle, self.deadline = connection, idle, time.monotonic() + deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        wait = min(self.idle, self.deadline - time.monotonic())
        if wait <= 0:
            raise TimeoutError("the request head took too long")
        self.connection.settimeout(wait)
        return self.connection.recv_into(buffer)


class PreviewHandler(SimpleHTTPRequestHandler):
    """GET and HEAD for the site's files (SimpleHTTPRequestHandler's path translation and listings are not used)."""

    server: PreviewServer
    server_version = "sofacast-preview"
    sys_version = ""
    _remaining: int | None = None  # bytes of the range still to send; None: the whole file
    _replied = False

    def setup(self) -> None:
        super().setup()  # the connection times out after `timeout` (set per server) silent seconds
        self.rfile.close()  # the plain socket file setup made: read through the deadline instead
        self._head = io.BufferedReader(_DeadlineReader(self.connection, self.server.idle_timeout, self.server.head_deadline))
        self.rfile = self._head

    def handle_one_request(self) -> None:
        self.close_connection = True  # one request per connection (HTTP/1.0): a thread is never held between two
        self.command, self.request_version, self.requestline = "", "HTTP/1.0", ""
        try:
            self._answer()
        except TimeoutError:
            self._fail(HTTPStatus.REQUEST_TIMEOUT)
        except OSError:
            pass  # the client went away: nobody to answer
        except Exception as exc:  # a fault of ours: the client still gets a status line, the terminal no traceback
            log.debug("preview: %s %r: %r", self.command, self.path if hasattr(self, "path") else "", exc)
            self._fail(HTTPStatus.INTERNAL_SERVER_ERROR)

    def _answer(self) -> None:
        if self._head.peek(1)[:1] == _TLS_HANDSHAKE:
            return self.send_error(HTTPStatus.BAD_REQUEST, "This preview speaks plain HTTP: open it with http://.")
        self.raw_requestline = self.rfile.readline(MAX_LINE + 1)
        if len(self.raw_requestline) > MAX_LINE:
            return self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
        if not self.raw_requestline:
            return None  # closed without asking anything
        if not self.raw_requestline.strip():
            return self.send_error(HTTPStatus.BAD_REQUEST, "The request line is empty.")
        if not self.parse_request():  # it has answered: 400, 431 (a header too long, too many) or 505
            return None
        if self.request_version == "HTTP/0.9":
            return self.send_error(HTTPStatus.BAD_REQUEST, "HTTP/0.9 is not supported.")
        self.connection.settimeout(self.timeout)  # the head is in: from now on only the writes wait
        method = getattr(self, f"do_{self.command}", None)
        if method is None:
            return self.send_error(HTTPStatus.NOT_IMPLEMENTED, "Only GET and HEAD are served.")
        method()
        self.wfile.flush()
        return None

    def _fail(self, status: HTTPStatus) -> None:
        if not self._replied:
            try:
                self.send_error(status)
            except OSError:
                pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # The standard phrase on the status line (never the client's text), and always a status line: http.server
        # answers what it takes for HTTP/0.9 with a bare body.
        self.request_version = "HTTP/1.0"
        super().send_error(code, None, message or explain)

    def send_response_only(self, code: int, message: str | None = None) -> None:
        self._replied = True
        super().send_response_only(code, message)

    def send_head(self) -> BinaryIO | None:
        try:
            target = self._target()
            if isinstance(target, str):  # a folder asked for without its slash: its page's relative links need it
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self._open(target)
        except _Refused as refused:
            self.send_error(refused.status)
            return None

    def _target(self) -> Path | str:
        """The file a request's path names in the site, or (a str) the address to send a folder's request to."""
        raw = self.path.split("?", 1)[0].split("#", 1)[0]
        name = unquote(raw, errors="surrogateescape")
        if not raw.startswith("/") or "\0" in name:
            raise _Refused(HTTPStatus.BAD_REQUEST)
        parts = [part for part in name.split("/") if part not in ("", ".")]
        if ".." in parts:
            raise _Refused(HTTPStatus.NOT_FOUND)
        try:
            found = self._inside(self.server.site.joinpath(*parts))
            if not found.is_dir():
                return found
            if not name.endswith("/"):
                return quote(name, errors="surrogateescape") + "/"
            return self._inside(found / "index.html")
        except OSError:  # a name too long for the file system, say
            raise _Refused(HTTPStatus.NOT_FOUND) from None

    def _inside(self, path: Path) -> Path:
        """`path` with every link resolved, if that is still inside the site: a link out of it is not served."""
        resolved = Path(os.path.realpath(path))
        if not resolved.is_relative_to(self.server.site):
            raise _Refused(HTTPStatus.NOT_FOUND)
        return resolved

    def _open(self, path: Path) -> BinaryIO | None:
        try:  # O_NONBLOCK: a FIFO put in the site would block the open; O_NOFOLLOW: a link put there since
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        except OSError:
            raise _Refused(HTTPStatus.NOT_FOUND) from None
        handle = os.fdopen(fd, "rb")
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            handle.close()
            raise _Refused(HTTPStatus.NOT_FOUND)
        try:
            return self._send_file_head(handle, path, info)
        except BaseException:
            handle.close()
            raise

    def _send_file_head(self, handle: BinaryIO, path: Path, info: os.stat_result) -> BinaryIO | None:
        size = info.st_size
        asked = self.headers.get("Range", "")
        match = _RANGE.fullmatch(asked.strip()) if asked else None  # any other range (several, other units): all
        first, last = _byte_range(match.group(1), match.group(2), size) if match else (0, size - 1)
        if first is None:
            handle.close()
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        self.send_response(HTTPStatus.PARTIAL_CONTENT if match else HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Accept-Ranges", "bytes")
        if match:
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.send_header("Content-Length", str(last - first + 1))
        self.send_header("Last-Modified", formatdate(info.st_mtime, usegmt=True))
        self.end_headers()
        handle.seek(first)
        self._remaining = last - first + 1
        return handle

    def copyfile(self, source: Any, outputfile: Any) -> None:
        remaining, self._remaining = self._remaining or 0, None
        while remaining > 0:
            block = source.read(min(1 << 16, remaining))
            if not block:
                break
            outputfile.write(block)
            remaining -= len(block)

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND)  # never a listing (unused: send_head serves a folder's index.html)

    def log_message(self, format: str, *args: object) -> None:
        pass  # a preview prints its address once, not a line per request


def _number(digits: str) -> int:
    """A range's number; one of more digits than any file's size has stands for "past the end" (int() of a few
    thousand digits is refused by Python, and slow before that)."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else _BEYOND


def _byte_range(start: str, end: str, size: int) -> tuple[int | None, int]:
    """The first and last byte a `bytes=start-end` header asks for, or (None, 0) when none of them exists."""
    if not start:  # the last `end` bytes
        if not end or _number(end) == 0 or size == 0:
            return None, 0
        return max(0, size - _number(end)), size - 1
    first = _number(start)
    last = min(_number(end), size - 1) if end else size - 1
    if first >= size or last < first:
        return None, 0
    return first, last


class PreviewServer(ThreadingHTTPServer):
    """Serves the site folder on 127.0.0.1, `connections` requests at once; errors are answered, never printed."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, site: Path, port: int, idle_timeout: float, head_deadline: float, connections: int) -> None:
        self.site = Path(os.path.realpath(site))
        self.idle_timeout, self.head_deadline = idle_timeout, head_deadline
        self._slots = threading.BoundedSemaphore(connections)
        super().__init__((HOST, port), type("PreviewHandler", (PreviewHandler,), {"timeout": idle_timeout}))

    def process_request(self, request: Any, client_address: Any) -> None:
        # Wait for a free thread as long as a held one can take (each is bounded by the deadlines), then 503.
        if not self._slots.acquire(timeout=self.head_deadline + self.idle_timeout):
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _refuse(self, request: socket.socket) -> None:
        try:
            request.settimeout(1)
            request.sendall(_REFUSED)
        except OSError:
            pass
        self.shutdown_request(request)

    def shutdown_request(self, request: Any) -> None:
        """Close after the answer; a request not read to its end (a 70 kB URI answered with 414, say) is read away
        first, for a close with unread data resets the connection, and the client may lose the answer."""
        try:
            request.shutdown(socket.SHUT_WR)
            request.setblocking(False)
            pending = request.recv(1 << 16)
            request.settimeout(LINGER)
            until = time.monotonic() + LINGER
            while pending and time.monotonic() < until:
                pending = request.recv(1 << 16)
        except OSError:  # nothing more to read now (BlockingIOError), or the client is gone
            pass
        self.close_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("preview: a connection failed: %r", sys.exc_info()[1])  # no traceback on the producer's terminal


def preview_server(folder: Path, port: int = 8000, *, timeout: float = TIMEOUT, head_deadline: float = HEAD_DEADLINE,
                   connections: int = CONNECTIONS) -> PreviewServer:
    """A server for `folder` on 127.0.0.1 (port 0: any free port); call serve_forever() on it."""
    return PreviewServer(folder, port, timeout, head_deadline, connections)
