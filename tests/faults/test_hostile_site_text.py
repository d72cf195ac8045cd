"""Hostile text and pictures on the website's own surfaces (issue 26, findings 2, 5 and 7).

- The show's title, description, author and hosts from sofacast.toml, and the voice book's names, reach every page
  cleaned as the feed cleans them: no markup shown as text, no control or bidi-override character left, and the
  same words the feed says (the feed, parsed back, is the reference).
- People's photos are made from their pixels alone (no JPEG comment, EXIF, XMP, ICC profile, dpi or PNG text
  passes), a picture over the pixel cap is refused from its header before it is decoded, and only the formats the
  message names are read, whatever the file is called.
- `voices rename` and `voices confirm` refuse a name with control or bidi-override characters or markup, or longer
  than episode.toml allows a name, in one line, and change nothing.
"""

from __future__ import annotations

import io
import json
import re
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree, html
from PIL import Image, ImageCms, PngImagePlugin

from sofacast.feed.validate import NS
from sofacast.schema import MAX_NAME
from sofacast.speakers.voiceprints import EMBEDDING_SIZE, FILE_NAME
from tests.faults.conftest import assert_clean, measured
from tests.requirements import missing

GUEST = "Tomas Okafor"  # a guest of two sample episodes
SLUG = "norms-in-cyberspace"  # voices S1 (Elena Marsh) and S2 (Tomas Okafor)
# What no page may hold: C0/C1 controls but tab and newline, DEL, the bidi embeddings, overrides and isolates,
# a byte-order mark, non-characters.
HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")
TAG_START = re.compile(r"<[A-Za-z/!?]")


# --- the show's own texts ---------------------------------------------------------------------------------------

# (id, text); each goes into the title, the description, the author and the only host at once.
SHOW_TEXT = [
    ("bold-markup", "<b>Bold</b> Sofa"),
    ("script-element", "<script>alert(1)</script>Sofa"),
    ("event-handler", "<img src=x onerror=alert(1)>Sofa"),
    ("attribute-breakout", "\"><svg onload=alert(1)>Sofa"),
    ("title-element-breakout", "</title><script>alert(1)</script>Sofa"),
    ("json-ld-breakout", "</script><script>alert(1)</script>Sofa"),
    ("comment-and-processing-instruction", "<!-- hidden -->Sofa<?php echo 1 ?>"),
    ("nested-tags", "<<b>script>alert(1)<</b>/script>Sofa"),
    ("escaped-markup", "&lt;script&gt;alert(1)&lt;/script&gt; Sofa"),
    ("right-to-left-override", "Sofa \u202eevil\u202c cast"),
    ("bidi-isolates-and-embeddings", "Sofa \u2066isolated\u2069 \u202bembedded\u202c"),
    ("byte-order-mark", "\ufeffSofa\ufeffcast"),
    ("line-and-paragraph-separators", "Sofa\u2028line\u2029paragraph"),
    ("template-syntax", "{{ 7 * 7 }} {% raw %}Sofa"),
]
# Controls the schema refuses in sofacast.toml: the site is not made, in one line.
SHOW_TEXT_REFUSED = [
    ("escape-sequence-in-title", "title", "\x1b[2J\x1b]0;pwned\x07Sofa"),
    ("nul-in-description", "description", "Sofa\x00cast"),
    ("c1-control-in-author", "author", "Elena\x9bMarsh"),
]


def toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, but DEL must be escaped too."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def set_show_fields(root: Path, **fields: str | list[str]) -> None:
    toml = root / "sofacast.toml"
    text = toml.read_text("utf-8")
    for key, value in fields.items():
        written = "[" + ", ".join(map(toml_string, value)) + "]" if isinstance(value, list) else toml_string(value)
        line = f"{key} = {written}"
        text, count = re.subn(rf"^{key} = .*$", lambda _, line=line: line, text, count=1, flags=re.MULTILINE)
        assert count == 1, key
    toml.write_text(text, "utf-8")


def pages(root: Path) -> list[Path]:
    return sorted((root / "site").rglob("*.html"))


def json_ld(document) -> list[Any]:
    return [json.loads(script.text) for script in document.xpath("//script[@type='application/ld+json']")]


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for inner in value.values() for text in strings(inner)]
    if isinstance(value, list):
        return [text for inner in value for text in strings(inner)]
    return []


