"""Show-notes questions: bullet or numbered lines that end in a question mark."""

from __future__ import annotations

import html
import re

_BULLET = r"(?:[•·▪●◦‣∙*+\-–—]|\(?\d{1,2}[.)]|Q\d{1,2}[:.)]?)"
_QUESTION_LINE = re.compile(rf"^\s*{_BULLET}\s+(?P<question>.+?\?)\s*$")


def questions_from_description(description: str) -> list[str]:
    text = html.unescape(re.sub(r"<br\s*/?>|</p>|</li>", "\n", description, flags=re.I))
    text = re.sub(r"<li[^>]*>", "\n• ", text, flags=re.I)
    text = re.sub(r"<[^>]+>", "", text)
    found: list[str] = []
    for line in text.splitlines():
        match = _QUESTION_LINE.match(line)
        if match:
            question = re.sub(r"\s+", " ", match.group("question")).strip()
            if question not in found:
                found.append(question)
    return found
