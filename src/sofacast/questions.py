"""Questions: which show-notes lines are questions, whether a turn asks one, and which notes question it puts.

Everything that reads or matches questions lives here, so that speaker naming (who asks) and chunking
(where each answer starts) use the same judgement. Matching is fuzzy and paraphrase-tolerant; pairing
spoken with written questions is an order-preserving alignment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sofacast.sanitize import plain_text
from sofacast.text import content_words, words
from sofacast.turns import Turn

# --- the show notes' questions -------------------------------------------------------------------
# Reads plain text (a source's HTML description is turned into text once, on the way in, with its
# list items as `• ` lines), so nothing here decodes markup or entities again.

_BULLET = r"(?:[•·▪●◦‣∙*+\-–—]|\(?\d{1,2}[.)]|Q\d{1,2}[:.)]?)"
# Show notes often put each question's time before it: "• 12:34 Why …?", "- (1:02:03) How …?", "[0:02] – What …?"
_CLOCK = r"(?:[\[(]?\d{1,2}(?::\d\d){1,2}[\])]?\s*(?:[-–—:|]\s*)?)"
_QUESTION_LINE = re.compile(rf"^\s*{_BULLET}\s+{_CLOCK}?(?P<question>.+?\?)\s*$")
MAX_QUESTION_CHARS = 500


def questions_from_description(description: str) -> list[str]:
    found: list[str] = []
    for line in description.splitlines():
        match = _QUESTION_LINE.match(line)
        if match:
            question = plain_text(match.group("question"))
            if question not in found and len(question) <= MAX_QUESTION_CHARS:
                found.append(question)
    return found


# --- does a turn ask? ------------------------------------------------------------------------------

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


# --- which notes question was asked where ---------------------------------------------------------
# A dynamic programme (like sequence alignment) picks the order-preserving pairing with the largest
# total similarity; pairs below the threshold are never made, so notes questions that were never
# asked and asked questions the notes do not list both stay unmatched.

# At least this share of a notes question's topic words must be heard for a match.
MATCH_THRESHOLD = 0.34


def align_questions(spoken: Sequence[str], written: Sequence[str], threshold: float = MATCH_THRESHOLD) -> dict[int, int]:
    """{index into spoken: index into written} for the best order-preserving matching."""
    score = [[question_similarity(w, s) for w in written] for s in spoken]
    rows, cols = len(spoken), len(written)
    best = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            pair = score[i][j] + best[i + 1][j + 1] if score[i][j] >= threshold else -1.0
            best[i][j] = max(pair, best[i + 1][j], best[i][j + 1])
    matches: dict[int, int] = {}
    i = j = 0
    while i < rows and j < cols:
        if score[i][j] >= threshold and best[i][j] == score[i][j] + best[i + 1][j + 1]:
            matches[i] = j
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return matches


def asking_scores(turns: Sequence[Turn], questions: Sequence[str]) -> dict[str, float]:
    """How much each label sounds like the interviewer: notes questions put, plus questions asked and answered."""
    scores: dict[str, float] = {}
    for index, turn in enumerate(turns):
        if turn.who is None:
            continue
        answered = index + 1 < len(turns) and turns[index + 1].who != turn.who
        matched = max((question_similarity(q, turn.text) for q in questions), default=0.0)
        score = (matched if matched >= MATCH_THRESHOLD else 0.0) * 2 + (0.5 if answered and asks(turn.text) else 0.0)
        scores[turn.who] = scores.get(turn.who, 0.0) + score
    return scores
