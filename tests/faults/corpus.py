"""A hostile corpus: feeds and pages as an attacker (or a careless publisher) would serve them.

Each source is written into a folder served on 127.0.0.1 by `HostileServer`, which also answers a few
paths the way a hostile server does: redirects to file:// and data: URLs, redirect loops, and
responses that never come.
"""

from __future__ import annotations

import http.server
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SCRIPT = "<script>alert(1)</script>"
CONTROLS = "".join(chr(c) for c in (0x85, 0x9B)) + "\u202e\u2066"  # C1 controls (incl. CSI) and bidi overrides: legal in XML


@dataclass(frozen=True)
class Source:
    name: str
    path: str  # served at base + path
    pulls: bool  # at least one episode should be pulled from it (else: refused with one line)


def _rss(items: str, head: str = "", channel_title: str = "Hostile show") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>{head}<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">'
            f"<channel><title>{channel_title}</title><link>http://example.org/</link><description>d</description>{items}</channel></rss>")


def _item(base: str, title: str, description: str = "d", enclosure: str | None = None, guid: str = "g",
          extra: str = "", date: str = "Mon, 02 Feb 2026 10:00:00 GMT") -> str:
    url = enclosure if enclosure is not None else f"{base}/media/clip.mp3"
    return (f"<item><title>{title}</title><description>{description}</description><guid>{guid}</guid>"
            f'<pubDate>{date}</pubDate><enclosure url="{url}" type="audio/mpeg" length="1000"/>{extra}</item>')


def _page(title: str, head: str = "", body: str = "", audio: str = "/media/clip.mp3") -> str:
    return (f"<!doctype html><html><head><title>{title}</title>{head}</head>"
            f'<body>{body}<audio controls src="{audio}"></audio></body></html>')


