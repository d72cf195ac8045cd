"""Images (the show's artwork, people's photos): owns Pillow, which reads an image's header without decoding it,
makes the site's small square pictures from their pixels alone, and draws the artwork `init` makes for a show that
has none yet."""

from __future__ import annotations

import colorsys
import hashlib
import io
import warnings
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from sofacast.errors import SofacastError
from sofacast.slugs import transliterate

FORMATS = ("PNG", "JPEG")  # what Apple accepts for artwork
# What the site makes its pictures from, as Pillow names them -> as a producer knows them. MPO is a JPEG that holds
# a second picture (a phone's depth map, a 3D camera's other eye): Pillow names it apart, but it is a JPEG.
PICTURE_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "MPO": "JPEG", "WEBP": "WebP", "GIF": "GIF"}
PICTURE_KINDS = "PNG, JPEG, WebP or GIF"
# Largest picture decoded, read from the header first: a few kB of PNG can claim 150 million pixels and take
# gigabytes to decode. 40 MP is more than a phone's or most cameras' photo (12-24 MP; 6000 x 6000 px is 36) and
# far more than a portrait shown at 240 px needs, while decoding it stays within a few hundred MB.
MAX_PICTURE_PIXELS = 40_000_000
ARTWORK_PIXELS = 3000  # Apple's preferred size, the largest it accepts
_MARGIN = ARTWORK_PIXELS // 10
# Apple: keep what matters out of the bottom fifth, where apps draw progress bars and labels over the artwork.
_TEXT_BOTTOM = ARTWORK_PIXELS * 4 // 5
_LARGEST, _SMALLEST = 420, 90  # font sizes in pixels: a short title fills the square, a 300-character one still fits


def image_size(path: Path) -> tuple[int, int] | None:
    """Width and height of a PNG or JPEG; None for anything else (another format, a damaged or missing file)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow's notes on a damaged EXIF block: not the producer's concern here
        try:
            with Image.open(path) as image:
                return image.size if image.format in FORMATS else None
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError, EOFError):
            # DecompressionBombError: over ~180 megapixels, far past Apple's 3000 px; such artwork is not usable anyway.
            return None


class PictureError(SofacastError):
    """A picture the site cannot be made from: not an image, another format, or too many pixels."""


def square_thumbnail(path: Path, pixels: int) -> bytes:
    """A JPEG of the image cut to a centred square of `pixels` (smaller ones are not enlarged), turned upright as its
    EXIF says. It is made from the pixels alone, so nothing else the file carried (a JPEG comment with a camera's
    serial number, EXIF and its GPS position, XMP, an ICC profile, PNG text) can reach a web page.
    PictureError when the file is not a PNG, JPEG, WebP or GIF Pillow can read, or has over MAX_PICTURE_PIXELS."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # notes on a damaged EXIF block; bombs are refused below, before decoding
        try:
            with Image.open(path) as image:
                _check_picture(path, image)
                image.draft(None, (pixels * 2, pixels * 2))  # a JPEG decodes at the smallest scale still sharp enough
                upright = ImageOps.exif_transpose(image).convert("RGB")
        except Image.DecompressionBombError:  # Pillow's own limit, checked as it opens: far past ours
            raise _too_large(path, f"over {2 * (Image.MAX_IMAGE_PIXELS or 0) // 1_000_000} million pixels") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise PictureError(f"{path} is not an image that can be read ({PICTURE_KINDS})",
                               "Replace it with a JPEG or PNG, or take it out of sofacast.toml") from None
    side = min(pixels, *upright.size)
    square = ImageOps.fit(upright, (side, side), Image.Resampling.LANCZOS)
    bare = Image.frombytes("RGB", square.size, square.tobytes())  # a new image: no info (comment, dpi...) to pass on
    out = io.BytesIO()
    bare.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def _check_picture(path: Path, image: Image.Image) -> None:
    """Refuse from the header alone: Pillow reads any format it knows, whatever the file's name says."""
    if image.format not in PICTURE_FORMATS:
        raise PictureError(f"{path} is in {image.format or 'another'} format, not {PICTURE_KINDS}",
                           "Save it as a JPEG or PNG, or take it out of sofacast.toml")
    width, height = image.size
    if width * height > MAX_PICTURE_PIXELS:
        raise _too_large(path, f"{width} x {height} pixels")


