"""Screenshots of the sample show's website for the README: the home page, an episode, a search.

Usage: python tools/site_screenshots.py   (needs /usr/bin/chromium and the test extra's playwright)
Builds the site of a copy of the sample show, serves it on 127.0.0.1 and writes docs/screenshots/*.png.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EPISODE = "the-attribution-problem"
PHRASE = '"national response team"'


def take_screenshots(browser, site_url: str, folder: Path) -> list[Path]:
    """Home, an episode (mid-play, a sentence highlighted) and a search, 1000 px wide."""
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1000, "height": 1250})
    page = context.new_page()
    shots = []
    page.goto(site_url + "index.html")
    shots.append(_shot(page, folder / "home.png"))
    page.goto(f"{site_url}episodes/{EPISODE}/index.html#t=20")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    page.wait_for_selector(".s.now")
    shots.append(_shot(page, folder / "episode.png"))
    page.goto(f"{site_url}search/index.html?q={PHRASE}")
    page.wait_for_selector("#results li a", timeout=20000)
    shots.append(_shot(page, folder / "search.png"))
    context.close()
    return shots


def _shot(page, path: Path) -> Path:
    page.screenshot(path=str(path))
    return path


def main() -> None:
    from playwright.sync_api import sync_playwright
    from typer.testing import CliRunner

    from sofacast.cli import app
    from sofacast.site.serve import preview_server
    from tests.conftest import copy_sample_show

    with tempfile.TemporaryDirectory() as tmp:
        root = copy_sample_show(Path(tmp) / "show")
        result = CliRunner().invoke(app, ["site", "-w", str(root)])
        if result.exit_code != 0:
            raise SystemExit(result.output)
        server = preview_server(root / "site", port=0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for shot in take_screenshots(browser, f"http://127.0.0.1:{server.server_address[1]}/",
                                         ROOT / "docs" / "screenshots"):
                print(shot.relative_to(ROOT))
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
