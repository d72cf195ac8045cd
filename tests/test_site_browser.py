"""The website in a real browser: Debian's Chromium driven by Playwright, the sample show's site served by
`sofacast site --serve`'s own server on 127.0.0.1.

Needs /usr/bin/chromium (`apt-get install chromium`; CI installs it) and axe-core from tests/node
(`npm ci --prefix tests/node`). Without them these tests are skipped, unless SOFACAST_REQUIRE_BROWSER
is set (CI sets it), where they fail instead.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from PIL import Image

from tests.conftest import ROOT, SAMPLE_EPISODES, copy_sample_show
from tests.requirements import missing
from tests.test_feed import edit_episode

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "node" / "node_modules" / "axe-core" / "axe.min.js"
SLUG = SAMPLE_EPISODES[0]
VIDEO_SLUG = SAMPLE_EPISODES[1]
VIDEO_PAGE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
PHOTO_OF = "Tomas Okafor"
TOLERANCE = 0.5  # seconds

pytestmark = pytest.mark.slow


def _require() -> None:
    absent = [str(p) for p in (CHROMIUM, AXE) if not p.is_file()]
    try:
        import playwright  # noqa: F401
    except ImportError:
        absent.append("playwright (pip install -e '.[test]')")
    if absent:
        missing(f"browser tests need {', '.join(absent)}", "SOFACAST_REQUIRE_BROWSER")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample show's site/ folder."""
    _require()
    from typer.testing import CliRunner

    from sofacast.cli import app

    root = copy_sample_show(tmp_path_factory.mktemp("browser") / "show")
    # A guest's photo, and a source video offered on one episode (every page is then checked with them).
    (root / "people").mkdir()
    Image.new("RGB", (400, 400), (40, 90, 160)).save(root / "people" / "guest.jpg")
    toml = root / "sofacast.toml"
    toml.write_text(toml.read_text().replace("[site]\n", "[site]\nvideo = true\n")
                    + f'\n[people."{PHOTO_OF}"]\nphoto = "people/guest.jpg"\n')
    edit_episode(root, VIDEO_SLUG, 'source_url = "', f'source_url = "{VIDEO_PAGE}" #')
    result = CliRunner().invoke(app, ["site", "-w", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    from sofacast.site.serve import preview_server

    server = preview_server(site, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(site_url: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    opened = context.new_page()
    opened.errors = []  # console errors and uncaught exceptions, checked by the tests that want none
    opened.on("console", lambda message: opened.errors.append(message.text) if message.type == "error" else None)
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    yield opened
    context.close()


def episode_url(site_url: str, slug: str = SLUG) -> str:
    return f"{site_url}episodes/{slug}/index.html"


def ready(page) -> None:
    page.wait_for_function("document.getElementById('player').readyState >= 1")


def current_time(page) -> float:
    return float(page.evaluate("document.getElementById('player').currentTime"))


def chapters() -> list[dict]:
    return json.loads((ROOT / "transcripts" / f"{SLUG}.chapters.json").read_text())["chapters"]


def segments(slug: str = SLUG) -> list[dict]:
    return json.loads((ROOT / "transcripts" / f"{slug}.json").read_text())["segments"]


def test_clicking_the_third_question_seeks_the_player_to_its_chunk(site_url: str, page) -> None:
    page.goto(episode_url(site_url))
    ready(page)
    third = chapters()[3]  # the first chapter is the introduction: the third question is the fourth chapter
    page.locator("nav.chapters a").nth(3).click()
    page.wait_for_function(f"Math.abs(document.getElementById('player').currentTime - {third['startTime']}) < {TOLERANCE}")
    page.evaluate("document.getElementById('player').pause()")
    assert current_time(page) == pytest.approx(third["startTime"], abs=TOLERANCE)
    assert page.evaluate("window.location.hash") == f"#t={int(third['startTime'])}"
    assert page.errors == []


def test_a_t_fragment_in_the_address_starts_the_player_there(site_url: str, page) -> None:
    page.goto(episode_url(site_url) + "#t=30")
    ready(page)
    page.wait_for_function("document.getElementById('player').currentTime > 0")
    assert current_time(page) == pytest.approx(30, abs=TOLERANCE)


def test_playing_moves_the_highlight_through_the_transcript(site_url: str, page) -> None:
    page.goto(episode_url(site_url))
    ready(page)
    said = segments()
    page.evaluate(f"document.getElementById('player').currentTime = {said[2]['start'] + 0.05}")
    page.wait_for_function("document.querySelector('.s.now') && "
                           f"document.querySelector('.s.now').dataset.start === '{said[2]['start']:.2f}'")
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_function(f"document.getElementById('player').currentTime > {said[3]['start'] + 0.2}", timeout=30000)
    page.evaluate("document.getElementById('player').pause()")
    highlighted = float(page.evaluate("document.querySelector('.s.now').dataset.start"))
    assert highlighted >= said[3]["start"] - 0.01
    assert page.locator(".s.now").count() == 1 and page.locator(".s.now").get_attribute("aria-current") == "true"


def test_clicking_a_sentence_seeks_to_it(site_url: str, page) -> None:
    page.goto(episode_url(site_url))
    ready(page)
    said = segments()
    page.locator(".transcript .s").nth(5).click()
    page.wait_for_function(f"Math.abs(document.getElementById('player').currentTime - {said[5]['start']}) < {TOLERANCE}")
    page.evaluate("document.getElementById('player').pause()")
    assert current_time(page) == pytest.approx(said[5]["start"], abs=TOLERANCE)


def test_a_phrase_search_finds_the_passage_and_opens_its_episode_at_its_second(site_url: str, page) -> None:
    slug = SAMPLE_EPISODES[1]
    said = segments(slug)
    sentence = said[4]
    # Three plain words in a row: a hyphenated word ("pre-use") is one word to the index, two to a regex.
    words = [word.strip(",.;:?!") for word in sentence["text"].split()[1:]]
    start = next(i for i in range(len(words) - 2) if all(re.fullmatch(r"[A-Za-z']+", w) for w in words[i:i + 3]))
    phrase = " ".join(words[start:start + 3])
    page.goto(f"{site_url}search/index.html")
    page.fill("#q", f'"{phrase}"')
    page.click("button[type=submit]")
    page.wait_for_selector("#results li a", timeout=20000)
    links = page.locator("#results li a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    found = [h for h in hrefs if f"/episodes/{slug}/" in h]
    assert found, hrefs
    # Every hit is a passage that says the phrase (its words marked), not one whose question or episode title does.
    marked = page.locator("#results li").evaluate_all(
        "items => items.map(li => Array.from(li.querySelectorAll('.snippet mark')).map(m => m.textContent).join(' '))")
    words = [word.lower() for word in phrase.split()]
    assert all(all(w in hit.lower() for w in words) for hit in marked), (phrase, marked)
    assert page.locator("#status").text_content() == f"{len(hrefs)} passage{'s' if len(hrefs) != 1 else ''}"
    second = int(found[0].rsplit("#t=", 1)[1])
    # The passage: this speaker's sentences up to this one; it opens where the first of them starts.
    starts = [s["start"] for s in said if int(s["start"]) == second and s["speaker"] == sentence["speaker"]]
    assert starts and min(starts) <= sentence["start"], (second, sentence)
    links.nth(hrefs.index(found[0])).click()
    page.wait_for_url(re.compile(rf"episodes/{slug}/index.html#t={second}$"))
    ready(page)
    page.wait_for_function("document.getElementById('player').currentTime > 0")
    assert current_time(page) == pytest.approx(second, abs=TOLERANCE)
    assert page.errors == []


def test_a_passage_is_not_found_by_the_words_of_its_question_alone(site_url: str, page) -> None:
    """Found when tried: '"national response team"' also listed Tomas Okafor's answer to "Why do so many national
    response teams struggle…?", which does not say it (Pagefind indexes metadata words, and the question was one)."""
    page.goto(f"{site_url}search/index.html?q=" + quote('"national response team"'))
    page.wait_for_selector("#results li", timeout=20000)
    speakers = page.locator("#results li .meta").all_text_contents()
    marks = page.locator("#results li").evaluate_all("items => items.map(li => li.querySelectorAll('mark').length)")
    assert speakers and all(count >= 3 for count in marks), (speakers, marks)
    assert not any(speaker.startswith("Tomas Okafor") for speaker in speakers)


def test_search_filters_by_guest(site_url: str, page) -> None:
    page.goto(f"{site_url}search/index.html")
    options = page.locator("#guest option")
    guest = options.nth(1).inner_text()
    page.fill("#q", "the")
    page.select_option("#guest", guest)
    page.click("button[type=submit]")
    page.wait_for_function("document.getElementById('status').textContent !== 'Searching…'", timeout=20000)
    hrefs = page.locator("#results li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs
    episodes_with_guest = {slug for slug in SAMPLE_EPISODES if guest in (ROOT / "episodes" / slug / "episode.toml").read_text()}
    assert all(h.startswith("../episodes/") for h in hrefs), hrefs
    assert {h.split("/")[2] for h in hrefs} <= episodes_with_guest


def site_pages(site_url: str, page) -> list[str]:
    """Every page reachable from the home page by internal links."""
    seen, queue = set(), [site_url + "index.html"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        for href in page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
            target = urljoin(url, href).split("#")[0]
            if target.startswith(site_url) and target.endswith(".html"):
                queue.append(target)
    return sorted(seen)


def test_every_internal_link_and_resource_resolves_and_no_page_logs_an_error(site_url: str, page) -> None:
    failed = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    outside = []
    page.on("request", lambda request: outside.append(request.url) if urlsplit(request.url).hostname != "127.0.0.1" else None)
    visited = site_pages(site_url, page)
    assert len(visited) >= 8
    for url in visited:
        page.goto(url)
        for href in page.locator("a[href]:not([href^='http'])").evaluate_all("links => links.map(a => a.href)"):
            assert page.request.get(href.split("#")[0]).status == 200, f"{url}: {href}"
    assert failed == [] and outside == [] and page.errors == []


def test_the_source_video_loads_from_its_host_only_when_asked(site_url: str, page) -> None:
    """Before the click nothing goes to YouTube; the click puts its privacy-enhanced player in the page (the
    request itself is answered here with an empty page: tests use no network)."""
    asked = []
    page.route(re.compile(r"^https://www\.youtube-nocookie\.com/"),
               lambda route: (asked.append(route.request.url), route.fulfill(status=200, body="<html></html>")))
    page.goto(episode_url(site_url, VIDEO_SLUG))
    page.wait_for_load_state("load")
    assert asked == [] and page.locator("iframe").count() == 0
    page.get_by_role("link", name="Watch the video on YouTube").click()
    frame = page.locator("iframe.video-frame")
    frame.wait_for()
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    page.wait_for_timeout(300)
    assert asked == ["https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"] and page.errors == []


def test_no_serious_accessibility_violations_and_nothing_scrolls_sideways_at_360_px(site_url: str, browser) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for url in [site_url + "index.html", episode_url(site_url), episode_url(site_url, VIDEO_SLUG),
                site_url + "search/index.html", site_url + "archive/index.html", site_url + "guests/index.html"]:
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{url}: {serious}"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{url} is {width} px wide at 360 px"
    context.close()


def test_pages_read_without_javascript(site_url: str, browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(episode_url(site_url))
    assert page.locator("nav.chapters a").count() == len(chapters())
    assert page.locator(".transcript .s").count() == len(segments())
    context.close()


def test_search_from_a_file_url_says_it_needs_a_web_server(site: Path, browser) -> None:
    """Pages work from file://; Pagefind's fragments cannot be fetched from there, and the page says so."""
    context = browser.new_context()
    page = context.new_page()
    page.goto((site / "search" / "index.html").as_uri() + "?q=cable")
    page.wait_for_function("document.getElementById('status').textContent.includes('web server')")
    page.goto((site / "episodes" / SLUG / "index.html").as_uri())
    assert page.locator(".transcript .s").count() == len(segments())
    context.close()


def test_screenshots_of_the_home_an_episode_and_a_search(site_url: str, browser, tmp_path: Path) -> None:
    """The README's screenshots are made the same way (tools/site_screenshots.py)."""
    from tools.site_screenshots import take_screenshots

    shots = take_screenshots(browser, site_url, tmp_path)
    assert [shot.name for shot in shots] == ["home.png", "episode.png", "search.png"]
    assert all(shot.stat().st_size > 10_000 for shot in shots)