def _too_large(path: Path, size: str) -> PictureError:
    return PictureError(f"{path} has {size}: more than the {MAX_PICTURE_PIXELS // 1_000_000} megapixels sofacast decodes",
                        "Save a smaller copy: a portrait needs no more than 2000 x 2000 pixels")


def title_artwork(title: str) -> bytes:
    """A square 3000 px RGB PNG (no alpha channel, as Apple asks): the title, wrapped and centred in the upper
    four fifths, in white on a solid colour of its own (the same title always gets the same colour).

    It is a stand-in that makes a new show's feed valid at once; Apple does not feature placeholder artwork."""
    image = Image.new("RGB", (ARTWORK_PIXELS, ARTWORK_PIXELS), background(title))
    lines, font = _layout(drawable(" ".join(title.split())))
    spacing = font.size // 4
    ImageDraw.Draw(image).multiline_text((ARTWORK_PIXELS // 2, (_MARGIN + _TEXT_BOTTOM) // 2), "\n".join(lines),
                                         font=font, fill="white", anchor="mm", align="center", spacing=spacing)
    out = io.BytesIO()
    image.save(out, "PNG")  # zlib's default level: optimize=True takes half as long again for 2% less
    return out.getvalue()


def background(title: str) -> tuple[int, int, int]:
    """A dark colour from the title's hash: dark enough that white text on it has a contrast of at least 4.5:1."""
    hue = int.from_bytes(hashlib.sha256(title.encode()).digest()[:2], "big") / 65536
    red, green, blue = colorsys.hls_to_rgb(hue, 0.28, 0.55)
    return round(red * 255), round(green * 255), round(blue * 255)


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont:
    # Pillow (>= 10.1) carries a scalable font of its own, so no system fonts are needed; its wheels all have FreeType.
    font = ImageFont.load_default(size=size)
    if not isinstance(font, ImageFont.FreeTypeFont):
        raise SofacastError("this Pillow was built without FreeType, so sofacast cannot draw artwork",
                            "Install Pillow from its wheels (pip install --force-reinstall pillow), or give --image-url")
    return font


def drawable(text: str) -> str:
    """`text` with every character Pillow's font lacks spelled in ASCII ("Кибер" -> "Kiber", "é" -> "e"): a box
    per missing glyph would leave nothing readable."""
    return "".join(char if _has_glyph(char) else transliterate(char) for char in text)


@lru_cache(maxsize=4096)
def _has_glyph(char: str) -> bool:
    if char.isspace() or ord(char) < 128:
        return True  # the font has all of ASCII
    return _drawn(char) != _drawn("\ue000")  # a private-use character: surely missing, so drawn as the font's box


def _drawn(char: str) -> bytes:
    canvas = Image.new("L", (64, 64))
    ImageDraw.Draw(canvas).text((8, 8), char, font=_font(40), fill=255)
    return canvas.tobytes()


def _layout(text: str) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """The largest font size at which the title, wrapped between words, fits above the bottom fifth; and its lines.
    Only at the smallest size is a word too wide for a line cut."""
    width, height = ARTWORK_PIXELS - 2 * _MARGIN, _TEXT_BOTTOM - _MARGIN
    size = _LARGEST
    while True:
        font = _font(size)
        lines = _wrap(text.split() or [" "], font, width)
        if all(font.getlength(line) <= width for line in lines) and len(lines) * size * 5 // 4 <= height:
            return lines, font
        if size == _SMALLEST:
            return _wrap([piece for word in text.split() for piece in _cut(word, font, width)], font, width), font
        size = max(_SMALLEST, size * 9 // 10)


def _wrap(words: list[str], font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Words put on lines no wider than `width`, greedily; a word wider than that gets a line of its own."""
    lines: list[str] = []
    for word in words:
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _cut(word: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    pieces = []
    while word:
        end = len(word)
        while end > 1 and font.getlength(word[:end]) > width:
            end -= 1
        pieces.append(word[:end])
        word = word[end:]
    return pieces
