"""What a producer sets for the website: [site] in sofacast.toml (directories to subscribe in, the source video),
people's photos, the voice book's names, and the related episodes the show notes also link."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree, html
from PIL import Image

from sofacast.site.video import source_video
from tests.conftest import SAMPLE_EPISODES, copy_sample_show
from tests.test_feed import edit_episode

SLUG = SAMPLE_EPISODES[0]
GUEST = "Tomas Okafor"  # a guest of SLUG


def add_to_show(root: Path, text: str) -> None:
    toml = root / "sofacast.toml"
    toml.write_text(toml.read_text() + "\n" + text + "\n")


def page(root: Path, *parts: str):
    return html.fromstring((root / "site" / Path(*parts) / "index.html").read_bytes())


@pytest.fixture
def show(tmp_path: Path) -> Path:
    return copy_sample_show(tmp_path / "show")


def test_the_home_page_lists_the_feed_and_the_directories_in_the_order_given(show: Path, cli) -> None:
    add_to_show(show, '[site.subscribe]\n"Apple Podcasts" = "https://podcasts.apple.com/podcast/id1"\n'
                      'Spotify = "https://open.spotify.com/show/abc"\n"Pocket Casts" = "https://pca.st/xyz"')
    assert cli("site", "-w", show).exit_code == 0
    links = page(show).xpath("//ul[@class='subscribe']//a")
    assert [(a.text_content(), a.get("href")) for a in links] == [
        ("RSS feed", "https://sofacast.example.org/diplomats-sofa/feeds/feed.xml"),
        ("Apple Podcasts", "https://podcasts.apple.com/podcast/id1"), ("Spotify", "https://open.spotify.com/show/abc"),
        ("Pocket Casts", "https://pca.st/xyz")]


def test_a_directory_address_that_is_not_http_is_one_line_and_the_site_is_left_as_it_was(show: Path, cli) -> None:
    assert cli("site", "-w", show).exit_code == 0
    before = {p: p.stat().st_mtime_ns for p in (show / "site").rglob("*")}
    add_to_show(show, '[site.subscribe]\nEvil = "javascript:alert(1)"')
    result = cli("site", "-w", show)
    assert result.exit_code == 1 and "Traceback" not in result.output
    line, = result.stderr.strip().splitlines()
    assert line.startswith("Error: sofacast.toml: site.subscribe:") and "'javascript:alert(1)'" in line
    assert {p: p.stat().st_mtime_ns for p in (show / "site").rglob("*")} == before


def test_photos_come_from_the_workspace_cut_square_and_small_without_their_metadata(show: Path, cli) -> None:
    (show / "people").mkdir()
    exif = Image.Exif()
    exif[0x8825] = {2: (46.0, 12.0, 0.0)}  # a GPS position, which a web page must not pass on
    Image.new("RGB", (1200, 800), (200, 120, 40)).save(show / "people" / "tomas.jpg", exif=exif)
    add_to_show(show, f'[people."{GUEST}"]\nphoto = "people/tomas.jpg"')
    assert cli("site", "-w", show).exit_code == 0
    guest = page(show, "guests", "tomas-okafor")
    source = guest.xpath("//header[@class='guest']/img/@src")[0]
    made = (show / "site" / "guests" / "tomas-okafor" / source).resolve()
    with Image.open(made) as picture:
        assert picture.format == "JPEG" and picture.size == (240, 240)
        assert not picture.getexif()
    episode = page(show, "episodes", SLUG)
    assert episode.xpath(f"//li[@class='person'][.//a[text()='{GUEST}']]/img/@src") == [f"../../assets/images/{made.name}"]
    host = episode.xpath("//li[@class='person'][.//strong[text()='Elena Marsh']]/span[@aria-hidden]")[0]
    assert host.text_content() == "EM"  # no photo: the initials, hidden from screen readers (the name follows)
    assert "img" not in [element.tag for element in episode.iter() if element.get("src", "").startswith("http")]


def test_a_changed_photo_replaces_the_old_picture_and_an_unchanged_one_is_not_made_again(show: Path, cli) -> None:
    (show / "people").mkdir()
    Image.new("RGB", (300, 300), "red").save(show / "people" / "tomas.png")
    add_to_show(show, f'[people."{GUEST}"]\nphoto = "people/tomas.png"')
    assert cli("site", "-w", show).exit_code == 0
    first = sorted((show / "site" / "assets" / "images").iterdir())
    assert cli("site", "-w", show).stdout.strip().endswith("unchanged")
    Image.new("RGB", (300, 300), "blue").save(show / "people" / "tomas.png")
    assert cli("site", "-w", show).exit_code == 0
    second = sorted((show / "site" / "assets" / "images").iterdir())
    assert len(second) == len(first) and set(second) != set(first)  # the red one went, the blue one came


@pytest.mark.parametrize(("photo", "said"), [
    ("../outside.jpg", "points outside the workspace"),
    ("people/missing.jpg", "does not exist"),
    ("people/broken.jpg", "is not an image that can be read"),
])
def test_a_photo_that_cannot_be_used_is_one_line(show: Path, cli, photo: str, said: str) -> None:
    (show / "people").mkdir()
    (show / "people" / "broken.jpg").write_bytes(b"not a picture at all")
    (show.parent / "outside.jpg").write_bytes(b"")
    add_to_show(show, f'[people."{GUEST}"]\nphoto = "{photo}"')
    result = cli("site", "-w", show)
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0], result.stderr


def test_guest_pages_follow_the_voice_books_names(show: Path, cli) -> None:
    """A person renamed in the voice book (`sofacast voices rename`) is shown under the new name, and their
    episodes stay together on one guest page, though episode.toml still says the former name."""
    (show / "voiceprints.json").write_text(json.dumps({"people": {}, "aliases": {GUEST: "Ambassador Tomas Okafor"}}))
    assert cli("site", "-w", show).exit_code == 0
    assert not (show / "site" / "guests" / "tomas-okafor").exists()
    guest = page(show, "guests", "ambassador-tomas-okafor")
    assert guest.xpath("//h1/text()") == ["Ambassador Tomas Okafor"]
    appearances = {a.get("href").split("/")[-2] for a in guest.xpath("//ol[@class='episodes']//a")}
    expected = {slug for slug in SAMPLE_EPISODES
                if GUEST in (show / "episodes" / slug / "episode.toml").read_text()}
    assert appearances == expected and len(expected) >= 1
    home = page(show)
    assert "Ambassador Tomas Okafor" in home.xpath("//section[@aria-labelledby='guests']//a/text()")


def test_the_guests_page_lists_everyone_and_the_home_page_the_newest(show: Path, cli) -> None:
    assert cli("site", "-w", show).exit_code == 0
    listed = page(show, "guests").xpath("//ul[@class='people']//strong/a/text()")
    guests = {name for slug in SAMPLE_EPISODES for name in _guests(show, slug)}
    assert listed == sorted(guests, key=str.casefold)
    on_home = page(show).xpath("//section[@aria-labelledby='guests']//strong/a/text()")
    assert set(on_home) == guests


def _guests(show: Path, slug: str) -> list[str]:
    import tomllib

    data = tomllib.loads((show / "episodes" / slug / "episode.toml").read_text())
    return [g["name"] if isinstance(g, dict) else g for g in data.get("guests", [])]


@pytest.mark.parametrize(("url", "player"), [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://www.youtube.com/live/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
    ("https://www.youtube.com/watch?v=short", None),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ%22onload=x", None),
    ("https://www.youtube.com/channel/UCabcdefghij", None),
    ("javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ", None),
    ("https://example.org/episode.mp3", None),
    ("samples/recordings/norms-in-cyberspace.mp3", None),
])
def test_the_source_video_player_is_built_from_a_checked_id_only(url: str, player: str | None) -> None:
    found = source_video(url)
    assert (found.player if found else None) == player


def test_the_source_video_is_a_link_until_asked_for_and_only_when_the_producer_wants_it(show: Path, cli) -> None:
    edit_episode(show, SLUG, 'source_url = "', 'source_url = "https://youtu.be/dQw4w9WgXcQ" #')
    assert cli("site", "-w", show).exit_code == 0
    assert page(show, "episodes", SLUG).xpath("//a[@class='video-load']") == []
    toml = show / "sofacast.toml"
    toml.write_text(toml.read_text().replace("[site]\n", "[site]\nvideo = true\n"))
    assert cli("site", "-w", show).exit_code == 0
    episode = page(show, "episodes", SLUG)
    link = episode.xpath("//a[@class='video-load']")[0]
    assert link.get("href") == "https://youtu.be/dQw4w9WgXcQ"
    assert link.get("data-player") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert episode.xpath("//iframe") == []  # nothing is loaded from YouTube until the listener asks
    assert page(show, "episodes", SAMPLE_EPISODES[1]).xpath("//a[@class='video-load']") == []  # a local source


def test_other_episodes_are_the_previous_ones_and_the_related_ones_of_the_show_notes(show: Path, cli) -> None:
    """The episode page links what its show notes link (as read back from the feed's content:encoded)."""
    toml = show / "sofacast.toml"
    toml.write_text(toml.read_text().replace("[feed]\n", '[feed]\nprevious = 1\naudio = "original"\n'))
    _rerun(show, SLUG, "rerun")  # the same conversation again: the closest in topic to its first airing
    assert cli("feed", "-w", show).exit_code == 0
    assert cli("site", "-w", show).exit_code == 0
    feed = etree.parse(str(show / "feeds" / "feed.xml"))
    content = "{http://purl.org/rss/1.0/modules/content/}encoded"
    checked_related = 0
    for item in feed.getroot().iterfind("channel/item"):
        slug = item.findtext("link").split("/")[-2]  # …/episodes/<slug>/shownotes.html
        notes = html.fromstring(item.findtext(content))
        linked = [a.text_content() for a in notes.xpath("//a[contains(@href, 'shownotes.html')]")]
        on_page = page(show, "episodes", slug).xpath("//section[@class='other']//li/a")
        titles = [" ".join(a.text_content().split()) for a in on_page]
        assert [t.split(" ", 1)[1] if t.startswith("#") else t for t in titles] == linked, slug
        checked_related += len(page(show, "episodes", slug).xpath("//ul[contains(@class, 'related')]/li"))
    assert checked_related >= 1
    rerun = page(show, "episodes", "rerun").xpath("//ul[contains(@class, 'related')]/li/a/@href")
    assert rerun[0] == f"../../episodes/{SLUG}/index.html"  # the closest first


def _rerun(show: Path, slug: str, new: str) -> None:
    """Episode `slug` published again a year later as `new`, with its transcript files."""
    shutil.copytree(show / "episodes" / slug, show / "episodes" / new)
    toml = show / "episodes" / new / "episode.toml"
    text = re.sub(r'(?m)^published = .*$', 'published = "2027-10-01"', toml.read_text())
    toml.write_text(re.sub(r'(?m)^title = "', 'title = "Rerun: ', text, count=1))
    for path in (show / "transcripts").glob(f"{slug}.*"):
        target = show / "transcripts" / (new + path.name[len(slug):])
        target.write_text(path.read_text().replace(f'"{slug}', f'"{new}'))
