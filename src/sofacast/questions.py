"""Questions: which show-notes lines are questions, whether a turn asks one, and which notes question it puts.

Everything that reads or matches questions lives here, so that speaker naming (who asks) and chunking
(where each answer starts) use the same judgement. Matching is fuzzy and paraphrase-tolerant; pairing
spoken with written questions is an order-preserving alignment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sofacast.sanitize import plain_text
from sofacast.sentences import split_text
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
# Judged sentence by sentence: a turn that welcomes, introduces a guest and then asks holds both an
# opening and a question, and only the question starts a chunk.

# A clause that opens with one of these asks something ("Henrik, what does ... mean?").
_INTERROGATIVES = frozenset(
    "what how why when where who whom which whose is are was were do does did can could would should "
    "will shall have has may might".split())
# Requests that ask without a question mark.
_REQUESTS = ("tell us", "tell me", "walk us through", "talk us through", "talk about", "talk to us", "explain",
             "describe", "give us", "help us understand", "say more", "i'd like to ask", "i want to ask",
             "let me ask", "my question", "i wonder", "what about", "how about", "your view", "your take")
_MIN_QUESTION_WORDS = 4
# A clause this short before an interrogative is someone being addressed ("Henrik, what ..."), not a
# sentence the interrogative depends on ("My guest is Ben Stone, who grows ...": a relative clause).
_MAX_VOCATIVE_WORDS = 3

# What hosts say to open and close a conversation rather than to ask: welcoming, introducing the
# guests, thanking. Such a sentence is not a question even when it names a guest and what they do.
_CEREMONY = re.compile(
    r"\b(?:welcome|welcoming|thank(?:s| you)|goodbye|bye|until next time|see you next|that's all|that is all"
    r"|my guests?(?: today| this week)? (?:is|are)|our guests?(?: today| this week)? (?:is|are)|joining (?:me|us)"
    r"|joined by|with me (?:today|here|now|is|are)|i'm here with|i am here with|here with me|please welcome"
    r"|let me introduce|i'd like to introduce|introduc(?:e|ing)|today (?:i|we) (?:have|talk|are talking|speak)"
    r"|on the (?:show|sofa|podcast) today|is with us|are with us)\b")
# Questions put to be polite, not to be answered at length.
_PLEASANTRIES = re.compile(
    r"\b(?:how are you(?: doing| today)?|how's it going|how is it going|are you ready|shall we (?:begin|start|get started)"
    r"|can you hear me|good to have you|nice to have you|great to have you|glad to have you)\b")


def is_ceremony(sentence: str) -> bool:
    """A sentence that welcomes, introduces, thanks or is small talk: the opening or closing of a show."""
    lowered = sentence.lower().replace("’", "'")
    return bool(_CEREMONY.search(lowered) or _PLEASANTRIES.search(lowered))


def _normal(text: str) -> str:
    return text.lower().replace("’", "'")


def asking_start(sentence: str) -> int | None:
    """Where one sentence starts to ask, as the index of its first word (split at spaces), or None if it
    does not ask. A sentence that opens a show and asks in one breath ("Welcome to the sofa, today we talk
    with Priya, Priya, why is ...?") asks from the clause after the opening."""
    lowered = _normal(sentence)
    if len(words(sentence)) < _MIN_QUESTION_WORDS or _PLEASANTRIES.search(lowered):
        return None
    if not _CEREMONY.search(lowered):
        return 0 if _asks_plainly(lowered) else None
    return _asking_after_ceremony(sentence)


def asks_sentence(sentence: str) -> bool:
    """True for one sentence that asks: a question mark, an interrogative clause, or a request to explain."""
    return asking_start(sentence) is not None


def _asks_plainly(lowered: str) -> bool:
    if lowered.rstrip(" \"')").endswith("?") or any(request in lowered for request in _REQUESTS):
        return True
    clauses = [words(clause) for clause in re.split(r"[,;:]\s*", lowered)]
    for position, clause in enumerate(clauses):
        if position and len(clauses[position - 1]) > _MAX_VOCATIVE_WORDS:
            break
        first = clause[:2]
        if first and (first[0] in _INTERROGATIVES or (first[0] in ("and", "so", "but", "now") and first[1:2]
                                                     and first[1] in _INTERROGATIVES)):
            return True
    return False


def _clauses(sentence: str) -> list[tuple[int, list[str]]]:
    """(index of the clause's first word, its words split at spaces), clauses ending at , ; : or a dash."""
    clauses: list[tuple[int, list[str]]] = []
    for index, token in enumerate(sentence.split()):
        if not clauses or clauses[-1][1][-1].endswith((",", ";", ":", "—", "–")) or token in ("—", "–"):
            clauses.append((index, []))
        clauses[-1][1].append(token)
    return clauses


def _asking_after_ceremony(sentence: str) -> int | None:
    """After the sentence's last clause that welcomes or introduces: the clause that asks (the last one opening
    with an interrogative when the sentence ends in "?", else the first request), with the name it addresses.
    A relative clause about a guest ("Ben Stone, who grows tomatoes.") asks nothing: it ends in no "?"."""
    clauses = _clauses(sentence)
    texts = [_normal(" ".join(tokens)) for _, tokens in clauses]
    last_opening = max(i for i, text in enumerate(texts) if _CEREMONY.search(text) or i == 0)
    after = range(last_opening + 1, len(clauses))
    if _normal(sentence).rstrip(" \"')").endswith("?"):
        found = [i for i in after if words(texts[i])[:1] and words(texts[i])[0] in _INTERROGATIVES]
        position = found[-1] if found else None
    else:
        position = next((i for i in after if texts[i].startswith(_REQUESTS)), None)
    if position is None:
        return None
    addressed = position - 1 > last_opening and len(words(texts[position - 1])) <= _MAX_VOCATIVE_WORDS
    return clauses[position - 1 if addressed else position][0]


def asks(text: str) -> bool:
    """True for a turn (or any text) with at least one sentence that asks."""
    return any(asks_sentence(sentence) for sentence in split_text(text))


def asking_part(sentences: Sequence[str]) -> int | None:
    """Index of the first sentence that asks, or None when none does (an opening, a reaction, a farewell)."""
    return next((index for index, sentence in enumerate(sentences) if asks_sentence(sentence)), None)


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
