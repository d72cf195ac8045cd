"""The website, tried as an attacker and a careless producer would (issue 26, findings 1, 3 and 4).

- Requests to `site --serve`'s preview over a real socket: malformed, empty and HTTP/0.9 request lines,
  HTTP/2, a TLS handshake on the plain port, request lines and headers too long, too many headers, other
  methods, ranges of thousands of digits, paths that climb out (`..` plain, percent-encoded, double-encoded,
  with backslashes), NUL, very long paths, links put in site/ that lead out of it, a FIFO, folders without
  a page. Each gets one status line, nothing outside site/ is sent, nothing is listed, no traceback is
  printed, and the preview goes on serving. Half-sent requests are closed with 408 and hold at most the
  preview's few threads.
- Links in transcripts/ and site/ that lead out of the workspace: `sofacast site` refuses in one line and
  publishes nothing they point at, writes nothing outside; a link that stays inside is followed.
- kill -9 during `sofacast site`, with and without renameat2's exchange: the next run finishes the work and
  nothing stray (site/.pagefind.old/) stays in the published site.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sofacast.site.serve import preview_server
from tests.faults.conftest import assert_clean, leftovers, measured, sofacast
from tests.faults.test_kills import kill_and_recover

SLUG = "norms-in-cyberspace"
SECRET = "SECRET: a private file beside the site"
AUDIO = bytes(range(256)) * 40  # 10,240 bytes
OK = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

# --- the preview ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A preview of a small site with links out of it, a FIFO and an empty folder in it; short timeouts."""
    home = tmp_path_factory.mktemp("preview")
    outside = home / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (outside / "index.html").write_text(SECRET)
    site = home / "site"
    (site / "episodes" / "one").mkdir(parents=True)
    (site / "index.html").write_text("<p>home</p>")
    (site / "episodes" / "one" / "index.html").write_text("<p>one</p>")
    (site / "episodes" / "one" / "one.mp3").write_bytes(AUDIO)
    (site / "episodes" / "one" / "one.txt").symlink_to(outside / "secret.txt")
    (site / "episodes" / "passwd.txt").symlink_to("/etc/passwd")
    (site / "leak.txt").symlink_to(outside / "secret.txt")
    (site / "leak").symlink_to(outside, target_is_directory=True)
    (site / "inside.html").symlink_to(site / "index.html")  # a link that stays in the site is served
    (site / "empty").mkdir()
    os.mkfifo(site / "pipe")
    server = preview_server(site, port=0, timeout=1.0, head_deadline=2.0, connections=4)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def exchange(port: int, data: bytes, finish: bool = True, wait: float = 10.0) -> bytes:
    """Send `data` over a new connection (then end the sending side when `finish`) and read the whole reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as connection:
        connection.sendall(data)
        if finish:
            connection.shutdown(socket.SHUT_WR)
        reply = b""
        while block := connection.recv(1 << 16):
            reply += block
    return reply


def get(path: bytes, *headers: bytes) -> bytes:
    return b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n"


def ranged(value: bytes) -> bytes:
    return get(b"/episodes/one/one.mp3", b"Range: " + value)


CLIENT_HELLO = bytes.fromhex("16030100c4010000c00303") + bytes(range(32)) + bytes.fromhex("000004130113020100")
MALFORMED = [
    pytest.param(b"\x00\x01\x02\x03\r\n\r\n", 400, id="binary-request-line"),
    pytest.param(b"\r\n\r\n", 400, id="empty-request-line"),
    pytest.param(b"GET\r\n\r\n", 400, id="method-only"),
    pytest.param(b"GET /\r\n", 400, id="http-0.9"),
    pytest.param(b"GET / HTTP/x\r\n\r\n", 400, id="bad-version"),
    pytest.param(b"GET / HTTP/1.1 extra\r\n\r\n", 400, id="four-words"),
    pytest.param(b"GET / HTTP/2.0\r\n\r\n", 505, id="http-2"),
    pytest.param(CLIENT_HELLO, 400, id="tls-client-hello"),
    pytest.param(b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414, id="uri-70kB"),
    pytest.param(get(b"/", b"X-Long: " + b"a" * 70_000), 431, id="header-70kB"),
    pytest.param(get(b"/", *(b"X-%d: y" % n for n in range(101))), 431, id="101-headers"),
    pytest.param(get(b"/", b"Bad header without colon"), 200, id="header-without-colon"),
    pytest.param(b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", 501, id="post"),
    pytest.param(b"BREW /pot HTTP/1.1\r\n\r\n", 501, id="unknown-method"),
    pytest.param(b"OPTIONS * HTTP/1.1\r\n\r\n", 501, id="options-star"),
    pytest.param(b"GET http://127.0.0.1/ HTTP/1.1\r\n\r\n", 400, id="absolute-form"),
    pytest.param(b"GET index.html HTTP/1.1\r\n\r\n", 400, id="no-leading-slash"),
    pytest.param(ranged(b"bytes=" + b"9" * 5000 + b"-"), 416, id="range-start-5000-digits"),
    pytest.param(ranged(b"bytes=0-" + b"9" * 5000), 206, id="range-end-5000-digits"),
    pytest.param(ranged(b"bytes=-" + b"9" * 5000), 206, id="range-suffix-5000-digits"),
    pytest.param(ranged(b"bytes=" + b"0" * 5000 + b"1-2"), 206, id="range-5000-leading-zeros"),
    pytest.param(ranged(b"bytes=-0"), 416, id="range-suffix-zero"),
    pytest.param(ranged(b"bytes=20-10"), 416, id="range-backwards"),
    pytest.param(ranged(b"bytes=0-1,5-6"), 200, id="range-several"),
    pytest.param(ranged(b"items=0-1"), 200, id="range-other-unit"),
    pytest.param(ranged("bytes=\u0661-\u0662".encode()), 200, id="range-arabic-digits"),
    pytest.param(ranged(b"bytes=-"), 200, id="range-empty"),
]
TRAVERSAL = [
    pytest.param(b"/../outside/secret.txt", 404, id="dot-dot"),
    pytest.param(b"/%2e%2e/outside/secret.txt", 404, id="encoded-dot-dot"),
    pytest.param(b"/%2E%2E%2Foutside%2Fsecret.txt", 404, id="encoded-slashes"),
    pytest.param(b"/..%2f..%2f..%2f..%2fetc%2fpasswd", 404, id="mixed-encoding"),
    pytest.param(b"/%252e%252e/outside/secret.txt", 404, id="double-encoded"),
    pytest.param(b"/..\\..\\outside\\secret.txt", 404, id="backslashes"),
    pytest.param(b"/%5c..%5c..%5coutside%5csecret.txt", 404, id="encoded-backslashes"),
    pytest.param(b"/episodes/../../outside/secret.txt", 404, id="dot-dot-inside"),
    pytest.param(b"/./././../outside/secret.txt", 404, id="dots"),
    pytest.param(b"//etc/passwd", 404, id="double-slash-absolute"),
    pytest.param(b"/" + b"../" * 1000 + b"etc/passwd", 404, id="dot-dot-1000"),
    pytest.param(b"/index.html%00", 400, id="encoded-nul"),
    pytest.param(b"/index.html\x00.txt", 400, id="raw-nul"),
    pytest.param(b"/%ff%fe%00", 400, id="not-utf8-and-nul"),
    pytest.param(b"/%ff%fe", 404, id="not-utf8"),
    pytest.param(b"/" + b"a" * 5000, 404, id="name-5000-long"),
    pytest.param(b"/" + b"a/" * 3000, 404, id="path-3000-deep"),
    pytest.param(b"/leak.txt", 404, id="link-out-of-site"),
    pytest.param(b"/leak/secret.txt", 404, id="linked-folder-out-of-site"),
    pytest.param(b"/leak/", 404, id="linked-folder-page"),
    pytest.param(b"/episodes/one/one.txt", 404, id="download-linked-out"),
    pytest.param(b"/episodes/passwd.txt", 404, id="link-to-etc-passwd"),
    pytest.param(b"/pipe", 404, id="fifo"),
    pytest.param(b"/empty/", 404, id="folder-without-page"),
    pytest.param(b"/episodes/", 404, id="no-listing"),
    pytest.param(b"/inside.html", 200, id="link-inside-site"),
    pytest.param(b"/episodes/one/", 200, id="folder-page"),
    pytest.param(b"/episodes/one", 301, id="folder-without-slash"),
    pytest.param(b"/index.html?x=../../outside/secret.txt#../", 200, id="query-and-fragment"),
]


def status_of(reply: bytes) -> int:
    match = re.fullmatch(rb"HTTP/1\.[01] ([1-5][0-9][0-9]) [^\r\n]+", reply.split(b"\r\n", 1)[0])
    assert match, reply[:200]
    return int(match.group(1))


def assert_answered(reply: bytes, status: int) -> None:
    assert status_of(reply) == status, reply[:300]
    assert reply.count(b"\r\n\r\n") >= 1 and not re.search(rb"\r\nHTTP/1\.[01] \d", reply.split(b"\r\n\r\n")[0])
    assert SECRET.encode() not in reply and b"root:" not in reply
    assert b"Directory listing" not in reply


@pytest.mark.parametrize(("request_bytes", "status"), MALFORMED)
def test_a_malformed_request_gets_one_status_line_and_the_preview_goes_on(preview: int, request_bytes: bytes,
                                                                          status: int, capsys) -> None:
    assert_answered(exchange(preview, request_bytes), status)
    assert status_of(exchange(preview, OK)) == 200
    assert "Traceback" not in capsys.readouterr().err
    measured("hostile preview requests")


@pytest.mark.parametrize(("path", "status"), TRAVERSAL)
def test_a_path_out_of_the_site_is_not_served(preview: int, path: bytes, status: int, capsys) -> None:
    started = time.monotonic()
    assert_answered(exchange(preview, get(path)), status)
    assert time.monotonic() - started < 1  # answered, not left to a timeout (the FIFO, above all)
    assert status_of(exchange(preview, OK)) == 200
    assert "Traceback" not in capsys.readouterr().err
    measured("hostile preview requests")


def test_a_range_is_served_as_players_ask_for_it(preview: int) -> None:
    reply = exchange(preview, ranged(b"bytes=100-199"))
    head, _, body = reply.partition(b"\r\n\r\n")
    assert status_of(reply) == 206 and body == AUDIO[100:200] and b"Content-Range: bytes 100-199/10240" in head
    reply = exchange(preview, ranged(b"bytes=" + b"9" * 5000 + b"-"))
    assert status_of(reply) == 416 and b"Content-Range: bytes */10240" in reply


def test_a_half_sent_request_is_closed_with_408_after_the_deadline(preview: int) -> None:
    started = time.monotonic()
    reply = exchange(preview, b"GET / HTTP/1.1\r\nHost: 127.0", finish=False)
    assert status_of(reply) == 408 and 0.5 < time.monotonic() - started < 5
    measured("hostile preview requests")


def test_a_slow_trickle_is_cut_at_the_head_deadline(preview: int) -> None:
    """One byte every half second never trips the one-second silence timeout; the 2 s head deadline cuts it."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", preview), timeout=10) as connection:
        reply = b""
        for byte in b"GET / HTTP/1.1\r\nX-Slow: " + b"a" * 40:
            try:
                connection.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(0.5)
            connection.setblocking(False)
            try:
                reply += connection.recv(1 << 16)
            except BlockingIOError:
                pass
            connection.setblocking(True)
            if reply:
                break
    assert status_of(reply) == 408 and time.monotonic() - started < 5
    measured("hostile preview requests")


