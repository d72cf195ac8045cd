"""Every app out (issue 11): psc:chapters, chapter timestamps in the description, newest items first,
podcast:soundbite, the channel's funding/podroll/txt/license/location/trailer from sofacast.toml,
podcast:person img, and ID3 CHAP frames in time order.

The sample show is published once with `audio = "original"` (no re-encoding, so it is quick) and with
hand edits that real producers make — and hostile text where it must come out escaped.
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import numpy as np
import podcastparser
import pytest
from lxml import etree
from mutagen.id3 import ID3
from typer.testing import CliRunner

from sofacast.audio.id3_tags import ChapterMark, EpisodeTags, write_tags
from sofacast.cli import app
from sofacast.errors import WorkspaceError
from sofacast.feed.build import timestamps
from sofacast.feed.podcast_index import PSC, Chapter
from sofacast.feed.safety import feed_problems
from sofacast.feed.validate import NS, validate_feed
from sofacast.media import ffmpeg
from sofacast.shownotes.render import Chapter as NotesChapter
from sofacast.shownotes.render import Person as NotesPerson
from sofacast.shownotes.render import ShowNotes, first_paragraph
from sofacast.workspace import Workspace
from tests.conftest import copy_sample_show
from tests.feed_parsers import parse_with_partytime

BASE = "https://sofacast.example.org/diplomats-sofa/"
FEED_URL = BASE + "feeds/feed.xml"
XPATH = {**NS, "psc": PSC}
HOSTILE_CHAPTER = 'Evidence & "certainty" <b>now</b> <3'
SHOW_EXTRAS = '''
[people."Elena Marsh"]
img = "https://sofacast.example.org/people/elena.jpg"
url = "https://sofacast.example.org/people/elena"

[[funding]]
url = "https://sofacast.example.org/support"
text = "Support the <b>sofa</b> & friends"

[[funding]]
url = "https://example.org/members"
text = "Become a member"

[[podroll]]
guid = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
url = "https://feeds.podcastindex.org/pc20.xml"
title = "Podcasting 2.0"

[[podroll]]
guid = "396d9ae0-da7e-5557-b894-b606231fa3ea"

[[txt]]
text = "S6lpp-7ZCn8-dZfGc-OoyaG"
purpose = "verify"

[license]
name = "CC-BY-4.0"
url = "https://creativecommons.org/licenses/by/4.0/"

[location]
name = "Geneva"
geo = "geo:46.2044,6.1432"
osm = "R1685488"
country = "CH"
rel = "creator"

[[trailer]]
url = "https://sofacast.example.org/diplomats-sofa/trailer.mp3"
title = "Coming September 7th"
published = 2026-09-01
length = 123456
season = 1
'''


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def episode_toml(root: Path, slug: str) -> Path:
    return root / "episodes" / slug / "episode.toml"


def prepare(root: Path) -> Path:
    """The sample show as producers edit it: every new sofacast.toml setting, a soundbite override with a
    hostile title, an episode without a description, a guest host, photos, and a chapter title with markup."""
    copy_sample_show(root)
    edit(root / "sofacast.toml", "[feed]\n", '[feed]\naudio = "original"\n')
    (root / "sofacast.toml").write_text((root / "sofacast.toml").read_text() + SHOW_EXTRAS)
    norms = episode_toml(root, "norms-in-cyberspace")
    hostile = '"<script>alert(1)</script>Norms & \\"teeth\\" <3"'
    edit(norms, "duration = 83.25\n", f"duration = 83.25\nsoundbite = {{start = 23.0, duration = 17.5, title = {hostile}}}\n")
    attribution = episode_toml(root, "the-attribution-problem")
    attribution.write_text(re.sub(r'description = """.*?"""\n', "", attribution.read_text(), flags=re.DOTALL))
    edit(attribution, 'url = "https://sofacast.example.org/people/priya-raman"',
         'url = "https://sofacast.example.org/people/priya-raman"\nimg = "https://sofacast.example.org/people/priya.jpg"')
    chapters = root / "transcripts" / "the-attribution-problem.chapters.json"
    edit(chapters, '"How certain can a government be before it points the finger?"', json.dumps(HOSTILE_CHAPTER))
    capacity = episode_toml(root, "capacity-building")
    edit(capacity, 'url = "https://sofacast.example.org/people/henrik-sato"',
         'url = "https://sofacast.example.org/people/henrik-sato"\nimg = "javascript:alert(1)"')
    capacity.write_text(capacity.read_text() + '\n[[hosts]]\nname = "Alina Ferreira"\nimg = "https://example.org/alina.png"\n')
    return root


def feed(root: Path) -> CliRunner:
    result = CliRunner().invoke(app, ["feed", "-w", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = prepare(tmp_path_factory.mktemp("every-app") / "show")
    feed(root)
    return root


def channel(root: Path) -> etree._Element:
    return etree.parse(str(root / "feeds" / "feed.xml")).getroot().find("channel")


def items(root: Path) -> dict[str, etree._Element]:
    """slug -> <item>, from the enclosure's path."""
    found = {}
    for item in channel(root).findall("item"):
        found[item.find("enclosure").get("url").split("/episodes/")[1].split("/")[0]] = item
    return found


