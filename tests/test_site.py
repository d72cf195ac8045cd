"""`sofacast site`: the show's static website, built from the sample show and read back with lxml.

These tests check the files: every page's metadata and JSON-LD, that every internal link resolves and no
page asks another server for anything, that chapters and sentences carry the times of the transcript,
and that hostile text stays text. What the pages do in a browser is for the browser tests.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
import pytest
from lxml import html

from tests.conftest import SAMPLE_EPISODES, copy_sample_show
from tests.feed_parsers import NODE_DIR, node_with
from tests.test_feed import edit_episode

SLUG = SAMPLE_EPISODES[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    from sofacast.cli import app

    root = copy_sample_show(tmp_path_factory.mktemp("site") / "show")
    result = CliRunner().invoke(app, ["site", "-w", str(root)], catch_exceptions=False)
    assert result.exit_code == 0 and "site/: 10 pages," in result.stdout, result.output
    return root


def pages(root: Path) -> list[Path]:
    return sorted((root / "site").rglob("*.html"))


def parse(page: Path):
    return html.fromstring(page.read_bytes())


def test_the_site_has_a_home_an_archive_and_a_page_per_episode_and_guest(built: Path) -> None:
    names = {page.relative_to(built / "site").as_posix() for page in pages(built)}
    assert {"index.html", "archive/index.html", "search/index.html"} <= names
    assert {f"episodes/{slug}/index.html" for slug in SAMPLE_EPISODES} <= names
    assert len([n for n in names if n.startswith("guests/")]) >= 2
    assert (built / "site" / "pagefind" / "pagefind-entry.json").is_file()


def test_the_search_index_holds_every_passage_with_its_episode_speaker_question_and_second(built: Path) -> None:
    """The records handed to Pagefind (what its browser search then finds is for the browser tests)."""
    from sofacast.site.pages import site_pages
    from sofacast.site.search_index import passages
    from sofacast.workspace import Workspace

    found = list(passages(site_pages(Workspace.open(built)).episodes))
    transcript = json.loads((built / "transcripts" / f"{SLUG}.json").read_text())
    mine = [p for p in found if f"/{SLUG}/" in p.url]
    assert " ".join(p.text for p in mine) == " ".join(s["text"].strip() for s in transcript["segments"])
    assert all(p.url == f"episodes/{SLUG}/index.html#t={int(p.start)}" for p in mine)
    assert {p.speaker for p in mine} == {s["speaker"] for s in transcript["segments"]}
    chunks = json.loads((built / "transcripts" / f"{SLUG}.chunks.json").read_text())
    assert {c["question"] for c in chunks if c["question"]} <= {p.question for p in mine}


def test_every_internal_link_resolves_and_nothing_is_asked_of_another_server(built: Path) -> None:
    for page in pages(built):
        tree = parse(page)
        for element, _attribute, link, _pos in tree.iterlinks():
            parts = urlsplit(link)
            if element.tag in ("img", "script", "audio", "source", "video") or (element.tag == "link" and
                                                                                  element.get("rel") == "stylesheet"):
                assert not parts.scheme and not parts.netloc, f"{page}: {element.tag} loads {link}"
            if parts.scheme or parts.netloc or not parts.path:
                continue  # another site's page (a link, not a request), or a fragment of this page
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.relative_to(built)}: {link} does not resolve"
            assert target.is_relative_to((built / "site").resolve())


def test_every_page_has_open_graph_twitter_card_the_feed_and_json_ld(built: Path) -> None:
    for page in pages(built):
        tree = parse(page)
        assert tree.xpath("//meta[@property='og:title']/@content")[0].strip()
        assert tree.xpath("//meta[@name='twitter:card']/@content") == ["summary"]
        assert tree.xpath("//link[@rel='alternate'][@type='application/rss+xml']/@href")[0].endswith("feed.xml")
        assert tree.xpath("//meta[@name='viewport']")
        data = json.loads(tree.xpath("//script[@type='application/ld+json']/text()")[0])
        assert data["@context"] == "https://schema.org" and data["@type"] in ("PodcastSeries", "PodcastEpisode")


def html_validate(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    command = [node_with("html-validate"), str(NODE_DIR / "node_modules" / "html-validate" / "bin" / "html-validate.mjs"),
               "--config", str(NODE_DIR / "html-validate.json"), *map(str, paths)]
    return subprocess.run(command, cwd=NODE_DIR, capture_output=True, text=True, timeout=120)


def test_every_page_is_valid_html5(built: Path) -> None:
    """html5lib's strict parser (any parse error raises) and html-validate (node), which also checks content
    models, required attributes and the accessibility rules it knows; its config is tests/node/html-validate.json."""
    parser = html5lib.HTMLParser(strict=True)
    for page in pages(built):
        parser.parse(page.read_bytes())
    checked = html_validate(pages(built))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_html_validate_finds_what_is_wrong_in_a_page(tmp_path: Path) -> None:
    """The check above can fail: a page with a stray end tag and an image without alt text does not pass."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p>a</p></p>'
                    '<img src="a.png"></body></html>')
    with pytest.raises(html5lib.html5parser.ParseError):
        html5lib.HTMLParser(strict=True).parse(page.read_bytes())
    checked = html_validate([page])
    assert checked.returncode != 0 and "close-order" in checked.stdout and "wcag/h37" in checked.stdout


