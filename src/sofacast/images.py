"""Images (the show's artwork): owns Pillow, which reads an image's header without decoding it."""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

FORMATS = ("PNG", "JPEG")  # what Apple accepts for artwork


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