def write_corpus(folder: Path, base: str, outside_secret: Path) -> list[Source]:
    """Write every hostile feed and page into `folder`; return what they are."""
    feeds: dict[str, tuple[str, bool]] = {
        "escaped-title": (_rss(_item(base, "&lt;script&gt;alert(1)&lt;/script&gt;Escaped")), True),
        "double-escaped-title": (_rss(_item(base, "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;Double")), True),
        "triple-escaped-title": (_rss(_item(base, "&amp;amp;lt;script&amp;amp;gt;alert(1)&amp;amp;lt;/script&amp;amp;gt;Triple")), True),
        "cdata-title-and-description": (_rss(_item(base, f"<![CDATA[{SCRIPT}Cdata]]>",
                                                   "<![CDATA[<p>Hi <img src=x onerror=alert(1)></p><ul><li>Why?</li></ul>]]>")), True),
        "escaped-markup-description": (_rss(_item(base, "Escaped description", "&lt;img src=x onerror=alert(1)&gt;&lt;a href=&quot;javascript:alert(2)&quot;&gt;x&lt;/a&gt;"
                                                  "&lt;ul&gt;&lt;li&gt;Is &amp;lt;b&amp;gt; safe?&lt;/li&gt;&lt;/ul&gt;")), True),
        "svg-description": (_rss(_item(base, "Svg", "<![CDATA[<svg onload=alert(1)><script>alert(2)</script></svg><math><mi xlink:href='javascript:1'>x</mi></math>]]>")), True),
        "frames-and-forms": (_rss(_item(base, "Frames", "<![CDATA[<iframe src='//evil'></iframe><object data=x></object><form action='javascript:1'><button>b</button></form><style>*{}</style>]]>")), True),
        "javascript-links-in-description": (_rss(_item(base, "Links", "<![CDATA[<a href='javascript:alert(1)'>a</a><a href=' JaVaScRiPt:alert(1)'>b</a>"
                                                       "<a href='data:text/html;base64,PHNjcmlwdD4='>c</a><a href='file:///etc/passwd'>d</a>]]>")), True),
        "javascript-enclosure": (_rss(_item(base, "Js enclosure", enclosure="javascript:alert(1)")), False),
        "data-enclosure": (_rss(_item(base, "Data enclosure", enclosure="data:audio/mpeg;base64,SUQzAwAAAAAAAA==")), False),
        "file-enclosure": (_rss(_item(base, "File enclosure", enclosure=f"file://{outside_secret}")), False),
        "redirect-to-file-enclosure": (_rss(_item(base, "Redirect to file", enclosure=f"{base}/redirect?to=file://{outside_secret}")), False),
        "redirect-loop-enclosure": (_rss(_item(base, "Loop", enclosure=f"{base}/loop")), False),
        "javascript-link-no-enclosure": (_rss("<item><title>No enclosure</title><link>javascript:alert(1)</link><guid>x</guid></item>"), False),
        "control-and-bidi-characters": (_rss(_item(base, f"Con{CONTROLS}trol", f"desc{CONTROLS}ription")), True),
        "hundred-kilobyte-title": (_rss(_item(base, "Long " + "title " * 17_000, "x" * 100_000)), True),
        "thumbnail-javascript": (_rss(_item(base, "Thumb", extra='<itunes:image href="javascript:alert(1)"/>')), True),
        "traversal-title": (_rss(_item(base, "../../../outside/evil")), True),
        "markup-only-title": (_rss(_item(base, f"<![CDATA[{SCRIPT}]]>")), True),
        # yt-dlp's own RSS reading raised on this date and refused the whole feed; sofacast's reader keeps the item, undated.
        "nonsense-dates": (_rss(_item(base, "Dates", date="Mon, 02 Feb 99999 99:99:99 GMT")), True),
        # No <guid>, so yt-dlp smuggles nothing; the enclosure brings its own broken smuggle fragment.
        "malformed-smuggle-fragment": (_rss(f"<item><title>Smuggled</title><enclosure url='{base}/media/clip.mp3#__youtubedl_smuggle=notjson' "
                                            "type='audio/mpeg' length='1'/></item>" + _item(base, "Plain", guid="g9")), True),
        "one-good-one-bad": (_rss(_item(base, "Good one") + _item(base, "Bad one", enclosure=f"{base}/media/garbage.mp3", guid="g2")), True),
        "xml-bomb": (_rss(_item(base, "&lol9;"), head='<!DOCTYPE r [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                          + "".join(f'<!ENTITY lol{n} "' + f"&lol{n - 1};" * 10 + '">' for n in range(2, 10)) + "]>"), False),
        # The external entity is never resolved (expat's external entities are off): the item is pulled, untitled by it.
        "xxe": (_rss(_item(base, "&xxe;"), head=f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{outside_secret}">]>'), True),
        "empty-feed": (_rss(""), False),
    }
    raw: dict[str, tuple[bytes, bool]] = {
        "not-xml": (b"\x00\x01\x02<rss>\xff\xfe garbage" * 50, False),
        "empty-document": (b"", False),
    }
    pages: dict[str, tuple[str, bool]] = {
        "page-script-title": (_page("&lt;script&gt;alert(1)&lt;/script&gt; Page", head='<meta property="og:title" content="&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; Og">'
                                    '<meta property="og:description" content="&lt;img src=x onerror=alert(1)&gt; • Why &lt;b&gt;?">'), True),
        "page-escape-sequences": (_page("Esc \x1b[2J\x1b]0;pwned\x07 title \u202eevil"), True),
        "page-javascript-audio": (_page("Js audio", audio="javascript:alert(1)"), False),
        "page-data-audio": (_page("Data audio", audio="data:audio/mpeg;base64,SUQzAwAAAAAAAA=="), False),
    }
    (folder / "media").mkdir(exist_ok=True)
    (folder / "media" / "garbage.mp3").write_bytes(bytes(range(256)) * 40)
    sources = []
    for name, (text, pulls) in feeds.items():
        (folder / f"{name}.xml").write_text(text, "utf-8")
        sources.append(Source(name, f"/{name}.xml", pulls))
    for name, (data, pulls) in raw.items():
        (folder / f"{name}.xml").write_bytes(data)
        sources.append(Source(name, f"/{name}.xml", pulls))
    for name, (text, pulls) in pages.items():
        (folder / f"{name}.html").write_text(text, "utf-8")
        sources.append(Source(name, f"/{name}.html", pulls))
    sources += [Source("hanging-server", "/hang", False), Source("redirect-to-file", f"/redirect?to=file://{outside_secret}", False),
                Source("redirect-loop", "/loop", False), Source("hanging-enclosure", "/hanging-enclosure.xml", False)]
    (folder / "hanging-enclosure.xml").write_text(_rss(_item(base, "Hangs", enclosure=f"{base}/hang")), "utf-8")
    return sources


def _handler(folder: Path, hang_seconds: float) -> type[http.server.SimpleHTTPRequestHandler]:
    class Hostile(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path.startswith("/hang"):
                time.sleep(hang_seconds)  # the client must give up long before this
            elif self.path.startswith("/redirect?to="):
                self._redirect(self.path.split("=", 1)[1])
            elif self.path.startswith("/loop"):
                self._redirect("/loop")
            else:
                super().do_GET()

        def do_HEAD(self) -> None:
            self.do_GET()

        def _redirect(self, target: str) -> None:
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()

    return Hostile


class HostileServer:
    def __init__(self, folder: Path, hang_seconds: float = 60.0) -> None:
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(folder, hang_seconds))
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HostileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