def test_many_half_sent_requests_hold_only_a_few_threads_and_a_real_one_is_served(preview: int) -> None:
    """The old preview took a thread per connection for as long as the client liked (150 held 150 threads)."""
    held = [socket.create_connection(("127.0.0.1", preview), timeout=10) for _ in range(12)]
    try:
        for connection in held:
            connection.sendall(b"GET / HTTP/1.1\r\nHost:")
        time.sleep(0.5)
        workers = [t for t in threading.enumerate() if "process_request_thread" in t.name]
        assert len(workers) <= 4
        started = time.monotonic()
        assert status_of(exchange(preview, OK, wait=30)) == 200
        assert time.monotonic() - started < 15
    finally:
        for connection in held:
            connection.close()
    measured("hostile preview requests")


# --- links out of the workspace: `sofacast site` ---------------------------------------------------------


@dataclass(frozen=True)
class Link:
    id: str
    make: Callable[[Path, Path], None]  # (workspace, a private folder outside it holding SECRET files)
    refused: str | None  # what the one line names; None: the site is made


def _private(folder: Path, root: Path) -> None:
    """Files outside the workspace a link could publish: each holds SECRET in what the site would show."""
    folder.mkdir(exist_ok=True)
    (folder / "secret.txt").write_text(SECRET)
    transcript = json.loads((root / "transcripts" / f"{SLUG}.json").read_text())
    transcript["segments"][0]["text"] = SECRET
    (folder / "transcript.json").write_text(json.dumps(transcript))
    chapters = json.loads((root / "transcripts" / f"{SLUG}.chapters.json").read_text())
    chapters["chapters"][0]["title"] = SECRET
    (folder / "chapters.json").write_text(json.dumps(chapters))
    chunks = json.loads((root / "transcripts" / f"{SLUG}.chunks.json").read_text())
    chunks[0]["question"] = SECRET
    (folder / "chunks.json").write_text(json.dumps(chunks))
    (folder / "old.jpg").write_bytes(b"not sofacast's")


