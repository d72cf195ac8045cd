"""Hostile workspace files: every way a careless producer, a bad editor or a damaged disk can leave them.

Each case changes one thing in a copy of the sample show and says what `sofacast feed` must do:
- "refused": a problem of the whole show; exit != 0, one line naming `where`, the published feed untouched;
- "episode": one episode cannot be published; exit != 0, a line naming `where`, the feed written with
  every other episode and this one's earlier item kept;
- "warn": a derived file is damaged; exit 0, a Warning line naming `where`;
- "ok": nothing to report to the producer (the hostile content is made safe where it is written).
"""

from __future__ import annotations

import math
import os
import sqlite3
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w

SLUG = "norms-in-cyberspace"
EPISODE = f"episodes/{SLUG}/episode.toml"
Mutation = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Mutation
    feed: str  # "refused", "episode", "warn" or "ok"
    where: str = ""  # what the line about it must name


def _set(file: str, keys: tuple[str, ...], value: Any) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / file
        data = tomllib.loads(path.read_text("utf-8"))
        table = data
        for key in keys[:-1]:
            table = table.setdefault(key, {})
        table[keys[-1]] = value
        path.write_text(tomli_w.dumps(data), "utf-8")
    return mutate


def _drop(file: str, key: str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / file
        data = tomllib.loads(path.read_text("utf-8"))
        data.pop(key, None)
        path.write_text(tomli_w.dumps(data), "utf-8")
    return mutate


def _write(file: str, data: bytes | str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return mutate


def _replace(file: str, old: str, new: str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / file
        text = path.read_text("utf-8")
        assert old in text, (file, old)
        path.write_text(text.replace(old, new), "utf-8")
    return mutate


def _symlink(file: str, target: Callable[[Path], Path]) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / file
        where = target(root)
        path.unlink(missing_ok=True)
        path.symlink_to(where)
    return mutate


def _both(*mutations: Mutation) -> Mutation:
    def mutate(root: Path) -> None:
        for mutation in mutations:
            mutation(root)
    return mutate


def _outside(root: Path) -> Path:
    return root.parent / "outside" / "keep.txt"


def _foreign_index(root: Path) -> None:
    path = root / ".sofacast" / "search.sqlite"
    path.parent.mkdir(exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT, value TEXT, other BLOB)")
        db.execute("INSERT INTO meta VALUES ('schema', 'not a number', x'00')")
        db.execute("CREATE TABLE passages (id TEXT)")
        db.execute("CREATE VIEW passages_episode AS SELECT 1")


def _link_folder_outside(root: Path) -> None:
    folder = root / "episodes" / SLUG
    elsewhere = root.parent / "outside" / SLUG
    folder.rename(elsewhere)
    folder.symlink_to(elsewhere, target_is_directory=True)


def _outside_image(root: Path) -> Path:
    image = root.parent / "outside" / "art.png"
    image.write_bytes((root / "artwork.png").read_bytes())
    return image


def show(key: str, value: Any, feed: str, where: str = "") -> Case:
    keys = tuple(key.split("."))
    return Case(f"sofacast.toml:{key}={value!r:.30}", _set("sofacast.toml", keys, value), feed, where or f"sofacast.toml: {key}")


def episode(key: str, value: Any, feed: str, where: str = "") -> Case:
    return Case(f"episode.toml:{key}={value!r:.30}", _set(EPISODE, (key,), value), feed, where or f"{EPISODE}: {key}")


SCRIPT = "<script>alert(1)</script>"
NAN, INF = math.nan, math.inf

CASES: list[Case] = [
    # -- sofacast.toml: wrong types and ranges ---------------------------------------------------------
    show("title", "", "refused"), show("title", 5, "refused"), show("title", [], "refused"), show("title", SCRIPT, "refused"),
    show("title", "\u202e\x00", "refused"), show("title", "x" * 400, "refused"),
    show("description", 5, "refused"), show("description", ["a"], "refused"), show("description", SCRIPT + " fine", "ok"),
    show("author", 5, "refused"), show("author", "<img src=x onerror=alert(1)>Elena", "ok"),
    show("language", '"><script>alert(1)</script>', "refused"), show("language", 5, "refused"), show("language", "", "refused"),
    show("language", "english please", "refused"),
    show("categories", [1, 2], "refused", "sofacast.toml: categories[0]"), show("categories", "Technology", "refused"),
    show("categories", ["Cooking Shows"], "refused", "itunes:category"), show("categories", [""], "refused"),
    show("categories", [[]], "refused"),
    show("explicit", "yes", "refused"), show("explicit", 1, "refused"),
    show("image_url", 5, "refused"),
    show("base_url", "javascript:alert(1)", "refused"), show("base_url", "ftp://example.org/", "refused"),
    show("base_url", 5, "refused"), show("base_url", "https://exa mple.org/", "refused"),
    show("hosts", "Elena Marsh", "refused"), show("hosts", [1], "refused", "sofacast.toml: hosts[0]"), show("hosts", [SCRIPT], "refused"),
    show("hosts", [""], "refused"),
    show("owner", "Elena", "refused"), show("owner.email", 5, "refused"), show("owner.email", "nobody", "refused"),
    show("owner.email", "a@b.c<script>", "refused"), show("owner.name", [1], "refused"), show("owner.extra", "x", "refused", "unknown setting 'owner.extra'"),
    show("feed", "x", "refused"), show("feed.unknown", 1, "refused", "unknown setting 'feed.unknown'"),
    show("feed.artwork", "../outside/keep.txt", "refused", "points outside the workspace"),
    show("feed.artwork", "/etc/passwd", "refused", "points outside the workspace"),
    show("feed.artwork", "missing.png", "refused", "does not exist"),
    show("feed.bitrate", 64, "refused"), show("feed.bitrate", "7k", "refused"), show("feed.bitrate", "999k", "refused"),
    show("feed.channels", 3, "refused"), show("feed.channels", "1", "refused"),
    show("feed.loudness", NAN, "refused"), show("feed.loudness", INF, "refused"), show("feed.loudness", "loud", "refused"),
    show("feed.loudness", -100.0, "refused"),
    show("feed.intro", "../../outside/keep.txt", "refused", "points outside the workspace"),
    show("feed.intro", "/dev/zero", "refused", "points outside the workspace"), show("feed.outro", "nope.mp3", "refused", "does not exist"),
    show("feed.related", -1, "refused"), show("feed.related", 10**9, "refused"), show("feed.previous", True, "refused"),
    show("feed.audio", "flac", "refused"), show("feed.locked", "yes", "refused"), show("feed.guid", "not-a-uuid", "refused"),
    show("unknown_key", 1, "refused", "unknown setting 'unknown_key'"),
    show("owner.name", "Elena\x01", "refused"), show("categories", ["Technology\x01"], "refused"),
    show("owner.email", "producer\x0b@example.org", "refused"),
    show("image_url", "javascript:alert(1)", "ok"), show("feed.link", "javascript:alert(1)", "ok"),
    Case("sofacast.toml:artwork-symlink-outside", _both(_symlink("artwork.png", _outside_image)), "refused", "points outside the workspace"),
    Case("sofacast.toml:artwork-truncated-png", _write("artwork.png", b"\x89PNG\r\n\x1a\n\x00\x00"), "refused", "artwork.png is not a PNG or JPEG"),
    Case("sofacast.toml:syntax-error", _write("sofacast.toml", 'title = "unterminated\n'), "refused", "sofacast.toml is not valid TOML"),
    Case("sofacast.toml:not-utf8", _write("sofacast.toml", b'title = "\xff\xfe"\n'), "refused", "sofacast.toml"),
    Case("sofacast.toml:empty", _write("sofacast.toml", ""), "refused", "sofacast.toml: title is missing"),
    Case("sofacast.toml:byte-order-mark", _write("sofacast.toml", "\ufefftitle = 'x'\n"), "refused", "sofacast.toml"),
    # -- episode.toml ---------------------------------------------------------------------------------
    episode("title", "", "episode"), episode("title", 5, "episode"), episode("title", SCRIPT, "episode"), episode("title", "x" * 400, "episode"),
    episode("number", "4", "episode"), episode("number", -1, "episode"), episode("number", 0, "episode"), episode("number", 1.5, "episode"),
    episode("number", 10**18, "episode"), episode("number", True, "episode"),
    episode("season", "one", "episode"), episode("season", -3, "episode"),
    episode("published", "yesterday", "episode"), episode("published", 5, "episode"), episode("published", "2026-13-45", "episode"),
    episode("published", date(2026, 9, 7), "ok"), episode("published", "2026-09-07T10:00:00+02:00", "ok"),
    Case("episode.toml:published-missing", _drop(EPISODE, "published"), "episode", f"episode {SLUG}: published"),
    episode("duration", INF, "episode"), episode("duration", NAN, "episode"), episode("duration", -5.0, "episode"),
    episode("duration", "long", "episode"),
    episode("description", 5, "episode"), episode("description", SCRIPT + "<img src=x onerror=alert(1)> words", "ok"),
    episode("source_url", "javascript:alert(1)", "ok"),
    episode("media", "../../../outside/keep.txt", "episode"), episode("media", "/etc/passwd", "episode"),
    episode("media", "x/../../y.mp3", "episode"), episode("media", "missing.mp3", "episode", f"episode {SLUG}: enclosure"),
    episode("media", "", "episode", f"episode {SLUG}: enclosure"),
    Case("episode.toml:media-symlink-outside", _symlink(f"episodes/{SLUG}/{SLUG}.mp3", _outside), "episode", "points outside"),
    episode("thumbnail", "javascript:alert(1)", "ok"),
    episode("guests", 5, "episode"), episode("guests", [5], "episode"), episode("guests", [{"bio": "x"}], "episode"),
    episode("guests", [{"name": ""}], "episode"), episode("guests", [{"name": SCRIPT}], "episode"),
    episode("guests", [{"name": "Mallory", "url": "javascript:alert(1)"}], "ok"),
    episode("guests", [{"name": "Mallory", "url": "data:text/html,<script>alert(1)</script>"}], "ok"),
    episode("guests", [{"name": "Mallory <img src=x onerror=alert(1)>", "bio": SCRIPT + "bio"}], "ok"),
    episode("guests", [{"name": "Mallory", "age": 5}], "episode", "unknown setting 'guests[0].age'"),
    episode("questions", 5, "episode"), episode("questions", [1], "episode"), episode("questions", [SCRIPT + "Why?"], "ok"),
    episode("speakers", ["x"], "episode"), episode("speakers", {"Elena": "x"}, "episode"), episode("speakers", {"S1": 5}, "episode"),
    episode("chunks", "0:00", "episode"), episode("chunks", [{"start": "soon"}], "episode"), episode("chunks", [{"start": -5}], "episode"),
    episode("chunks", [{"start": "inf"}], "episode"), episode("chunks", [{"start": "1:2:3:4"}], "episode"),
    episode("chunks", [{"start": NAN}], "episode"), episode("chunks", [{"start": 3, "question": -1}], "episode"),
    episode("chunks", [{"start": 3, "question": 99}], "ok"),
    episode("draft", "yes", "episode"), episode("guid", 5, "episode"), episode("guid", "", "episode"), episode("guid", SCRIPT, "episode"),
    episode("explicit", "yes", "episode"), episode("my_own_notes", "kept as they are", "ok"),
    episode("guid", "70baa818-a659-5003-acaf-6f0c788e8bb9", "episode", "is already the GUID of episode capacity-building"),
    episode("title", "Norms\x01", "episode"), episode("duration", 1e7, "ok"),
    episode("questions", ["<img src=x onerror=alert(1)>Why do states agree to voluntary norms for cyberspace at all?"], "ok"),
    Case("episodes:folder-linked-outside", lambda root: _link_folder_outside(root), "episode", "is a link to"),
    Case("episode.toml:syntax-error", _write(EPISODE, 'title = "unterminated\n'), "episode", "is not valid TOML"),
    Case("episode.toml:not-utf8", _write(EPISODE, b'title = "\xff"\n'), "episode", "episode.toml"),
    Case("episode.toml:empty", _write(EPISODE, ""), "episode", f"{EPISODE}: title is missing"),
    Case("episode.toml:unreadable", lambda root: (root / EPISODE).chmod(0), "episode", "cannot read") if os.geteuid() else
    Case("episode.toml:a-directory-named-media", _both(_set(EPISODE, ("media",), "sub")), "episode", f"episode {SLUG}: enclosure"),
    Case("episodes:250-character-folder", _write(f"episodes/{'x' * 250}/episode.toml", 'title = "Long"\n'), "warn",
         "is not a usable slug"),
    Case("episodes:upper-case-folder", _write("episodes/Not-A-Slug/episode.toml", 'title = "Upper"\n'), "warn", "is not a usable slug"),
    # -- derived files: treated as missing, with a line saying which command makes them again -------------
    *[Case(f"transcript:{name}", _write(f"transcripts/{SLUG}.json", data), "warn", f"{SLUG}.json cannot be read")
      for name, data in [("truncated", '{"episode": "x", "segments": [{"start": 1'), ("null", "null"), ("list", "[]"),
                         ("not-utf8", b"\xff\xfe\x00"), ("segments-number", '{"segments": 5}'),
                         ("nan-start", '{"segments": [{"start": NaN, "end": 1, "text": "x"}]}'),
                         ("string-start", '{"segments": [{"start": "x", "end": 1, "text": "x"}]}'),
                         ("words-not-list", '{"segments": [{"start": 1, "end": 2, "text": "x", "words": 5}]}'),
                         ("huge-number", '{"segments": [{"start": 1e400, "end": 2, "text": "x"}]}'),
                         ("huge-integer", '{"duration": 1' + "0" * 400 + ', "segments": []}'),
                         ("deep-nesting", "[" * 100_000 + "]" * 100_000)]],
    Case("transcript:hostile-episode-field", _replace(f"transcripts/{SLUG}.json", f'"episode": "{SLUG}"', '"episode": "../../outside/x"'), "ok"),
    Case("transcript:script-in-text", _replace(f"transcripts/{SLUG}.json", '"text": "', '"text": "<script>alert(1)</script>'), "ok"),
    *[Case(f"chunks:{name}", _write(f"transcripts/{SLUG}.chunks.json", data), "ok")
      for name, data in [("truncated", '[{"start": 1'), ("null", "null"), ("nan", '[{"start": NaN, "end": 1}]'),
                         ("no-end", '[{"start": 1}]'), ("object", '{"a": 1}'),
                         ("huge-integer", '[{"start": 1' + "0" * 400 + ', "end": 1}]')]],
    *[Case(f"chapters:{name}", _write(f"transcripts/{SLUG}.chapters.json", data), "warn", f"{SLUG}.chapters.json cannot be read")
      for name, data in [("truncated", '{"chapters": [{'), ("chapters-number", '{"chapters": 5}'),
                         ("string-time", '{"chapters": [{"startTime": "x", "title": "t"}]}'), ("list", "[]"),
                         ("number-title", '{"chapters": [{"startTime": 0, "title": 5}]}'),
                         ("huge-integer", '{"chapters": [{"startTime": 1' + "0" * 400 + ', "title": "t"}]}')]],
    Case("chapters:script-in-title", _write(f"transcripts/{SLUG}.chapters.json",
                                            '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "<script>alert(1)</script>Intro"}]}'), "ok"),
    *[Case(f"guids.json:{name}", _write("feeds/guids.json", data), "warn", "GUIDs were read back from feed.xml")
      for name, data in [("list", "[]"), ("null", "null"), ("truncated", '{"podcast": "'), ("not-utf8", b"\xff\xfe"),
                         ("episodes-number", '{"episodes": 5}'), ("podcast-number", '{"podcast": 5}'),
                         ("deep-nesting", "[" * 100_000 + "]" * 100_000)]],
    Case("guids.json:missing", lambda root: (root / "feeds" / "guids.json").unlink(), "warn", "guids.json is missing"),
    Case("guids.json:damaged-and-no-feed", _both(_write("feeds/guids.json", "[]"), lambda root: (root / "feeds" / "feed.xml").unlink()),
         "refused", "guids.json is damaged"),
    Case("feed.xml:garbage", _write("feeds/feed.xml", b"\x00garbage<rss"), "ok"),
    *[Case(f"voiceprints.json:{name}", _write("voiceprints.json", data), "ok")
      for name, data in [("list", "[]"), ("truncated", '{"people": {'),
                         ("wrong-size", '{"people": {"A": {"episodes": {"x": {"seconds": 1, "embedding": [1, 2]}}}}}'),
                         ("deep-nesting", "[" * 100_000 + "]" * 100_000),
                         ("huge-integer", '{"people": {"A": {"episodes": {"x": {"seconds": 1' + "0" * 400 + ', "embedding": []}}}}}')]],
    Case("index:foreign-schema", _foreign_index, "ok"),
    Case("index:garbage", _write(".sofacast/search.sqlite", b"not a database at all" * 100), "ok"),
    Case("index:a-directory", lambda root: (root / ".sofacast" / "search.sqlite").mkdir(parents=True, exist_ok=True), "ok"),
]
