"""Plain-text helpers shared by question matching and topic similarity: words, stems, stopwords."""

from __future__ import annotations

import re

# Words that carry no topic; dropped before comparing questions or measuring what episodes are about.
STOPWORDS = frozenset(
    "a an the and or but so of to in on at for with by from as into about over under than then that this these "
    "those there here it its it's is are was were be been being do does did done doing have has had having "
    "can could would should will shall may might must not no yes i you we they he she me us them my your our "
    "their his her what how why when where who whom which whose if just really actually very much many more "
    "most some any all also well now let let's lets say tell think thing things get got out up down one".split())


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def stem(word: str) -> str:
    word = word.removesuffix("'s").strip("'")
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def topic_terms(text: str) -> list[str]:
    """Stemmed words that carry topic, in order, repeats kept (for term counts)."""
    return [stem(word) for word in words(text) if word not in STOPWORDS and len(word) > 1 and not word.isdigit()]


def content_words(text: str) -> set[str]:
    return {stem(word) for word in words(text) if word not in STOPWORDS and len(word) > 1}