def _link(path: str, target: Callable[[Path, Path], Path | str]) -> Callable[[Path, Path], None]:
    def make(root: Path, private: Path) -> None:
        link = root / path
        link.parent.mkdir(parents=True, exist_ok=True)
        link.unlink(missing_ok=True)
        link.symlink_to(target(root, private))
    return make


def _transcript(suffix: str, name: str) -> Link:
    return Link(f"transcripts-{suffix.strip('.')}-linked-out", _link(f"transcripts/{SLUG}{suffix}", lambda r, p: p / name),
                f"transcripts/{SLUG}{suffix} is a link to")


def _linked_transcripts(root: Path, private: Path) -> None:
    elsewhere = private / "transcripts"
    (root / "transcripts").rename(elsewhere)
    (root / "transcripts").symlink_to(elsewhere, target_is_directory=True)


def _inside(root: Path, private: Path) -> None:
    (root / "episodes" / SLUG / "notes.txt").write_text("the producer's notes, inside the workspace")
    _link(f"transcripts/{SLUG}.txt", lambda r, p: Path("..") / "episodes" / SLUG / "notes.txt")(root, private)


LINKS = [
    Link("the-issue-repro-txt-to-etc-passwd", _link(f"transcripts/{SLUG}.txt", lambda r, p: "/etc/passwd"),
         f"transcripts/{SLUG}.txt is a link to /etc/passwd"),
    _transcript(".txt", "secret.txt"), _transcript(".vtt", "secret.txt"), _transcript(".srt", "secret.txt"),
    _transcript(".json", "transcript.json"), _transcript(".chapters.json", "chapters.json"),
    _transcript(".chunks.json", "chunks.json"),
    Link("transcript-dangling-link-out", _link(f"transcripts/{SLUG}.vtt", lambda r, p: p / "missing.vtt"),
         f"transcripts/{SLUG}.vtt is a link to"),
    Link("transcripts-folder-linked-out", _linked_transcripts, "is a link to"),
    Link("media-linked-out", _link(f"episodes/{SLUG}/{SLUG}.mp3", lambda r, p: p / "secret.txt"), "points outside"),
    Link("site-file-to-etc-passwd", _link("site/robots.txt", lambda r, p: "/etc/passwd"), "site/robots.txt is a link to"),
    Link("site-download-linked-out", _link(f"site/episodes/{SLUG}/{SLUG}.txt", lambda r, p: p / "secret.txt"),
         f"site/episodes/{SLUG}/{SLUG}.txt is a link to"),
    Link("site-folder-linked-out", _link("site/archive", lambda r, p: p), "site/archive is a link to"),
    Link("site-images-linked-out", _link("site/assets/images", lambda r, p: p), "site/assets/images is a link to"),
    Link("transcript-link-inside-workspace", _inside, None),
    Link("transcript-link-loop", _link(f"transcripts/{SLUG}.txt", lambda r, p: f"{SLUG}.txt"), None),
    Link("site-link-inside-site", _link("site/home.html", lambda r, p: "index.html"), None),
]


