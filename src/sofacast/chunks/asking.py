"""Is a host's turn a question, and which show-notes question does it put (fuzzy, paraphrase-tolerant)?"""

from __future__ import annotations

import re

from sofacast.text import content_words, words

# A clause that opens with one of these asks something ("Henrik, what does ... mean?").
_INTERROGATIVES = frozenset(
    "what how why when where who whom which whose is are was were do does did can could would should "
    "will shall have has may might".split())
# Requests that ask without a question mark.
_REQUESTS = ("tell us", "tell me", "walk us through", "talk us through", "talk about", "talk to us", "explain",
             "describe", "give us", "help us understand", "say more", "i'd like to ask", "i want to ask",
             "let me ask", "my question", "i wonder", "what about", "how about", "your view", "your take")
_MIN_QUESTION_WORDS = 4


def sentences(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"(?<=[.?!])\s+", text.strip()) if part.strip()]


def asks(text: str) -> bool:
    """True for a turn that asks: a question mark, an interrogative clause, or a request to explain."""
    if len(words(text)) < _MIN_QUESTION_WORDS:
        return False
    for sentence in sentences(text):
        lowered = sentence.lower()
        if lowered.endswith("?") or any(request in lowered for request in _REQUESTS):
            return True
        for clause in re.split(r"[,;:]\s*", lowered):
            first = words(clause)[:2]
            if first and (first[0] in _INTERROGATIVES or (first[0] in ("and", "so", "but", "now") and first[1:2]
                                                         and first[1] in _INTERROGATIVES)):
                return len(words(sentence)) >= _MIN_QUESTION_WORDS
    return False


def question_similarity(written: str, spoken: str) -> float:
    """Share of the written question's topic words that were spoken (0..1); paraphrases keep most of them."""
    wanted = content_words(written)
    if not wanted:
        return 0.0
    heard = content_words(spoken)
    return len(wanted & heard) / len(wanted)