def shown_texts(document) -> list[str]:
    """What a reader or a search engine reads: the text, the meta and alt texts, and JSON-LD's strings."""
    body = [text for element in document.iter() if isinstance(element.tag, str) and element.tag != "script"
            for text in (element.text, element.tail) if text]
    attributes = [value for element in document.iter() if isinstance(element.tag, str)
                  for name, value in element.attrib.items() if name in ("content", "alt", "title")]
    return body + attributes + [text for data in json_ld(document) for text in strings(data)]


# Elements no site template writes: any of them on a page came from a text. (markup.html_problems does not fit
# here: the pages' own <script>, <link>, <img>, <audio> and <form> are the site's.)
FOREIGN = {"iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style", "base", "template",
           "video", "source", "textarea", "marquee"}
OWN_SCRIPT = re.compile(r"(?:\.\./)*assets/(?:site|search)\.js")


def runnable(document) -> list[str]:
    """What on a site page could run or load, other than the site's own scripts, styles and pictures."""
    found = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        found += [f"{name} on <{tag}>" for name in element.attrib if name.lower().startswith("on")]
        if tag in FOREIGN:
            found.append(f"<{tag}>")
        if tag == "script" and element.get("type") != "application/ld+json" and not OWN_SCRIPT.fullmatch(element.get("src", "")):
            found.append(f"<script src={element.get('src')!r}>")
        found += [f"{name}={element.get(name)!r} on <{tag}>" for name in ("href", "src", "action")
                  if re.match(r"\s*(?:javascript|vbscript|data):(?!,$)", element.get(name, ""), re.IGNORECASE)]
    return found


def assert_every_page_clean(root: Path) -> None:
    found = pages(root)
    assert found
    for path in found:
        text = path.read_text("utf-8")
        assert not HIDDEN.search(text), f"{path}: {HIDDEN.search(text)!r}"
        document = html.fromstring(text)
        assert runnable(document) == [], path
        shown = [piece for piece in shown_texts(document) if TAG_START.search(piece)]
        assert shown == [], f"{path} shows markup as text: {shown[:3]}"


def feed_says(root: Path) -> dict[str, Any]:
    channel = etree.parse(str(root / "feeds" / "feed.xml"), etree.XMLParser(resolve_entities=False)).getroot().find("channel")
    return {"title": channel.findtext("title"), "description": channel.findtext("description"),
            "author": channel.findtext("itunes:author", namespaces=NS),
            "hosts": [person.text for person in channel.findall("podcast:person", NS) if person.get("role") == "host"]}


@pytest.mark.parametrize("text", [text for _, text in SHOW_TEXT], ids=[name for name, _ in SHOW_TEXT])
def test_the_shows_texts_reach_every_page_cleaned_as_the_feed_cleans_them(show: Path, cli, text: str) -> None:
    set_show_fields(show, title=text, description=f"{text} about diplomacy", author=text, hosts=[text])
    assert_clean(cli("feed", "-w", show), failed=False)
    assert_clean(cli("site", "-w", show), failed=False)
    feed = feed_says(show)
    assert feed["title"] and not TAG_START.search(str(feed["title"])) and not HIDDEN.search(str(feed["title"]))
    home = html.fromstring((show / "site" / "index.html").read_bytes())
    assert home.findtext(".//title") == feed["title"]
    assert home.xpath("string(//h1)") == feed["title"]
    assert home.xpath("string(//section[@class='show']//p[1])") == feed["description"]
    assert home.xpath("string(//footer/p)") == (f"{feed['title']} · {feed['author']}" if feed["author"] else feed["title"])
    series, = json_ld(home)
    assert (series["name"], series["description"]) == (feed["title"], feed["description"])
    assert [person["name"] for person in series.get("author", [])] == feed["hosts"]
    assert_every_page_clean(show)
    measured("hostile show texts built into the site")


@pytest.mark.parametrize(("field", "text"), [(field, text) for _, field, text in SHOW_TEXT_REFUSED],
                         ids=[name for name, _, _ in SHOW_TEXT_REFUSED])
def test_a_show_text_with_control_characters_is_refused_in_one_line(show: Path, cli, field: str, text: str) -> None:
    set_show_fields(show, **{field: text})
    result = cli("site", "-w", show)
    assert_clean(result, failed=True)
    line, = result.stderr.strip().splitlines()
    assert "sofacast.toml" in line and field in line and not HIDDEN.search(line)
    assert not (show / "site").exists()
    measured("hostile show texts built into the site")


# --- the voice book's names on the site -------------------------------------------------------------------------