def test_an_episode_page_says_it_all_and_its_chapters_and_sentences_carry_the_transcript_times(built: Path) -> None:
    tree = parse(built / "site" / "episodes" / SLUG / "index.html")
    chapters = json.loads((built / "transcripts" / f"{SLUG}.chapters.json").read_text())["chapters"]
    links = tree.xpath("//nav[@class='chapters']//a")
    assert [float(a.get("data-start")) for a in links] == pytest.approx([c["startTime"] for c in chapters], abs=0.01)
    assert [a.get("href") for a in links] == [f"#t={int(c['startTime'])}" for c in chapters]
    transcript = json.loads((built / "transcripts" / f"{SLUG}.json").read_text())
    sentences = tree.xpath("//section[@class='transcript']//span[@class='s']")
    assert [s.text_content() for s in sentences] == [seg["text"].strip() for seg in transcript["segments"]]
    assert [float(s.get("data-start")) for s in sentences] == pytest.approx(
        [seg["start"] for seg in transcript["segments"]], abs=0.01)
    headings = [h.text_content() for h in tree.xpath("//section[@class='chunk']/h3")]
    chunks = json.loads((built / "transcripts" / f"{SLUG}.chunks.json").read_text())
    assert headings[1:-1] == [c["question"] for c in chunks if c["question"]]
    assert tree.xpath("//audio[@id='player']/@src") == [f"{SLUG}.mp3"]
    data = json.loads(tree.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data["@type"] == "PodcastEpisode" and data["timeRequired"].startswith("PT")
    assert data["partOfSeries"]["@type"] == "PodcastSeries" and {a["name"] for a in data["actor"]} >= {"Elena Marsh"}
    assert [clip["startOffset"] for clip in data["hasPart"]] == [round(c["startTime"]) for c in chapters]
    assert {a.get("download") for a in tree.xpath("//a[@download]")} == {""} and len(tree.xpath("//a[@download]")) == 4


def test_a_rebuild_with_nothing_changed_writes_nothing(built: Path, cli) -> None:
    before = {page: page.stat().st_mtime_ns for page in (built / "site").rglob("*")}
    again = cli("site", "-w", built)
    assert again.exit_code == 0 and "unchanged" in again.stdout
    assert {page: page.stat().st_mtime_ns for page in (built / "site").rglob("*")} == before


def test_markup_in_a_title_is_text_on_every_page(tmp_path: Path, cli) -> None:
    root = copy_sample_show(tmp_path / "show")
    edit_episode(root, SLUG, 'title = "', 'title = "<script>alert(1)</script><img src=x onerror=alert(2)> ')
    assert cli("site", "-w", root).exit_code == 0
    for page in pages(root):
        tree = parse(page)
        assert tree.xpath("//script[not(@src) and not(@type='application/ld+json')]") == []
        assert tree.xpath("//img[@onerror]") == [] and tree.xpath("//img[@src='x']") == []
        for data in tree.xpath("//script[@type='application/ld+json']/text()"):
            assert "</script" not in data.lower()


def test_text_with_html_characters_is_escaped_not_lost(tmp_path: Path, cli) -> None:
    """What plain_text keeps of a title ('<', '&', quotes) reaches the page as the same text, escaped by the
    templates, in the heading, the page title and the attributes."""
    root = copy_sample_show(tmp_path / "show")
    edit_episode(root, SLUG, 'title = "', 'title = "Q&A: is 1 < 2? \\"Yes\\" & ')
    assert cli("site", "-w", root).exit_code == 0
    page = root / "site" / "episodes" / SLUG / "index.html"
    tree = parse(page)
    heading = tree.xpath("//h1")[0].text_content()
    assert heading.startswith('Q&A: is 1 < 2? "Yes" & ')
    assert tree.xpath("//title")[0].text_content().startswith(heading)
    assert tree.xpath("//meta[@property='og:title']/@content")[0].startswith(heading)
    assert "Q&amp;A: is 1 &lt; 2?" in page.read_text()


# --- the preview server ------------------------------------------------------------------------------------

@pytest.fixture
def served(built: Path):
    import threading

    from sofacast.site.serve import preview_server

    server = preview_server(built / "site", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fetch(url: str, byte_range: str | None = None) -> tuple[int, dict[str, str], bytes]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"Range": byte_range} if byte_range else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), b""


