"""Names people say for themselves: "I'm Sheila in Texas", "this is Diane", "my name is Ben Stone", "Ana here".

On a call-in show or a phone interview nobody's voice is remembered yet, and order of appearance is a coin
toss; what a speaker says about themselves is not. Only the names the episode lists are looked for, by the
whole name or by a part of it that no other listed person shares ("Sheila" for Sheila Brook).

"This is …" and "it's …" count only at the start of a sentence: further in, they describe someone else
("the one who said it is Ana"). A claim is dropped where it is ambiguous — a voice that claims two people,
a person claimed by two voices — since a wrong name is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sofacast.turns import Turn

# Words that may open a sentence before the speaker names themselves ("Oh, hello. This is Diane").
_OPENERS = r"(?:(?:hi|hello|hey|yes|yeah|oh|well|okay|ok|so|and|um|uh)\b[,.!]?\s+)*"
_STRONG = r"(?:\b(?:I'm|I’m|I am|my name is|my name's|my name’s|name's|name’s)\s+)"
_SENTENCE_START = r"(?:^|(?<=[.!?])\s+)"
_WEAK = rf"(?:{_SENTENCE_START}{_OPENERS}(?:this is|it's|it’s|it is)\s+)"


def introductions(turns: Sequence[Turn], people: Sequence[str]) -> dict[str, str]:
    """label -> listed person, for each voice that names itself unambiguously."""
    forms = _name_forms(people)
    if not forms:
        return {}
    names = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    # The name ends the word: not "Anabel" for Ana, not "Sheila's" (someone else's: "I'm Sheila's sister").
    strong = re.compile(rf"{_STRONG}(?P<name>{names})(?![\w’'-])(?!\s*['’]s\b)", re.IGNORECASE)
    weak = re.compile(rf"(?:{_WEAK}(?P<name>{names})(?![\w’'-])(?!['’]s\b))"
                      rf"|(?:{_SENTENCE_START}{_OPENERS}(?P<here>{names}) here\b)", re.IGNORECASE)
    claims: dict[str, set[str]] = {}
    for turn in turns:
        if turn.who is None:
            continue
        strong_claims = {forms[_key(m["name"])] for m in strong.finditer(turn.text) if _capitalised(m["name"])}
        weak_claims = {forms[_key(m["name"] or m["here"])] for m in weak.finditer(turn.text)
                       if _capitalised(m["name"] or m["here"])}
        claims.setdefault(turn.who, set()).update(strong_claims or weak_claims)
    return _unambiguous(claims)


def _name_forms(people: Sequence[str]) -> dict[str, str]:
    """Lower-cased form -> person: each whole name, and each part of a name (3+ letters) no one else has."""
    forms = {_key(person): person for person in people if person.strip()}
    parts: dict[str, set[str]] = {}
    for person in people:
        for part in re.findall(r"[^\W\d_][\w’'-]{2,}", person):
            parts.setdefault(_key(part), set()).add(person)
    for part, owners in parts.items():
        if len(owners) == 1 and part not in forms:
            forms[part] = next(iter(owners))
    return forms


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _capitalised(name: str) -> bool:
    """Written as a name: the engine capitalises names, and "I'm grace-ful" is no Grace."""
    return name[:1].isupper()


def _unambiguous(claims: dict[str, set[str]]) -> dict[str, str]:
    single = {label: next(iter(people)) for label, people in claims.items() if len(people) == 1}
    claimed_by: dict[str, list[str]] = {}
    for label, person in single.items():
        claimed_by.setdefault(person, []).append(label)
    return {label: person for label, person in single.items() if len(claimed_by[person]) == 1}
