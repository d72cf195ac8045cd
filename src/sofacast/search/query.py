"""The query language editors know, turned into SQLite FTS5 syntax.

    cables            a word (every word must appear)
    "undersea cable"  an exact phrase
    repair*           a prefix
    cables OR fibre   either
    cables NOT anchor the first without the second
    (a OR b) c        grouping

Bare words are quoted before they reach FTS5, so punctuation in them ("cyber-attack", "U.N.")
never becomes FTS5 syntax; mistakes are reported as a QueryError that says how to fix them.

A query is capped (MAX_QUERY_CHARS, MAX_QUERY_WORDS, MAX_NESTING) before FTS5 sees it: for every hit,
FTS5's snippet() and bm25 rank walk every phrase of the query for every match in the passage, so their work
grows with the square of the number of phrases (measured: 1,000 copies of one word 0.27 s, 2,000 1.1 s,
4,000 3.7 s, almost all in snippet()). Unbounded, a query keeps a machine busy for minutes; the caps sit
far above what an editor types.
"""

from __future__ import annotations

import re

from sofacast.errors import SofacastError

OPERATORS = ("OR", "AND", "NOT")
_TOKEN = re.compile(r'"[^"]*"\*?|\(|\)|[^\s()"]+')
# An editor's query is a few words or a phrase; 1,000 characters hold a pasted paragraph, 64 words a long quote.
MAX_QUERY_CHARS = 1_000
MAX_QUERY_WORDS = 64
MAX_NESTING = 8  # brackets inside brackets; "(a OR b) (c OR d)" is 1
# Tabs and line ends of a pasted query are spaces; other control characters are never typed on purpose.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FEWER = 'Search for a few distinctive words or a short "exact phrase".'


class QueryError(SofacastError):
    """A search query that cannot be understood."""


def check_text(value: str, what: str, most: int) -> str:
    """A search value (the query, a filter) that is short enough and free of control characters, as given."""
    if len(value) > most:
        raise QueryError(f"{what} is too long ({len(value):,} characters; the most is {most:,})",
                         _FEWER if what == "the query" else f"Give at most {most:,} characters.")
    control = _CONTROL.search(value)
    if control:
        raise QueryError(f"{what} holds a control character (U+{ord(control.group()):04X})",
                         "Type it again without it; tabs and line breaks count as spaces.")
    return value


def _word(token: str) -> str:
    prefix = token.endswith("*")
    terms = re.findall(r"\w+", token.rstrip("*"))
    if not terms:
        raise QueryError(f"'{token}' has no letters or digits to search for",
                         'Search for words, e.g. cables or "undersea cable".')
    quoted = '"' + " ".join(terms) + '"'
    return quoted + ("*" if prefix else "")


def _phrase(token: str) -> str:
    words = re.findall(r"\w+", token.rstrip("*").strip('"'))
    if not words:
        raise QueryError("the query has an empty phrase", 'Put words between the quotes: "undersea cable".')
    return '"' + " ".join(words) + '"' + ("*" if token.endswith("*") else "")


def _tokens(query: str) -> list[str]:
    text = check_text(query.strip(), "the query", MAX_QUERY_CHARS)
    if not text:
        raise QueryError("the query is empty", 'Give words to search for, e.g. sofacast search "undersea cable".')
    if text.count('"') % 2:
        raise QueryError("the query has an unbalanced quote", 'Close the phrase: "undersea cable".')
    tokens = _TOKEN.findall(text)
    words = sum(len(re.findall(r"\w+", token)) for token in tokens if token not in OPERATORS)
    if words > MAX_QUERY_WORDS:
        raise QueryError(f"the query has too many words ({words:,}; the most is {MAX_QUERY_WORDS})", _FEWER)
    return tokens


def _and_beside_brackets(parts: list[str], token: str) -> None:
    """FTS5 ANDs side-by-side phrases, but not a bracket beside anything ("cables (a OR b)" is its syntax error)."""
    if parts and parts[-1] not in OPERATORS and parts[-1] != "(" and (token == "(" or parts[-1] == ")"):
        parts.append("AND")


def to_fts(query: str) -> str:
    parts: list[str] = []
    depth = 0
    for token in _tokens(query):
        if token in OPERATORS:
            if not parts or parts[-1] in OPERATORS or parts[-1] == "(":
                raise QueryError(f"{token} needs something to search for before it",
                                 f"Write it between two terms, e.g. cables {token} anchors.")
            parts.append(token)
        elif token == "(":
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError(f"the query has brackets inside brackets more than {MAX_NESTING} deep",
                                 "Use fewer brackets, e.g. (cables OR fibre) repair.")
            _and_beside_brackets(parts, token)
            parts.append(token)
        elif token == ")":
            depth -= 1
            if depth < 0 or not parts or parts[-1] in OPERATORS or parts[-1] == "(":
                raise QueryError("the query has a ')' without its '(' or with nothing inside", "Check the brackets.")
            parts.append(token)
        else:
            _and_beside_brackets(parts, token)
            parts.append(_phrase(token) if token.startswith('"') else _word(token))
    if depth:
        raise QueryError("the query has an unclosed '('", "Close every bracket.")
    if parts[-1] in OPERATORS:
        raise QueryError(f"{parts[-1]} needs something to search for after it", f"e.g. cables {parts[-1]} anchors.")
    return " ".join(parts)


def substring_pattern(query: str) -> str:
    """For --substring: the trigram index finds any text of three or more characters, inside words too."""
    text = check_text(query.strip(), "the query", MAX_QUERY_CHARS).strip('"')
    if len(text) < 3:
        raise QueryError("a substring search needs at least 3 characters", "Give a longer part of the name or word.")
    return '"' + text.replace('"', '""') + '"'
