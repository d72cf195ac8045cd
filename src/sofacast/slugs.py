"""Slugs: safe, portable folder and file names whatever a title says."""

from __future__ import annotations

import re

from text_unidecode import unidecode

MAX_SLUG_LENGTH = 60
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def transliterate(text: str) -> str:
    """`text` in ASCII letters, whatever its script: "Кибердипломатия" -> "Kiberdiplomatiia"."""
    return unidecode(text)


def slugify(text: str, fallback: str = "episode") -> str:
    """An ASCII transliteration of `text` in any script: "Кибердипломатия" -> "kiberdiplomatiia"."""
    ascii_text = transliterate(text[:1000])
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        slug = slug[:MAX_SLUG_LENGTH].rsplit("-", 1)[0] or slug[:MAX_SLUG_LENGTH]
    if not slug or slug in _WINDOWS_RESERVED:
        slug = f"{fallback}-{slug}".strip("-") if slug else fallback
    return slug


def is_valid_slug(slug: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug)) and len(slug) <= MAX_SLUG_LENGTH + 10


def unique_slug(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