def local(root: Path, url: str) -> Path:
    assert url.startswith(BASE)
    return root / url[len(BASE):]


def npt_seconds(value: str) -> float:
    hours, minutes, seconds = value.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


# -- psc:chapters ---------------------------------------------------------------------------------

def test_psc_chapters_are_the_chapters_of_the_linked_json(show: Path) -> None:
    for slug, item in items(show).items():
        linked = json.loads(local(show, item.xpath("podcast:chapters/@url", namespaces=XPATH)[0]).read_text())["chapters"]
        assert item.xpath("psc:chapters/@version", namespaces=XPATH) == ["1.2"], slug
        marks = item.xpath("psc:chapters/psc:chapter", namespaces=XPATH)
        assert [m.get("title") for m in marks] == [c["title"] for c in linked]
        assert all(re.fullmatch(r"\d\d:\d\d:\d\d\.\d\d\d", m.get("start")) for m in marks)
        assert [round(npt_seconds(m.get("start")), 3) for m in marks] == [round(c["startTime"], 3) for c in linked]
        assert len(marks) == 4


def test_a_chapter_title_with_markup_comes_out_as_escaped_text_in_both_places(show: Path) -> None:
    item = items(show)["the-attribution-problem"]
    url = item.xpath("podcast:chapters/@url", namespaces=XPATH)[0]
    assert url == BASE + "feeds/episodes/the-attribution-problem.chapters.json"  # a plain-text copy, not the file as edited
    title = 'Evidence & "certainty" now <3'
    assert item.xpath("psc:chapters/psc:chapter/@title", namespaces=XPATH)[2] == title
    assert json.loads(local(show, url).read_text())["chapters"][2]["title"] == title
    raw = (show / "feeds" / "feed.xml").read_text()
    assert 'title="Evidence &amp; &quot;certainty&quot; now &lt;3"' in raw and "<b>" not in raw


def test_podcastparser_reads_the_simple_chapters(show: Path) -> None:
    with open(show / "feeds" / "feed.xml", "rb") as handle:
        parsed = podcastparser.parse(FEED_URL, handle)
    capacity = next(e for e in parsed["episodes"] if "capacity-building" in e["enclosures"][0]["url"])
    assert [(int(c["start"]), c["title"]) for c in capacity["chapters"]] == [
        (0, "Introduction"), (12, "What does cyber capacity building mean in practice?"),
        (29, "Why do so many national response teams struggle to keep their staff?"),
        (46, "How should donors measure whether their help works?")]


# -- the description ------------------------------------------------------------------------------

def test_the_description_opens_with_the_chapters_as_timestamps(show: Path) -> None:
    item = items(show)["capacity-building"]
    description = item.findtext("description")
    assert description == (
        "00:00 Introduction\n"
        "00:12 What does cyber capacity building mean in practice?\n"
        "00:29 Why do so many national response teams struggle to keep their staff?\n"
        "00:46 How should donors measure whether their help works?\n"
        "\n"
        "Two guests on the sofa: diplomat Tomas Okafor and engineer Henrik Sato on helping countries build their own "
        "cyber defences.")
    assert item.findtext("itunes:summary", namespaces=XPATH) == description