# (id, the name the voice book gives Tomas Okafor now, the name the site must show)
BOOK_NAMES = [
    ("right-to-left-override", "Tomas \u202eOkafor", "Tomas Okafor"),
    ("markup", "<b>Tomas</b> Okafor", "Tomas Okafor"),
    ("script", "<script>alert(1)</script>Ambassador Okafor", "Ambassador Okafor"),
    ("escape-sequences-and-nul", "Tomas\x1b[31m Okafor\x00", "Tomas[31m Okafor"),
    ("only-markup", "<img src=x onerror=alert(1)>", GUEST),  # nothing left: the name episode.toml gives
    ("ten-kilobytes", "Tomas " + "O" * 10_000, None),  # cut to a name's length
]


@pytest.mark.parametrize(("name", "expected"), [(name, expected) for _, name, expected in BOOK_NAMES],
                         ids=[case for case, _, _ in BOOK_NAMES])
def test_the_voice_books_names_reach_the_site_cleaned(show: Path, cli, name: str, expected: str | None) -> None:
    (show / FILE_NAME).write_text(json.dumps({"people": {}, "aliases": {GUEST: name}}))
    assert_clean(cli("site", "-w", show), failed=False)
    guests = html.fromstring((show / "site" / "guests" / "index.html").read_bytes())
    names = [link.text_content() for link in guests.xpath("//li[@class='person']//strong/a")]
    if expected is None:
        long, = [shown for shown in names if shown.startswith("Tomas O")]
        assert len(long) <= MAX_NAME
    else:
        assert expected in names, names
    episode = html.fromstring((show / "site" / "episodes" / SLUG / "index.html").read_bytes())
    people = [person["name"] for data in json_ld(episode) for person in data.get("actor", [])]
    assert all(len(person) <= MAX_NAME for person in people) and (expected is None or expected in people)
    assert_every_page_clean(show)
    measured("hostile voice-book names built into the site")


# --- people's photos ----------------------------------------------------------------------------------------------

SECRETS = (b"SERIAL-0042-SECRET", b"OWNER-MALLORY-SECRET", b"XMP-SECRET-PLACE", b"ICC-SECRET-PROFILE",
           b"PNG-TEXT-SECRET", b"PNG-ITXT-SECRET", b"PNG-ZTXT-SECRET", b"GIF-COMMENT-SECRET")
