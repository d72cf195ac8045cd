"""Artwork size for Apple's rules: sofacast.images.image_size (Pillow) and the artwork findings of validate_feed.

The images are written by hand with struct and zlib, independently of Pillow, which reads them: real 1-bit PNGs and
real grey JPEGs (baseline and progressive, decodable by ffmpeg) whose every 8x8 block is flat, so the
scan data is a few bits per block. Truncated and non-image files must give None, and the feed check
then says the artwork "is not a PNG or JPEG".
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sofacast.feed.apple import ARTWORK_MAX_PIXELS, ARTWORK_MIN_PIXELS
from sofacast.feed.validate import Expected, validate_feed
from sofacast.images import image_size

# --- writing images by hand -----------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int) -> bytes:
    """A black 1-bit greyscale PNG."""
    rows = (b"\x00" + bytes(math.ceil(width / 8))) * height
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _scan(blocks: int, bits_per_block: int) -> bytes:
    """Entropy-coded data where every code is the one-bit code 0; the last byte is padded with 1s."""
    bits = blocks * bits_per_block
    data = bytearray(math.ceil(bits / 8))
    if bits % 8:
        data[-1] = (1 << (8 - bits % 8)) - 1
    return bytes(data)


def jpeg(width: int, height: int, progressive: bool = False, app1: bytes = b"") -> bytes:
    """A mid-grey greyscale JPEG: every block's DC difference is 0 and its AC an end-of-block, each a one-bit code."""
    blocks = math.ceil(width / 8) * math.ceil(height / 8)
    one_code = bytes([1] + [0] * 15) + b"\x00"  # one symbol (0) with a code of length 1
    parts = [b"\xff\xd8", _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")]
    if app1:
        parts.append(_segment(0xE1, b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08" + app1))
    parts += [_segment(0xDB, b"\x00" + bytes([1] * 64)),
              _segment(0xC2 if progressive else 0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"),
              _segment(0xC4, b"\x00" + one_code), _segment(0xC4, b"\x10" + one_code)]
    if progressive:  # a DC scan, then one AC scan (spectral selection 1..63)
        parts += [_segment(0xDA, b"\x01\x01\x00\x00\x00\x00") + _scan(blocks, 1),
                  _segment(0xDA, b"\x01\x01\x00\x01\x3f\x00") + _scan(blocks, 1)]
    else:
        parts.append(_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + _scan(blocks, 2))
    return b"".join(parts) + b"\xff\xd9"


def written(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- image_size -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("width", "height"), [(1400, 1400), (3000, 3000), (1400, 1401), (640, 480), (1, 1)])
def test_png_size_is_read_from_its_header(tmp_path: Path, width: int, height: int) -> None:
    assert image_size(written(tmp_path, "art.png", png(width, height))) == (width, height)


@pytest.mark.parametrize("progressive", [False, True], ids=["baseline", "progressive"])
@pytest.mark.parametrize(("width", "height"), [(1400, 1400), (1500, 1400), (17, 9)])
def test_jpeg_size_is_read_from_its_frame_header(tmp_path: Path, width: int, height: int, progressive: bool) -> None:
    assert image_size(written(tmp_path, "art.jpg", jpeg(width, height, progressive))) == (width, height)


def test_a_thumbnail_in_the_exif_segment_is_not_taken_for_the_image(tmp_path: Path) -> None:
    photo = jpeg(1400, 1400, app1=jpeg(160, 120))
    assert image_size(written(tmp_path, "art.jpg", photo)) == (1400, 1400)


@pytest.mark.parametrize("content", [
    b"", b"GIF89a\x10\x00\x10\x00", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"not an image at all",
    b"\x89PNG\r\n\x1a\n", png(1400, 1400)[:20], png(1400, 1400)[:8] + _chunk(b"tEXt", b"x" * 20),  # no IHDR first
    b"\xff\xd8", jpeg(1400, 1400)[:40],  # cut before the frame header
])
def test_truncated_and_non_image_files_have_no_size(tmp_path: Path, content: bytes) -> None:
    assert image_size(written(tmp_path, "art.png", content)) is None


def test_a_missing_file_or_a_folder_has_no_size(tmp_path: Path) -> None:
    assert image_size(tmp_path / "missing.png") is None
    assert image_size(tmp_path) is None


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["png", "jpeg", "progressive"]), st.integers(1, 400), st.integers(1, 400), st.data())
def test_any_prefix_of_an_image_gives_its_size_or_none_never_a_wrong_one(tmp_path_factory: pytest.TempPathFactory, kind: str,
                                                                          width: int, height: int, data: st.DataObject) -> None:
    image = png(width, height) if kind == "png" else jpeg(width, height, kind == "progressive")
    cut = data.draw(st.integers(0, len(image)))
    path = tmp_path_factory.getbasetemp() / f"prefix.{kind}"
    path.write_bytes(image[:cut])
    assert image_size(path) in (None, (width, height))
    path.write_bytes(image)
    assert image_size(path) == (width, height)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=64))
def test_garbage_after_a_jpeg_start_never_raises(tmp_path_factory: pytest.TempPathFactory, tail: bytes) -> None:
    path = tmp_path_factory.getbasetemp() / "garbage.jpg"
    path.write_bytes(b"\xff\xd8" + tail)
    size = image_size(path)
    assert size is None or (isinstance(size, tuple) and len(size) == 2)


def test_fill_bytes_before_a_marker_are_skipped(tmp_path: Path) -> None:
    image = jpeg(1400, 1400)
    frame = image.index(b"\xff\xc0")
    assert image_size(written(tmp_path, "art.jpg", image[:frame] + b"\xff" + image[frame:])) == (1400, 1400)


# --- the artwork findings of the feed check -------------------------------------------------------

FEED = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Sofa</title><itunes:image href="https://example.org/show/art.png"/></channel></rss>"""


def artwork_problems(path: Path) -> list[str]:
    return [f.problem for f in validate_feed(FEED, Expected(artwork=path)) if f.field == "itunes:image"]


@pytest.mark.parametrize(("image", "name"), [(png(ARTWORK_MIN_PIXELS, ARTWORK_MIN_PIXELS), "art.png"),
                                             (jpeg(ARTWORK_MAX_PIXELS, ARTWORK_MAX_PIXELS), "art.jpg")])
def test_square_artwork_within_apples_limits_passes(tmp_path: Path, image: bytes, name: str) -> None:
    assert artwork_problems(written(tmp_path, name, image)) == []


@pytest.mark.parametrize("side", [ARTWORK_MIN_PIXELS - 1, ARTWORK_MAX_PIXELS + 1, 600])
def test_square_artwork_outside_apples_limits_is_reported(tmp_path: Path, side: int) -> None:
    assert artwork_problems(written(tmp_path, "art.png", png(side, side))) == [f"artwork must be 1400–3000 px, is {side}"]


def test_artwork_that_is_not_square_is_reported(tmp_path: Path) -> None:
    assert artwork_problems(written(tmp_path, "art.jpg", jpeg(1400, 1500))) == ["artwork must be square, art.jpg is 1400×1500"]


@pytest.mark.parametrize("content", [png(1400, 1400)[:16], b"GIF89a", b""])
def test_unreadable_artwork_is_reported_by_name(tmp_path: Path, content: bytes) -> None:
    assert artwork_problems(written(tmp_path, "art.png", content)) == ["art.png is not a PNG or JPEG"]