def test_without_a_description_it_is_the_show_notes_first_paragraph_never_the_title(show: Path) -> None:
    item = items(show)["the-attribution-problem"]
    opening = ("With Priya Raman: How do investigators work out who is behind a cyber attack? How certain can a government "
               "be before it points the finger? Should private companies publish their own attributions? What role does "
               "the technical community play in diplomacy?")
    description = item.findtext("description")
    assert description.split("\n\n")[1] == opening
    assert "The Attribution Problem" not in description
    notes = (show / "episodes" / "the-attribution-problem" / "shownotes.md").read_text()
    assert notes.split("\n\n")[1] == opening
    assert item.findtext("content:encoded", namespaces=XPATH).startswith(f"<p>{opening}</p>")


@pytest.mark.parametrize(("notes", "expected"), [
    (ShowNotes("T", "First <b>paragraph</b>\nstill first.\n\nSecond.", [NotesPerson("G")], questions=["Why?"]),
     "First paragraph still first."),
    (ShowNotes("T", "", [NotesPerson("Ann Lee"), NotesPerson("Bo Chen"), NotesPerson("Cy Dee")], ["Host"],
               questions=["Why?", "How?"]), "With Ann Lee, Bo Chen and Cy Dee: Why? How?"),
    (ShowNotes("T", "", hosts=["Elena Marsh"], chapters=[NotesChapter(0, "Introduction", ""), NotesChapter(9, "Who?", "")]),
     "With Elena Marsh: Who?"),  # the hosts stand in for guests, the chapters' questions for the notes'
    (ShowNotes("T", " ", [NotesPerson("Ann Lee")]), "With Ann Lee."),
    (ShowNotes("T", "", questions=["Why <script>x</script>now?"]), "Why now?"),
    (ShowNotes("The title", "", show="The Diplomat's Sofa"), "An episode of The Diplomat's Sofa."),
])
def test_the_first_paragraph_of_the_show_notes(notes: ShowNotes, expected: str) -> None:
    assert first_paragraph(notes) == expected


@pytest.mark.parametrize(("chapters", "duration", "expected"), [
    ([Chapter(0, "Intro"), Chapter(12.8, "One"), Chapter(30, "Two")], 45, "00:00 Intro\n00:12 One\n00:30 Two"),
    ([Chapter(0, "Intro"), Chapter(1800, "One"), Chapter(3725.9, "Two <i>b</i>")], 4000,
     "00:00 Intro\n30:00 One\n1:02:05 Two b"),
    ([Chapter(1.5, "Intro"), Chapter(20, "One"), Chapter(40, "Two")], 60, ""),  # YouTube wants the first at 00:00
    ([Chapter(0, "Intro"), Chapter(20, "One")], 60, ""),  # and three chapters at least
    ([Chapter(0, "Intro"), Chapter(20, "One"), Chapter(25, "Two")], 60, ""),  # each ten seconds or more
    ([Chapter(0, "Intro"), Chapter(20, "One"), Chapter(40, "Two")], 45, ""),  # the last one too
    ([], 60, ""),
])
def test_timestamps_only_when_apps_read_them_as_chapters(chapters: list[Chapter], duration: float, expected: str) -> None:
    assert timestamps(chapters, duration) == expected


# -- items newest first ---------------------------------------------------------------------------

def test_items_are_newest_first(show: Path) -> None:
    dates = [parsedate_to_datetime(item.findtext("pubDate")) for item in channel(show).findall("item")]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == 3
    assert list(items(show)) == ["capacity-building", "the-attribution-problem", "norms-in-cyberspace"]
    document = feedparser.parse(str(show / "feeds" / "feed.xml"))
    assert not document.bozo and [e.itunes_episode for e in document.entries] == ["3", "2", "1"]


# -- podcast:soundbite -----------------------------------------------------------------------------