def test_the_preview_answers_byte_ranges_as_players_ask_for_them(built: Path, served: str) -> None:
    audio = (built / "site" / "episodes" / SLUG / f"{SLUG}.mp3").read_bytes()
    url = f"{served}/episodes/{SLUG}/{SLUG}.mp3"
    status, headers, body = fetch(url)
    assert status == 200 and body == audio and headers["Accept-Ranges"] == "bytes"
    status, headers, body = fetch(url, "bytes=100-199")
    assert status == 206 and body == audio[100:200] and headers["Content-Range"] == f"bytes 100-199/{len(audio)}"
    status, headers, body = fetch(url, "bytes=-10")
    assert status == 206 and body == audio[-10:]
    status, headers, body = fetch(url, f"bytes={len(audio) - 5}-")
    assert status == 206 and body == audio[-5:]
    status, headers, _ = fetch(url, f"bytes={len(audio)}-")
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(audio)}"
    assert fetch(f"{served}/index.html")[0] == 200


def test_the_preview_serves_nothing_outside_the_site(served: str) -> None:
    for path in ("/../sofacast.toml", "/%2e%2e/sofacast.toml", "/..%2fsofacast.toml"):
        assert fetch(served + path)[0] == 404


def test_building_the_site_writes_nothing_outside_it(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found when tried: Pagefind's Python API also wrote the index to ./pagefind in the current directory."""
    root = copy_sample_show(tmp_path / "show")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    before = {p for p in root.rglob("*") if ".sofacast" not in p.parts}
    assert cli("site", "-w", root).exit_code == 0
    assert list(elsewhere.iterdir()) == []
    added = {p for p in root.rglob("*") if ".sofacast" not in p.parts} - before
    assert added and all(p.relative_to(root).parts[0] == "site" for p in added)
    assert (root / "site" / "pagefind" / "pagefind-entry.json").is_file()


def test_an_episode_made_a_draft_again_leaves_the_site(tmp_path: Path, cli) -> None:
    root = copy_sample_show(tmp_path / "show")
    (root / "site" / "robots.txt").parent.mkdir()
    (root / "site" / "robots.txt").write_text("User-agent: *\n")  # the producer's own file stays
    assert cli("site", "-w", root).exit_code == 0
    assert (root / "site" / "episodes" / SLUG / "index.html").is_file()
    toml = root / "episodes" / SLUG / "episode.toml"
    toml.write_text("draft = true\n" + toml.read_text())
    again = cli("site", "-w", root)
    assert again.exit_code == 0 and "no longer published removed" in again.stdout, again.output
    assert not (root / "site" / "episodes" / SLUG).exists()
    assert f"episodes/{SLUG}/" not in (root / "site" / "archive" / "index.html").read_text()
    assert (root / "site" / "robots.txt").read_text() == "User-agent: *\n"
    assert (root / "site" / "episodes" / SAMPLE_EPISODES[1] / "index.html").is_file()


def test_a_search_index_that_cannot_be_made_is_one_line_and_the_published_one_stays(tmp_path: Path, cli,
                                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind's program is replaced by a script that fails (a fake: the real one cannot be made to fail here)."""
    root = copy_sample_show(tmp_path / "show")
    assert cli("site", "-w", root).exit_code == 0
    entry = root / "site" / "pagefind" / "pagefind-entry.json"
    before = entry.read_bytes()
    failing = tmp_path / "pagefind"
    failing.write_text("#!/bin/sh\necho 'Error: no space left on device' >&2\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setattr("pagefind.service.get_executable", lambda: failing)
    edit_episode(root, SLUG, 'title = "', 'title = "New: ')  # the records change, so the index is made again
    result = cli("site", "-w", root)
    assert result.exit_code == 1 and "Traceback" not in result.output
    line, = result.stderr.strip().splitlines()
    assert "Pagefind could not build the site's search index (Error: no space left on device)" in line
    assert entry.read_bytes() == before