def published_text(site: Path) -> str:
    """Everything sofacast put in the site (the links a case put there itself left out)."""
    texts = []
    for path in site.rglob("*") if site.is_dir() else []:
        if path.is_file() and not path.is_symlink():
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


@pytest.mark.parametrize("case", LINKS, ids=[case.id for case in LINKS])
def test_a_link_out_of_the_workspace_is_refused_and_nothing_it_points_at_is_published(
        case: Link, show: Path, outside: Path, cli, tmp_path: Path) -> None:
    private = tmp_path / "private"
    _private(private, show)
    before = {p.name: p.read_bytes() for p in private.iterdir() if p.is_file()}
    case.make(show, private)
    result = cli("site", "-w", show)
    assert_clean(result)
    if case.refused is None:
        assert result.exit_code == 0, result.output
        assert (show / "site" / "episodes" / SLUG / "index.html").is_file()
    else:
        line, = result.stderr.strip().splitlines()
        assert result.exit_code == 1 and case.refused in line, result.stderr
    text = published_text(show / "site")
    assert SECRET not in text and "root:x:0:0" not in text
    assert {p.name: p.read_bytes() for p in private.iterdir() if p.is_file()} == before, "a file outside was changed"
    measured("hostile site links")


def test_a_transcript_linked_inside_the_workspace_is_published_under_its_own_name(show: Path, cli, tmp_path: Path) -> None:
    _inside(show, tmp_path)
    assert cli("site", "-w", show).exit_code == 0
    copy = show / "site" / "episodes" / SLUG / f"{SLUG}.txt"
    assert not copy.is_symlink() and copy.read_text() == "the producer's notes, inside the workspace"


