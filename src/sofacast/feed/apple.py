"""Apple Podcasts' rules that the feed must follow, as data: categories, MIME types, artwork size."""

from __future__ import annotations

import difflib
import re

# Apple's category list (parent -> subcategories), as shown in Apple Podcasts for Creators.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": ("Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": ("Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": ("Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies", "Home & Garden",
                "Video Games"),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": ("Business News", "Daily News", "Entertainment News", "News Commentary", "Politics", "Sports News",
             "Tech News"),
    "Religion & Spirituality": ("Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion", "Spirituality"),
    "Science": ("Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics", "Natural Sciences",
                "Nature", "Physics", "Social Sciences"),
    "Society & Culture": ("Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"),
    "Sports": ("Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey", "Rugby",
               "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness", "Wrestling"),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}

# Enclosure types Apple accepts, by file suffix.
AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/x-m4a", ".mp4": "video/mp4", ".m4v": "video/x-m4v",
               ".mov": "video/quicktime", ".aac": "audio/aac", ".wav": "audio/wav", ".flac": "audio/flac",
               ".ogg": "audio/ogg", ".opus": "audio/opus"}
ACCEPTED_ENCLOSURE_TYPES = frozenset(AUDIO_TYPES.values()) | {"audio/mp4", "audio/x-wav"}
ARTWORK_MIN_PIXELS = 1400
ARTWORK_MAX_PIXELS = 3000


def split_category(text: str) -> tuple[str, str | None]:
    """'News > Tech News' or 'News/Tech News' -> ('News', 'Tech News')."""
    for separator in (">", "/"):
        if separator in text:
            parent, sub = text.split(separator, 1)
            return parent.strip(), sub.strip()
    return text.strip(), None


def _key(text: str) -> str:
    """How a producer might write a category: any case, "and" for "&", any spacing, "/" for ">"."""
    parent, sub = split_category(text)
    words = " > ".join(part for part in (parent, sub) if part is not None).lower().replace("&", " and ")
    return " ".join(re.sub(r"[^\w>]+", " ", words).split())


def _names() -> dict[str, str]:
    """Every way of naming a category Apple accepts -> its name in the feed. A subcategory alone ("Tech News")
    stands for itself under its parent ("News > Tech News"): what a producer most likely meant."""
    names = {_key(parent): parent for parent in CATEGORIES}
    for parent, subs in CATEGORIES.items():
        names.update({_key(f"{parent} > {sub}"): f"{parent} > {sub}" for sub in subs})
    for parent, subs in CATEGORIES.items():
        for sub in subs:
            names.setdefault(_key(sub), f"{parent} > {sub}")
    return names


NAMES = _names()


def closest_category(text: str) -> str | None:
    """The category Apple accepts that `text` most likely means ("technology" -> "Technology"), if one is close."""
    key = _key(text)
    if key in NAMES:
        return NAMES[key]
    close = difflib.get_close_matches(key, NAMES, n=1, cutoff=0.8)
    return NAMES[close[0]] if close else None


def unknown_category(text: str) -> str | None:
    """What is wrong with `text` as a category of Apple's list, or None when it is one."""
    parent, sub = split_category(text)
    if parent not in CATEGORIES:
        return f"'{parent}' is not one of Apple's categories"
    if sub is not None and sub not in CATEGORIES[parent]:
        return f"'{sub}' is not a subcategory of {parent}"
    return None


def category_problem(text: str) -> str | None:
    """Why `text` is not a category of Apple's list, with the one it most likely means (else what there is)."""
    problem = unknown_category(text)
    if problem is None:
        return None
    meant = closest_category(text)
    if meant:
        return f"{problem}; did you mean '{meant}'?"
    parent, _ = split_category(text)
    if parent not in CATEGORIES:
        return f"{problem} ({', '.join(CATEGORIES)})"
    return f"{problem} (allowed: {', '.join(CATEGORIES[parent]) or 'none'})"
