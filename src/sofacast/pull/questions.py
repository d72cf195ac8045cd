"""Show-notes questions: bullet or numbered lines that end in a question mark.

Reads plain text (a source's HTML description is turned into text once, on the way in, with its
list items as `• ` lines), so nothing here decodes markup or entities again.
"""

from __future__ import annotations

import re

from sofacast.sanitize import plain_text

_BULLET = r"(?:[•·▪●◦‣∙*+\-–—]|\(?\d{1,2}[.)]|Q\d{1,2}[:.)]?)"
_QUESTION_LINE = re.compile(rf"^\s*{_BULLET}\s+(?P<question>.+?\?)\s*$")
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