def test_the_soundbite_is_a_run_of_one_answer(show: Path) -> None:
    workspace = Workspace.open(show)
    for slug in ("capacity-building", "the-attribution-problem"):
        bite = items(show)[slug].find("podcast:soundbite", XPATH)
        start, duration = float(bite.get("startTime")), float(bite.get("duration"))
        assert 15 <= duration <= 60
        chunks = json.loads(workspace.transcript_path(slug, ".chunks.json").read_text())
        answer = next(c for c in chunks if c["start"] <= start < c["end"])
        assert answer["question"] is not None and start + duration <= answer["end"]  # an answer, not the intro
        assert bite.text == answer["question"]
        segments = json.loads(workspace.transcript_path(slug).read_text())["segments"]
        inside = [s for s in segments if start - 0.01 <= s["start"] and s["end"] <= start + duration + 0.01]
        assert inside and all(s["speaker"] != answer["asked_by"] for s in inside)
        assert not any(s["text"].rstrip().endswith("?") for s in inside)
    # What the module's docstring promises on the sample show: Priya Raman's first answer, whole.
    bite = items(show)["the-attribution-problem"].find("podcast:soundbite", XPATH)
    assert (bite.get("startTime"), bite.get("duration")) == ("18.43", "15.56")


def test_a_soundbite_set_in_episode_toml_wins_and_its_title_is_plain_escaped_text(show: Path) -> None:
    bites = items(show)["norms-in-cyberspace"].findall("podcast:soundbite", XPATH)
    assert [(b.get("startTime"), b.get("duration"), b.text) for b in bites] == [("23.0", "17.5", 'Norms & "teeth" <3')]
    raw = (show / "feeds" / "feed.xml").read_text()
    assert "<script" not in raw and "alert(1)" not in raw and "Norms &amp; \"teeth\" &lt;3" in raw


def test_soundbite_false_leaves_it_out_and_a_bite_past_the_end_is_one_clear_line(tmp_path: Path) -> None:
    root = prepare(tmp_path / "show")
    edit(episode_toml(root, "capacity-building"), "duration = 70.05\n", "duration = 70.05\nsoundbite = false\n")
    edit(episode_toml(root, "norms-in-cyberspace"), "start = 23.0, duration = 17.5", "start = 80.0, duration = 17.5")
    result = CliRunner().invoke(app, ["feed", "-w", str(root)], catch_exceptions=False)
    assert result.exit_code == 1
    assert ("norms-in-cyberspace: soundbite: 17.5 s from 80 s runs past the end of the audio (83.2 s)"
            in " ".join(result.stderr.split()))
    assert items(root)["capacity-building"].find("podcast:soundbite", XPATH) is None
    assert "norms-in-cyberspace" not in items(root)  # never published, so nothing was kept


@pytest.mark.parametrize(("soundbite", "message"), [
    ("{start = -1.0, duration = 30.0}", "soundbite.start: input should be greater than or equal to 0"),
    ("{start = 10.0, duration = 121.0}", "soundbite.duration: input should be less than or equal to 120"),
    ("{start = 10.0, duration = 0.5}", "soundbite.duration: input should be greater than or equal to 1"),
    ("{start = 10.0}", "soundbite.duration is missing"),
    ('{start = 10.0, duration = 30.0, length = 4}', "unknown setting 'soundbite.length'"),
    ("true", "soundbite: not a table, got True"),
])
def test_a_wrong_soundbite_in_episode_toml_is_one_line(tmp_path: Path, soundbite: str, message: str) -> None:
    root = copy_sample_show(tmp_path / "show", media=False, transcripts=())
    edit(episode_toml(root, "capacity-building"), "duration = 70.05\n", f"duration = 70.05\nsoundbite = {soundbite}\n")
    with pytest.raises(WorkspaceError) as raised:
        Workspace.open(root).load_episode("capacity-building")
    assert raised.value.problem.startswith(f"episodes/capacity-building/episode.toml: {message}")


# -- channel tags from sofacast.toml ------------------------------------------------------------------

