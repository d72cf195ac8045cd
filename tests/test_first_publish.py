"""A new show publishes on its first try: `init` checks everything it is given at once and draws artwork when
there is none; `validate` works before any feed exists and lists every finding in one run; a new episode without
a transcript is held back, not published half-done; counts say "1 episode"."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from sofacast.feed.validate import NS
from tests.conftest import copy_sample_show

SHOW = ["--title", "Test Sofa", "--author", "Elena Marsh", "--email", "e@example.org", "--base-url", "https://example.org/show"]
APPLE_ARTWORK_LIMIT = 512 * 1024  # bytes: what podcast hosts hold Apple's artwork to


def init(cli, root: Path, *extra: str):
    return cli("init", root, *SHOW, *extra)


def options(*pairs: tuple[str, str]) -> list[str]:
    return [part for pair in pairs for part in pair]


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def items(root: Path) -> list[etree._Element]:
    return etree.parse(str(root / "feeds" / "feed.xml")).getroot().findall("channel/item")


def set_feed(root: Path, line: str) -> None:
    toml = root / "sofacast.toml"
    toml.write_text(toml.read_text().replace("[feed]\n", f"[feed]\n{line}\n"))


def add_to_episode(root: Path, slug: str, line: str) -> None:
    toml = root / "episodes" / slug / "episode.toml"
    toml.write_text(f"{line}\n" + toml.read_text())


# --- init checks what it is given: every problem at once, one line each, nothing written -------------------

def test_init_names_every_problem_at_once_and_writes_nothing(tmp_path: Path, cli) -> None:
    root = tmp_path / "show"
    result = cli("init", root, "--title", "Test Sofa", "--author", "Elena Marsh", "--email", "elena-at-example.org",
                 "--base-url", "example.org/show", "--language", "english", "--category", "technology",
                 "--category", "Tech News", "--category", "Home and Garden", "--category", "Cooking Shows")
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = error_lines(result)
    assert lines == [
        "Error: --email 'elena-at-example.org' is not an email address. Give the owner's address, e.g. producer@example.org: "
        "Apple sends mail about the show there.",
        "Error: --base-url 'example.org/show' is not an http(s) address with a host. Give the http(s) address feeds/, "
        "episodes/ and transcripts/ will be served at, e.g. https://example.org/show/.",
        "Error: --language 'english' is not a BCP 47 language tag. Did you mean 'en'?",
        "Error: --category 'technology' is not one of Apple's categories. Did you mean 'Technology'?",
        "Error: --category 'Tech News' is not one of Apple's categories. Did you mean 'News > Tech News'?",
        "Error: --category 'Home and Garden' is not one of Apple's categories. Did you mean 'Leisure > Home & Garden'?",
        lines[-1],
    ]
    assert lines[-1].startswith("Error: --category 'Cooking Shows' is not one of Apple's categories. "
                                "Choose one of Apple's: Arts,")
    assert not root.exists()


@pytest.mark.parametrize("language", ["en", "en-GB", "pt-BR", "zh-Hans-CN", "es-419"])
def test_init_takes_a_bcp_47_language_tag(tmp_path: Path, cli, language: str) -> None:
    result = init(cli, tmp_path / "show", "--language", language, "--image-url", "https://example.org/art.png")
    assert result.exit_code == 0, result.output
    assert tomllib.loads((tmp_path / "show" / "sofacast.toml").read_text())["language"] == language


@pytest.mark.parametrize(("language", "meant"), [("en_US", "en-US"), ("pt_br", "pt-BR"), ("German", "de")])
def test_init_refuses_what_is_not_a_language_tag_and_says_what_was_meant(tmp_path: Path, cli, language: str,
                                                                        meant: str) -> None:
    result = init(cli, tmp_path / "show", "--language", language)
    assert result.exit_code == 1
    assert error_lines(result) == [f"Error: --language '{language}' is not a BCP 47 language tag. Did you mean '{meant}'?"]


def test_init_takes_a_subcategory_written_as_apple_names_it(tmp_path: Path, cli) -> None:
    result = init(cli, tmp_path / "show", "--category", "Leisure > Home & Garden", "--category", "Government")
    assert result.exit_code == 0, result.output
    data = tomllib.loads((tmp_path / "show" / "sofacast.toml").read_text())
    assert data["categories"] == ["Leisure > Home & Garden", "Government"]


def test_a_hand_edited_category_gets_a_did_you_mean_from_validate_and_feed(workspace: Path, cli) -> None:
    toml = workspace / "sofacast.toml"
    toml.write_text(toml.read_text().replace('"Technology"', '"technology"'))
    expected = "channel: itunes:category: 'technology' is not one of Apple's categories; did you mean 'Technology'?"
    report = cli("validate", "-w", workspace)
    assert report.exit_code == 1 and report.stdout.splitlines() == [expected]
    refused = cli("feed", "-w", workspace)
    assert refused.exit_code == 1 and expected in refused.stderr
    assert not (workspace / "feeds" / "feed.xml").exists()


# --- init draws artwork when there is none --------------------------------------------------------------------

def test_init_without_artwork_draws_a_square_3000_px_png_and_names_it_in_the_feed_settings(tmp_path: Path, cli) -> None:
    root = tmp_path / "show"
    result = init(cli, root)
    assert result.exit_code == 0, result.output
    assert "Made artwork.png from the title" in result.stdout and "replace it with the show's own artwork" in result.stdout
    artwork = root / "artwork.png"
    with Image.open(artwork) as image:
        assert (image.format, image.size, image.mode) == ("PNG", (3000, 3000), "RGB")  # RGB: no alpha channel
        assert len(image.getcolors(2**16) or []) > 2  # a title drawn (anti-aliased) on the background
    assert artwork.stat().st_size < APPLE_ARTWORK_LIMIT
    assert tomllib.loads((root / "sofacast.toml").read_text())["feed"] == {"artwork": "artwork.png"}
    report = cli("validate", "-w", root)
    assert report.exit_code == 0, report.output
    assert "not written yet; the feed 'sofacast feed' would write is valid (0 episodes)" in report.stdout


def test_init_never_overwrites_an_artwork_png_already_there(tmp_path: Path, cli) -> None:
    root = tmp_path / "show"
    root.mkdir()
    (root / "artwork.png").write_bytes(b"the producer's own file")
    result = init(cli, root)
    assert result.exit_code == 0 and "Using the artwork.png already in the folder" in result.stdout
    assert (root / "artwork.png").read_bytes() == b"the producer's own file"
    assert tomllib.loads((root / "sofacast.toml").read_text())["feed"] == {"artwork": "artwork.png"}


def test_init_with_an_image_url_draws_nothing(tmp_path: Path, cli) -> None:
    root = tmp_path / "show"
    assert init(cli, root, "--image-url", "https://example.org/art.jpg").exit_code == 0
    assert not (root / "artwork.png").exists() and "feed" not in tomllib.loads((root / "sofacast.toml").read_text())


# --- validate before any feed exists, every finding in one run --------------------------------------------

def test_validate_lists_every_finding_of_the_feed_to_come_in_one_run_and_writes_nothing(workspace: Path, cli,
                                                                                      jfk: Path) -> None:
    assert cli("pull", jfk, "--slug", "jfk", "-w", workspace).exit_code == 0
    add_to_episode(workspace, "jfk", "draft = false")
    (workspace / "episodes" / "jfk" / "jfk.flac").unlink()
    Image.new("RGB", (1400, 1000), "navy").save(workspace / "artwork.png")  # not square
    toml = workspace / "sofacast.toml"
    toml.write_text(toml.read_text().replace('base_url = "https://example.org/show/"\n', "")
                    .replace("[feed]\n", '[feed]\nintro = "clips/intro.mp3"\n'))
    before = sorted(p for p in workspace.rglob("*"))
    report = cli("validate", "-w", workspace)
    assert report.exit_code == 1 and "Traceback" not in report.output
    assert report.stdout.splitlines() == [
        "sofacast.toml: base_url: is missing; give the http(s) address feeds/, episodes/ and transcripts/ will be served at, "
        "e.g. https://example.org/show/",
        f"sofacast.toml: feed.intro: intro = 'clips/intro.mp3' does not exist. Put the file at {workspace}/clips/intro.mp3, "
        "or remove intro.",
        "channel: itunes:image: artwork must be square, artwork.png is 1400×1000",
        "episode jfk: enclosure: the media file jfk.flac is missing. Pull it again (sofacast pull … --slug jfk --force) "
        "or set draft = true in its episode.toml.",
    ]
    assert sorted(p for p in workspace.rglob("*")) == before  # a reader: nothing made, not even .sofacast/


def test_validate_a_feed_file_needs_no_workspace(tmp_path: Path, cli) -> None:
    feed = tmp_path / "foreign.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>S</title></channel></rss>')
    report = cli("validate", feed, "-w", tmp_path / "nowhere")
    assert report.exit_code == 1 and "channel: link: must be the show's web page" in report.stdout


# --- a new episode without a transcript is held back ---------------------------------------------------------

def test_a_new_episode_without_a_transcript_is_held_back_until_draft_false_publishes_it(workspace: Path, cli,
                                                                                        jfk: Path) -> None:
    set_feed(workspace, 'audio = "original"')
    assert cli("pull", jfk, "--slug", "jfk", "-w", workspace).exit_code == 0
    held = cli("feed", "-w", workspace)
    assert held.exit_code == 0, held.output
    assert error_lines(held) == ["Warning: episodes/jfk: held back — no transcript yet; run 'sofacast transcribe jfk', "
                                 "or set draft = false in its episode.toml to publish it without one"]
    assert "feeds/feed.xml: 0 episodes, written" in held.stdout and items(workspace) == []
    add_to_episode(workspace, "jfk", "draft = false")
    published = cli("feed", "-w", workspace)
    assert published.exit_code == 0 and published.stderr == ""
    assert "feeds/feed.xml: 1 episode, written" in published.stdout  # not "1 episodes"
    assert len(items(workspace)) == 1 and not items(workspace)[0].findall("podcast:transcript", NS)
    report = cli("validate", "-w", workspace)
    assert report.exit_code == 0 and report.stdout.endswith("feed.xml: valid (1 episode)\n"), report.output


def test_an_episode_already_published_stays_when_its_transcript_goes_missing(tmp_path: Path, cli) -> None:
    root = copy_sample_show(tmp_path / "show")
    set_feed(root, 'audio = "original"')
    assert cli("feed", "-w", root).exit_code == 0
    guid = json.loads((root / "feeds" / "guids.json").read_text())["episodes"]["capacity-building"]
    for path in (root / "transcripts").glob("capacity-building.*"):
        path.unlink()
    result = cli("feed", "-w", root)
    assert result.exit_code == 0, result.output
    assert "Warning: episodes/capacity-building: its transcript is missing; it stays in the feed" in result.stderr
    item = next(i for i in items(root) if i.findtext("guid") == guid)  # no listener's app loses it
    assert not item.findall("podcast:transcript", NS)  # and it links no file that is gone
    assert "feeds/feed.xml: 3 episodes, written" in result.stdout


# --- the whole first publish ------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_new_show_made_by_init_publishes_its_first_episode_in_one_run(tmp_path: Path, cli, jfk: Path) -> None:
    root = tmp_path / "show"
    made = init(cli, root)
    assert made.exit_code == 0, made.output
    result = cli("publish", jfk, "--title", "Ask Not", "--guest", "John F. Kennedy", "-w", root)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no warning, nothing held back
    assert "transcribed: ask-not" in result.stdout and "feed: 1 episode, written (1 from this source)" in result.stdout
    assert "pulled: ask-not (dated " in result.stdout and "from the file's modification time" in result.stdout
    [item] = items(root)
    assert item.findtext("title") == "Ask Not" and item.findall("podcast:transcript", NS)
    assert item.find("enclosure").get("url") == "https://example.org/show/episodes/ask-not/ask-not.podcast.mp3"
    channel = etree.parse(str(root / "feeds" / "feed.xml")).getroot().find("channel")
    assert channel.xpath("itunes:image/@href", namespaces=NS) == ["https://example.org/show/artwork.png"]
    report = cli("validate", "-w", root)
    assert report.exit_code == 0, report.output
    assert report.stdout.strip().endswith("feed.xml: valid (1 episode)")
    shutil.rmtree(root / "feeds")  # and the feed to come is the same, valid one
    assert cli("validate", "-w", root).exit_code == 0
