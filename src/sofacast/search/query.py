"""The query language editors know, turned into SQLite FTS5 syntax.

    cables            a word (every word must appear)
    "undersea cable"  an exact phrase
    repair*           a prefix
    cables OR fibre   either
    cables NOT anchor the first without the second
    (a OR b) c        grouping

Bare words are quoted before they reach FTS5, so punctuation in them ("cyber-attack", "U.N.")
never becomes FTS5 syntax; mistakes are reported as a QueryError that says how to fix them.
"""

from __future__ import annotations

import re

from sofacast.errors import SofacastError

OPERATORS = ("OR", "AND", "NOT")
_TOKEN = re.compile(r'"[^"]*"\*?|\(|\)|[^\s()"]+')


class QueryError(SofacastError):
    """A search query that cannot be understood."""


def _word(token: str) -> str:
    prefix = token.endswith("*")
    terms = re.findall(r"\w+", token.rstrip("*"))
    if not terms:
        raise QueryError(f"'{token}' has no letters or digits to search for",
                         'Search for words, e.g. cables or "undersea cable".')
    quoted = '"' + " ".join(terms) + '"'
    return quoted + ("*" if prefix else "")


def to_fts(query: str) -> str:
    text = query.strip()
    if not text:
        raise QueryError("the query is empty", 'Give words to search for, e.g. sofacast search "undersea cable".')
    if text.count('"') % 2:
        raise QueryError("the query has an unbalanced quote", 'Close the phrase: "undersea cable".')
    tokens = _TOKEN.findall(text)
    parts: list[str] = []
    depth = 0
    for token in tokens:
        if token in OPERATORS:
            if not parts or parts[-1] in OPERATORS or parts[-1] == "(":
                raise QueryError(f"{token} needs something to search for before it",
                                 f"Write it between two terms, e.g. cables {token} anchors.")
            parts.append(token)
        elif token == "(":
            depth += 1
            parts.append(token)
        elif token == ")":
            depth -= 1
            if depth < 0 or not parts or parts[-1] in OPERATORS or parts[-1] == "(":
                raise QueryError("the query has a ')' without its '(' or with nothing inside", "Check the brackets.")
            parts.append(token)
        elif token.startswith('"'):
            phrase = re.findall(r"\w+", token.rstrip("*").strip('"'))
            if not phrase:
                raise QueryError("the query has an empty phrase", 'Put words between the quotes: "undersea cable".')
            parts.append('"' + " ".join(phrase) + '"' + ("*" if token.endswith("*") else ""))
        else:
            parts.append(_word(token))
    if depth:
        raise QueryError("the query has an unclosed '('", "Close every bracket.")
    if parts[-1] in OPERATORS:
        raise QueryError(f"{parts[-1]} needs something to search for after it", f"e.g. cables {parts[-1]} anchors.")
    return " ".join(parts)


def substring_pattern(query: str) -> str:
    """For --substring: the trigram index finds any text of three or more characters, inside words too."""
    text = query.strip().strip('"')
    if len(text) < 3:
        raise QueryError("a substring search needs at least 3 characters", "Give a longer part of the name or word.")
    return '"' + text.replace('"', '""') + '"'