def test_funding_podroll_txt_license_location_and_trailer_from_sofacast_toml(show: Path) -> None:
    feed_channel = channel(show)

    def tags(name: str) -> list[tuple[dict[str, str], str | None]]:
        return [(dict(e.attrib), e.text) for e in feed_channel.findall(f"podcast:{name}", XPATH)]

    assert tags("funding") == [({"url": "https://sofacast.example.org/support"}, "Support the sofa & friends"),
                               ({"url": "https://example.org/members"}, "Become a member")]
    remote = feed_channel.xpath("podcast:podroll/podcast:remoteItem", namespaces=XPATH)
    assert [dict(e.attrib) for e in remote] == [
        {"feedGuid": "917393e3-1b1e-5cef-ace4-edaa54e1f810", "feedUrl": "https://feeds.podcastindex.org/pc20.xml",
         "title": "Podcasting 2.0"},
        {"feedGuid": "396d9ae0-da7e-5557-b894-b606231fa3ea"}]
    assert tags("txt") == [({"purpose": "verify"}, "S6lpp-7ZCn8-dZfGc-OoyaG")]
    assert tags("license") == [({"url": "https://creativecommons.org/licenses/by/4.0/"}, "CC-BY-4.0")]
    assert tags("location") == [({"rel": "creator", "geo": "geo:46.2044,6.1432", "osm": "R1685488", "country": "CH"},
                                 "Geneva")]
    [(trailer, title)] = tags("trailer")
    assert title == "Coming September 7th"
    assert trailer["url"] == BASE + "trailer.mp3" and trailer["type"] == "audio/mpeg"  # the type from the suffix
    assert (trailer["length"], trailer["season"]) == ("123456", "1")
    assert parsedate_to_datetime(trailer["pubdate"]).utcoffset() == timedelta(0)
    assert parsedate_to_datetime(trailer["pubdate"]).date().isoformat() == "2026-09-01"
    assert validate_feed((show / "feeds" / "feed.xml").read_bytes()) == []


def test_a_show_without_the_settings_has_none_of_the_tags(tmp_path: Path) -> None:
    root = copy_sample_show(tmp_path / "show")
    edit(root / "sofacast.toml", "[feed]\n", '[feed]\naudio = "original"\n')
    feed(root)
    names = {etree.QName(e).localname for e in channel(root) if isinstance(e.tag, str)}
    assert not names & {"funding", "podroll", "txt", "license", "location", "trailer"}


@pytest.mark.parametrize(("setting", "message"), [
    ('[[funding]]\nurl = "javascript:alert(1)"\ntext = "Give"', "funding[0].url: not an http(s) address"),
    ('[[funding]]\nurl = "https://example.org/give"', "funding[0].text is missing"),
    ('[funding]\nurl = "https://example.org/give"\ntext = "Give"', "funding: not a list"),
    ('[[podroll]]\nguid = "not-a-guid"', "podroll[0].guid: not in the expected form"),
    ('[[podroll]]\nguid = "917393e3-1b1e-5cef-ace4-edaa54e1f810"\nurl = "file:///etc/passwd"',
     "podroll[0].url: not an http(s) address"),
    ('[[txt]]\ntext = ""', "txt[0].text: empty"),
    ('[license]\nname = "CC-BY-4.0"\nurl = "data:text/html,hi"', "license.url: not an http(s) address"),
    ('[location]\nname = "Geneva"\ngeo = "46.2,6.1"', "location.geo: not in the expected form"),
    ('[location]\nname = "Nowhere"\ngeo = "geo:95.0,6.1"', "location.geo: latitude must lie within ±90"),
    ('[location]\nname = "Geneva"\nosm = "Q42"', "location.osm: not in the expected form"),
    ('[location]\nname = "Geneva"\nrel = "home"', "location.rel: not one of the allowed values"),
    ('[[trailer]]\nurl = "https://example.org/t.mp3"\ntitle = "Soon"', "trailer[0].published is missing"),
    ('[[trailer]]\nurl = "https://example.org/t.mp3"\ntitle = "Soon"\npublished = "soon"', "trailer[0].published: not a date"),
    ('[[trailer]]\nurl = "https://example.org/t.mp3"\ntitle = "Soon"\npublished = 2026-09-01\ntype = "text/html"',
     "trailer[0].type: not in the expected form"),
    ('[people."Elena Marsh"]\nimg = "javascript:alert(1)"', "people.img: not an http(s) address"),
    ('[people."Elena Marsh"]\nphoto = "https://example.org/e.jpg"', "people.photo: an address, not a file in the workspace"),
])
def test_a_wrong_setting_in_sofacast_toml_is_one_line_naming_it(tmp_path: Path, setting: str, message: str) -> None:
    root = copy_sample_show(tmp_path / "show", media=False, transcripts=())
    (root / "sofacast.toml").write_text((root / "sofacast.toml").read_text() + "\n" + setting + "\n")
    with pytest.raises(WorkspaceError) as raised:
        Workspace.open(root).show()
    assert raised.value.problem.startswith(f"sofacast.toml: {message}")
    assert raised.value.hint.startswith(("Write ", "Add it: ", "Known here: "))
    result = CliRunner().invoke(app, ["feed", "-w", str(root)])
    assert result.exit_code != 0 and message in result.stderr and "Traceback" not in result.output