# --- kills during `sofacast site` -------------------------------------------------------------------------


SITE_KILLS = ["atomic:before-rename", "atomic:before-rename@3", "atomic:after-exchange",
              "no-rename-exchange,atomic:between-renames"]


@pytest.mark.parametrize("fault", SITE_KILLS)
def test_a_killed_site_run_is_finished_by_the_next_and_leaves_nothing_stray(show: Path, fault: str) -> None:
    assert sofacast("site", "-w", show).code == 0
    toml = show / "episodes" / SLUG / "episode.toml"
    toml.write_text(toml.read_text().replace('title = "', 'title = "Edited: ', 1))  # pages and search records change
    kill_and_recover(show, ["site"], fault)
    site = show / "site"
    assert not any(p.name.endswith(".old") for p in site.rglob("*")), sorted(p.name for p in site.iterdir())
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    assert "Edited: " in (site / "episodes" / SLUG / "index.html").read_text()
    again = sofacast("site", "-w", show)
    assert again.code == 0 and "unchanged" in again.out, again.out  # the index was finished, not left half-made


def test_a_search_index_stranded_between_two_renames_is_put_back_and_a_producers_folder_kept(show: Path) -> None:
    assert sofacast("site", "-w", show).code == 0
    site = show / "site"
    (site / "pagefind").rename(site / ".pagefind.old")  # killed between the two renames, before this version
    (site / ".drafts.old").mkdir()
    (site / ".drafts.old" / "mine.html").write_text("the producer's own")
    result = sofacast("feed", "-w", show)  # any command that writes repairs first
    assert_clean(result, failed=False)
    assert "Warning: site/pagefind: put back in place" in result.err
    assert (site / "pagefind" / "pagefind-entry.json").is_file() and not (site / ".pagefind.old").exists()
    assert (site / ".drafts.old" / "mine.html").read_text() == "the producer's own"
    assert leftovers(show) == [str(Path("site") / ".drafts.old")]
    measured("kill -9 points survived")