METADATA_KEYS = ("comment", "exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "dpi", "Comment", "Author")


def icc_profile() -> bytes:
    """A real sRGB profile, with a secret in a copy of its description: a profile's text reaches the output whole."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes() + b"ICC-SECRET-PROFILE"


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (46.0, 12.0, 0.0), 3: "E", 4: (6.0, 9.0, 0.0)}  # where the photo was taken
    exif[0xA431] = "SERIAL-0042-SECRET"  # the camera's serial number
    exif[0x013B] = "OWNER-MALLORY-SECRET"  # the artist
    return exif


def picture(size: tuple[int, int] = (600, 400)) -> Image.Image:
    image = Image.new("RGB", size, (200, 120, 40))
    image.paste((30, 60, 200), (0, 0, size[0] // 2, size[1] // 2))
    return image


def jpeg_with_everything() -> bytes:
    out = io.BytesIO()
    picture().save(out, "JPEG", comment=b"SERIAL-0042-SECRET OWNER-MALLORY-SECRET", exif=exif_with_gps(),
                   xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>XMP-SECRET-PLACE</x:xmpmeta>", icc_profile=icc_profile(),
                   dpi=(300, 300))
    return out.getvalue()


def png_with_text() -> bytes:
    chunks = PngImagePlugin.PngInfo()
    chunks.add_text("comment", "PNG-TEXT-SECRET")  # a PNG's "comment" became the JPEG's comment block
    chunks.add_itxt("Author", "PNG-ITXT-SECRET")
    chunks.add_text("Description", "PNG-ZTXT-SECRET", zip=True)
    out = io.BytesIO()
    picture().save(out, "PNG", pnginfo=chunks, icc_profile=icc_profile(), exif=exif_with_gps(), dpi=(300, 300))
    return out.getvalue()


def saved(format: str, size: tuple[int, int] = (600, 400), **options: object) -> Callable[[], bytes]:
    def make() -> bytes:
        out = io.BytesIO()
        picture(size).save(out, format, **options)
        return out.getvalue()
    return make


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int, height: int) -> bytes:
    """A black 1-bit PNG of `width` x `height`: a few kB on disk, gigabytes once decoded as RGB."""
    squeeze = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)
    data = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + _chunk(b"IDAT", data) + _chunk(b"IEND", b""))


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims `width` x `height`."""
    data = bytearray(saved("JPEG", (64, 64))())
    frame = data.index(b"\xff\xc0")
    data[frame + 5:frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def truncated(make: Callable[[], bytes]) -> Callable[[], bytes]:
    return lambda: make()[: len(make()) // 2]


# (id, file name, its bytes, None when it must be used, else what the one line says)
PHOTOS: list[tuple[str, str, Callable[[], bytes], str | None]] = [
    ("jpeg-comment-exif-gps-xmp-icc", "tomas.jpg", jpeg_with_everything, None),
    ("png-text-itxt-ztxt-icc-exif", "tomas.png", png_with_text, None),
    ("webp-exif-xmp-icc", "tomas.webp",
     saved("WEBP", exif=exif_with_gps(), xmp=b"XMP-SECRET-PLACE", icc_profile=icc_profile()), None),
    ("gif-comment", "tomas.gif", saved("GIF", comment=b"GIF-COMMENT-SECRET"), None),
    ("mpo-a-phones-jpeg-with-a-second-picture", "tomas.jpg",
     saved("MPO", save_all=True, append_images=[picture((64, 64))], comment=b"SERIAL-0042-SECRET"), None),
    ("camera-sized-36-megapixels", "tomas.jpg", saved("JPEG", (8000, 4500)), None),
    ("png-bomb-150-megapixels", "tomas.png", lambda: png_bomb(12_500, 12_000),
     "has 12500 x 12000 pixels: more than the 40 megapixels"),
    ("png-bomb-past-pillows-own-limit", "tomas.png", lambda: png_bomb(20_000, 20_000),
     "has over 178 million pixels: more than the 40 megapixels"),
    ("png-just-over-the-cap", "tomas.png", lambda: png_bomb(8_000, 5_001), "8000 x 5001 pixels"),
    ("jpeg-header-claiming-100-megapixels", "tomas.jpg", lambda: jpeg_claiming(10_000, 10_000), "10000 x 10000 pixels"),
    ("tiff-named-jpg", "tomas.jpg", saved("TIFF"), "is in TIFF format, not PNG, JPEG, WebP or GIF"),
    ("ppm-named-jpg", "tomas.jpg", saved("PPM"), "is in PPM format"),
    ("ico-named-jpg", "tomas.jpg", saved("ICO", (64, 64)), "is in ICO format"),
    ("bmp-named-png", "tomas.png", saved("BMP"), "is in BMP format"),
    ("truncated-jpeg", "tomas.jpg", truncated(jpeg_with_everything), "is not an image that can be read"),
    ("truncated-png", "tomas.png", truncated(png_with_text), "is not an image that can be read"),
    ("empty-file", "tomas.jpg", lambda: b"", "is not an image that can be read"),
    ("svg-named-png", "tomas.png", lambda: b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
     "is not an image that can be read"),
]


def run_measured(*args: object) -> tuple[subprocess.CompletedProcess[str], float]:
    """`sofacast ARGS` in a subprocess, and the most memory (MB) it and its children held."""
    wrapper = ("import json, resource, subprocess, sys\n"
               "done = subprocess.run([sys.executable, '-m', 'sofacast', *sys.argv[1:]], capture_output=True, text=True)\n"
               "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
               "print(json.dumps([done.returncode, done.stdout, done.stderr, peak]))\n")
    done = subprocess.run([sys.executable, "-c", wrapper, *map(str, args)], capture_output=True, text=True, check=True)
    code, out, err, peak = json.loads(done.stdout)
    return subprocess.CompletedProcess([str(a) for a in args], code, out, err), peak


@pytest.mark.parametrize(("name", "make", "said"), [(name, make, said) for _, name, make, said in PHOTOS],
                         ids=[case for case, _, _, _ in PHOTOS])
def test_a_hostile_photo_is_used_without_its_metadata_or_refused_in_one_line(
        show: Path, name: str, make: Callable[[], bytes], said: str | None) -> None:
    (show / "people").mkdir()
    (show / "people" / name).write_bytes(make())
    (show / "sofacast.toml").write_text((show / "sofacast.toml").read_text() + f'\n[people."{GUEST}"]\nphoto = "people/{name}"\n')
    result, peak = run_measured("site", "-w", show)
    assert "Traceback" not in result.stderr and peak < 500, (peak, result.stderr)  # the 150 MP bomb took ~1 GB
    made = sorted((show / "site" / "assets" / "images").glob(f"{GUEST.lower().replace(' ', '-')}-*.jpg"))
    if said is None:
        assert result.returncode == 0, result.stderr
        photo, = made
        data = photo.read_bytes()
        assert [secret for secret in SECRETS if secret in data] == []
        assert b"Exif" not in data and b"ICC_PROFILE" not in data and b"http://ns.adobe.com/xap" not in data
        assert b"\xff\xfe" not in data.split(b"\xff\xda")[0]  # no comment (COM) segment before the image data
        with Image.open(photo) as shown:
            assert shown.format == "JPEG" and shown.size == (240, 240)
            assert [key for key in METADATA_KEYS if key in shown.info] == [] and not shown.getexif()
    else:
        assert result.returncode == 1, result.stderr
        line, = result.stderr.strip().splitlines()
        assert line.startswith("Error: ") and name in line and said in line, line
        assert made == []
    measured("hostile photos built into the site")


def test_the_shows_artwork_in_another_format_is_refused_in_one_line(show: Path) -> None:
    """The artwork is cut for the site by the same code: a TIFF named artwork.png is refused, not decoded."""
    with Image.open(show / "artwork.png") as artwork:
        artwork.save(show / "artwork.tiff", "TIFF")
    (show / "artwork.tiff").replace(show / "artwork.png")
    result, _ = run_measured("site", "-w", show)
    line, = result.stderr.strip().splitlines()
    assert result.returncode == 1 and "artwork.png is in TIFF format" in line
    measured("hostile photos built into the site")


# --- names typed for the voice book ---------------------------------------------------------------------------

@pytest.fixture
def book(show: Path) -> Path:
    """The sample show with a voice book that remembers Tomas Okafor."""
    embedding = [round(1 / EMBEDDING_SIZE ** 0.5, 5)] * EMBEDDING_SIZE
    (show / FILE_NAME).write_text(json.dumps(
        {"people": {GUEST: {"episodes": {SLUG: {"seconds": 60.0, "embedding": embedding}}}}}))
    return show


# (id, the name typed, None when it is stored (as the third), else what the one line says)
TYPED_NAMES = [
    ("right-to-left-override", "Eve \u202eevil", "control or bidi-override character (U+202E)"),
    ("left-to-right-embedding", "\u202aEve", "(U+202A)"),
    ("bidi-isolates", "Eve \u2066x\u2069", "(U+2066)"),
    ("escape-sequence", "Eve\x1b[2J", "(U+001B)"),
    ("nul", "Eve\x00Smith", "(U+0000)"),
    ("next-line-c1", "Eve\x85Smith", "(U+0085)"),
    ("byte-order-mark", "\ufeffEve", "(U+FEFF)"),
    ("undecodable-terminal-byte", "Eve\udcff", "(U+DCFF)"),
    ("ten-kilobytes", "E" * 10_000, "10,000 characters long, more than the 300 a name may have"),
    ("one-over-the-limit", "E" * (MAX_NAME + 1), "301 characters long"),
    ("bold-markup", "<b>Eve</b>", "holds markup"),
    ("script", "<script>alert(1)</script>Eve", "holds markup"),
    ("event-handler", "<img src=x onerror=alert(1)>", "holds markup"),
]
ACCEPTED_NAMES = [
    ("tab-and-newline-are-spaces", "Eve\tSmith\nJones", "Eve Smith Jones"),
    ("at-the-limit", "E" * MAX_NAME, "E" * MAX_NAME),
    ("arabic-without-overrides", "محمد العلي", "محمد العلي"),
    ("accents-and-less-than", "Ève Ødegård <3", "Ève Ødegård <3"),
]


def one_line(result, *parts: str) -> None:
    assert_clean(result, failed=True)
    line, = result.stderr.strip().splitlines()
    assert all(part in line for part in parts) and len(line) < 400 and not HIDDEN.search(line), line


@pytest.mark.parametrize(("typed", "said"), [(typed, said) for _, typed, said in TYPED_NAMES],
                         ids=[case for case, _, _ in TYPED_NAMES])
def test_voices_rename_refuses_a_name_with_hidden_characters_markup_or_no_end(book: Path, cli, typed: str, said: str) -> None:
    before = (book / FILE_NAME).read_bytes()
    one_line(cli("voices", "rename", GUEST, typed, "-w", book), said)
    assert (book / FILE_NAME).read_bytes() == before
    measured("hostile voice names through the CLI")


@pytest.mark.parametrize(("typed", "stored"), [(typed, stored) for _, typed, stored in ACCEPTED_NAMES],
                         ids=[case for case, _, _ in ACCEPTED_NAMES])
def test_voices_rename_keeps_a_plain_name_with_its_spaces_tidied(book: Path, cli, typed: str, stored: str) -> None:
    assert_clean(cli("voices", "rename", GUEST, typed, "-w", book), failed=False)
    assert list(json.loads((book / FILE_NAME).read_text())["people"]) == [stored]
    measured("hostile voice names through the CLI")


@pytest.mark.parametrize(("typed", "said"), [
    ("Eve \u202eevil", "the name for S2 holds a control or bidi-override character (U+202E)"),
    ("E" * 10_000, "the name for S2 is 10,000 characters long"),
    ("<b>Eve</b>", "'<b>Eve</b>' holds markup"),
], ids=["right-to-left-override", "ten-kilobytes", "markup"])
def test_voices_confirm_refuses_such_a_name_and_writes_nothing(show: Path, cli, typed: str, said: str) -> None:
    """Before, the name went into episode.toml's [speakers] table, which the next command then refused to load."""
    episode_toml = show / "episodes" / SLUG / "episode.toml"
    before = episode_toml.read_bytes()
    one_line(cli("voices", "confirm", SLUG, f"S2={typed}", "-w", show), said)
    assert episode_toml.read_bytes() == before and not (show / FILE_NAME).exists()
    assert cli("validate", "-w", show).exit_code == 0  # the episode still loads
    measured("hostile voice names through the CLI")


def test_voices_confirm_refuses_such_a_name_shown_in_the_transcript(show: Path, cli) -> None:
    """Without pairs, confirm takes the names the transcript shows (episode.toml may give one with a bidi override)."""
    path = show / "transcripts" / f"{SLUG}.json"
    data = json.loads(path.read_text())
    data["speakers"]["S2"] = "Tomas \u202eOkafor"
    path.write_text(json.dumps(data))
    episode_toml = show / "episodes" / SLUG / "episode.toml"
    before = episode_toml.read_bytes()
    one_line(cli("voices", "confirm", SLUG, "-w", show),
             f"{SLUG}'s S2 name holds a control or bidi-override character (U+202E)", f'voices confirm {SLUG} S2="Name"')
    assert episode_toml.read_bytes() == before and not (show / FILE_NAME).exists()
    measured("hostile voice names through the CLI")


def test_a_ten_kilobyte_name_looked_up_is_named_shortly(book: Path, cli) -> None:
    before = (book / FILE_NAME).read_bytes()
    one_line(cli("voices", "merge", "X" * 10_000, GUEST, "-w", book), "no remembered voice named 'XXXX", "…'")
    assert (book / FILE_NAME).read_bytes() == before
    measured("hostile voice names through the CLI")


# --- in a real browser ------------------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
# Each would set window.pwned or open a dialog if the browser ran it.
BROWSER_TEXT: dict[str, Any] = {
    "title": "\"><img src=x onerror=\"window.pwned=1;alert(1)\">Sofa \u202eevil",
    "description": "</script><script>window.pwned=2;alert(2)</script><svg onload=\"window.pwned=3\">Sofa",
    "author": "</title><script>window.pwned=4</script>Elena",
    "hosts": ["<iframe srcdoc=\"<script>parent.pwned=5</script>\"></iframe>Elena Marsh"],
}


def test_show_texts_never_run_as_script_in_chromium(show: Path, cli) -> None:
    if not CHROMIUM.is_file():
        missing(f"this test needs {CHROMIUM}", "SOFACAST_REQUIRE_BROWSER")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("this test needs playwright (pip install -e '.[test]')", "SOFACAST_REQUIRE_BROWSER")
    set_show_fields(show, **BROWSER_TEXT)
    (show / FILE_NAME).write_text(json.dumps({"people": {}, "aliases": {GUEST: "<img src=x onerror=\"window.pwned=6\">Tomas"}}))
    assert_clean(cli("site", "-w", show), failed=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page()
        dialogs: list[str] = []

        def dismiss(dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismiss)
        for path in pages(show):
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            assert page.evaluate("window.pwned") is None, path
            assert not HIDDEN.search(page.title()) and not HIDDEN.search(page.inner_text("body")), path
        browser.close()
    assert dialogs == []
    measured("hostile show texts built into the site")