# -- podcast:person ------------------------------------------------------------------------------------

def test_people_have_their_photos_and_pages(show: Path) -> None:
    def people(element: etree._Element) -> list[dict[str, str | None]]:
        return [{**e.attrib, "name": e.text} for e in element.findall("podcast:person", XPATH)]

    elena = {"role": "host", "group": "cast", "href": "https://sofacast.example.org/people/elena",
             "img": "https://sofacast.example.org/people/elena.jpg", "name": "Elena Marsh"}
    assert people(channel(show)) == [elena]
    found = items(show)
    assert people(found["the-attribution-problem"]) == [elena, {
        "role": "guest", "group": "cast", "href": "https://sofacast.example.org/people/priya-raman",
        "img": "https://sofacast.example.org/people/priya.jpg", "name": "Priya Raman"}]
    capacity = people(found["capacity-building"])
    # The episode's own host replaces the show's; a javascript: photo is left out.
    assert capacity[0] == {"role": "host", "group": "cast", "img": "https://example.org/alina.png", "name": "Alina Ferreira"}
    assert capacity[2] == {"role": "guest", "group": "cast", "href": "https://sofacast.example.org/people/henrik-sato",
                           "name": "Henrik Sato"}
    assert "Elena Marsh" not in [p["name"] for p in capacity]


def test_the_whole_feed_is_safe_and_valid(show: Path) -> None:
    document = (show / "feeds" / "feed.xml").read_bytes()
    root = etree.fromstring(document)
    assert list(feed_problems(root)) == []
    assert validate_feed(document) == []
    with open(show / "feeds" / "feed.xml", "rb") as handle:
        assert len(podcastparser.parse(FEED_URL, handle)["episodes"]) == 3


def test_podcast_partytime_reads_every_new_tag(show: Path) -> None:
    parsed = parse_with_partytime(show / "feeds" / "feed.xml")
    assert parsed["podcastFunding"] == [{"message": "Support the sofa & friends", "url": "https://sofacast.example.org/support"},
                                        {"message": "Become a member", "url": "https://example.org/members"}]
    assert [r["feedGuid"] for r in parsed["podroll"]] == ["917393e3-1b1e-5cef-ace4-edaa54e1f810",
                                                          "396d9ae0-da7e-5557-b894-b606231fa3ea"]
    assert parsed["podcastTxt"] == [{"value": "S6lpp-7ZCn8-dZfGc-OoyaG", "purpose": "verify"}]
    assert parsed["license"] == {"identifier": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert parsed["podcastLocation"]["name"] == "Geneva" and parsed["podcastLocation"]["osm"] == "R1685488"
    assert [(t["title"], t["length"], t["season"]) for t in parsed["trailers"]] == [("Coming September 7th", 123456, 1)]
    assert parsed["podcastPeople"][0]["img"] == "https://sofacast.example.org/people/elena.jpg"
    bites = {item["title"]: item.get("podcastSoundbites") for item in parsed["items"]}
    assert bites["Norms in Cyberspace: Do Rules Without Teeth Matter?"] == [
        {"duration": 17.5, "startTime": 23, "title": 'Norms & "teeth" <3'}]
    assert bites["The Attribution Problem"] == [
        {"duration": 15.56, "startTime": 18.43, "title": "How do investigators work out who is behind a cyber attack?"}]
    assert [item["itunesEpisode"] for item in parsed["items"]] == [3, 2, 1]


# -- with an intro clip ------------------------------------------------------------------------------

@pytest.mark.slow
def test_an_intro_clip_shifts_psc_chapters_and_the_soundbite_like_the_chapters_json(tmp_path: Path) -> None:
    root = copy_sample_show(tmp_path / "show")
    tone = 0.2 * np.sin(2 * np.pi * 440 * np.arange(2 * 16000) / 16000).astype(np.float32)
    ffmpeg.encode(tone, root / "intro.mp3")
    edit(root / "sofacast.toml", "[feed]\n", '[feed]\nintro = "intro.mp3"\n')
    for slug in ("norms-in-cyberspace", "capacity-building"):
        edit(episode_toml(root, slug), "season = 1", "season = 1\ndraft = true")
    feed(root)
    item = items(root)["the-attribution-problem"]
    linked = json.loads(local(root, item.xpath("podcast:chapters/@url", namespaces=XPATH)[0]).read_text())["chapters"]
    original = json.loads((root / "transcripts/the-attribution-problem.chapters.json").read_text())["chapters"]
    offset = linked[1]["startTime"] - original[1]["startTime"]
    assert abs(offset - ffmpeg.probe(root / "intro.mp3").duration) < 0.05
    marks = item.xpath("psc:chapters/psc:chapter", namespaces=XPATH)
    assert [round(npt_seconds(m.get("start")), 3) for m in marks] == [round(c["startTime"], 3) for c in linked]
    bite = item.find("podcast:soundbite", XPATH)
    assert abs(float(bite.get("startTime")) - (18.43 + offset)) < 0.002 and bite.get("duration") == "15.56"
    tags = ID3(root / "episodes/the-attribution-problem/the-attribution-problem.podcast.mp3")
    assert [c.start_time for c in tags.getall("CHAP")] == [int(c["startTime"] * 1000) for c in linked]


# -- ID3 chapters ----------------------------------------------------------------------------------------

def chapter_order_in_file(path: Path) -> list[int]:
    """The start times of the CHAP frames in the order they lie in the file."""
    data = path.read_bytes()
    starts = []
    for match in re.finditer(rb"CHAP....\x00\x00(chp\d+)\x00", data, re.DOTALL):
        start = match.end()
        starts.append(int.from_bytes(data[start:start + 4], "big"))
    return starts


@pytest.mark.parametrize("given", ["in time order", "shuffled"])
def test_id3_chap_frames_lie_in_the_file_in_time_order(tmp_path: Path, given: str) -> None:
    path = tmp_path / "episode.mp3"
    ffmpeg.encode((0.1 * np.sin(np.arange(16000 * 4) / 5)).astype(np.float32), path)
    # Found in a real run: starts [0, 40.6, 16.5, 59.2], since mutagen orders frames by their size.
    marks = [ChapterMark(0.0, 1.0, "Introduction"), ChapterMark(1.0, 2.0, "What does cyber capacity building mean in practice?"),
             ChapterMark(2.0, 3.0, "Why so?"), ChapterMark(3.0, 4.0, "How should donors measure whether their help works?")]
    write_tags(path, EpisodeTags("t", "s", "a", chapters=marks if given == "in time order" else marks[::-1][1:] + marks[-1:]),
               "fingerprint")
    tags = ID3(path)
    assert [c.start_time for c in tags.getall("CHAP")] == [0, 1000, 2000, 3000]
    assert chapter_order_in_file(path) == [0, 1000, 2000, 3000]
    assert tags.getall("CTOC")[0].child_element_ids == [c.element_id for c in tags.getall("CHAP")]
    assert [str(c.sub_frames["TIT2"]) for c in tags.getall("CHAP")] == [m.title for m in marks]
    listed = subprocess.run([ffmpeg.ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
                            capture_output=True, text=True, check=True).stdout
    assert re.findall(r"^title=(.*)$", listed.split("[CHAPTER]", 1)[1], re.MULTILINE) == [m.title for m in marks]
