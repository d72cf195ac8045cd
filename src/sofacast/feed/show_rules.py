"""What sofacast.toml must say for the show's feed to be valid, one setting at a time, so that every problem is
named at once rather than one per run: the owner's email, an http(s) base_url with a host, a BCP 47 language
tag (checked by langcodes against IANA's registry), and categories from Apple's list.

`init` refuses what it is given with these (one line per problem, in the words of its options); `validate`
reports them for a hand-edited sofacast.toml. langcodes has its one home here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import langcodes

from sofacast.errors import SofacastError
from sofacast.feed.apple import CATEGORIES, closest_category, unknown_category
from sofacast.feed.validate import Finding
from sofacast.records import Show
from sofacast.sanitize import safe_url

# Labels that are not empty: "a@b..c", "a@.b" and "a@b." are no addresses a mail server delivers to.
_EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\".]+(?:\.[^@\s<>\".]+)+")
EXAMPLE_BASE_URL = "https://example.org/show/"


@dataclass(frozen=True)
class Problem:
    """One setting that would make the feed invalid: what is wrong with it, and how to fix it."""

    setting: str  # its name in sofacast.toml, e.g. "owner.email"
    option: str  # the `init` option that sets it, e.g. "--email"
    what: str  # e.g. "'english' is not a BCP 47 language tag"
    fix: str  # e.g. "Write a tag such as en, en-GB or pt-BR"

    def as_error(self) -> SofacastError:
        """The problem as `init` says it, in the words of its options."""
        return SofacastError(f"{self.option} {self.what}", self.fix if self.fix.endswith("?") else self.fix + ".")

    def as_finding(self) -> Finding:
        """The problem as `validate` says it of sofacast.toml."""
        return Finding("sofacast.toml", self.setting, f"{self.what}; {self.fix[:1].lower()}{self.fix[1:]}")


def email_problem(value: str) -> Problem | None:
    if _EMAIL.fullmatch(value):
        return None
    return Problem("owner.email", "--email", f"{value!r} is not an email address",
                   "Give the owner's address, e.g. producer@example.org: Apple sends mail about the show there")


def base_url_problem(value: str) -> Problem | None:
    fix = f"Give the http(s) address feeds/, episodes/ and transcripts/ will be served at, e.g. {EXAMPLE_BASE_URL}"
    if not value.strip():
        return Problem("base_url", "--base-url", "is missing", fix)
    if safe_url(value) is None:
        return Problem("base_url", "--base-url", f"{value!r} is not an http(s) address with a host", fix)
    if urlsplit(value).query or urlsplit(value).fragment:
        return Problem("base_url", "--base-url", f"{value!r} has a ?query or #fragment, so no address under it would work",
                       fix)
    return None


def language_problem(tag: str) -> Problem | None:
    # langcodes reads "en_US" as en-US; a feed must say it with a dash, so the underscore is a problem here.
    if "_" not in tag and langcodes.tag_is_valid(tag):
        return None
    meant = _meant_language(tag)
    fix = f"Did you mean '{meant}'?" if meant else "Write a tag such as en, en-GB, pt-BR or zh-Hans-CN"
    return Problem("language", "--language", f"{tag!r} is not a BCP 47 language tag", fix)


def _meant_language(text: str) -> str | None:
    """The tag `text` most likely means: "en_US" -> "en-US", "english" -> "en"."""
    try:
        tag = langcodes.standardize_tag(text.strip().replace("_", "-"))
        if langcodes.tag_is_valid(tag):
            return tag
    except ValueError:  # langcodes' LanguageTagError: not a tag at all, perhaps a language's name
        pass
    return _language_names().get(text.strip().lower())


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    """English name -> tag of every language in IANA's registry that langcodes ships ("german" -> "de");
    the shortest tag wins ("english" is en, not the ISO 639-3 eng). Read only when a tag is wrong."""
    names: dict[str, str] = {}
    try:
        from langcodes.registry_parser import parse_registry  # the registry itself; no other package needed
        entries = [entry for entry in parse_registry() if entry.get("Type") == "language" and "Deprecated" not in entry]
    except (ImportError, OSError, ValueError, KeyError):  # a langcodes without it: no suggestion, the check still works
        return names
    for entry in sorted(entries, key=lambda e: len(e["Subtag"])):
        for name in entry.get("Description", []):
            names.setdefault(name.lower(), entry["Subtag"])
    return names


def category_problems(categories: list[str]) -> list[Problem]:
    problems = []
    for category in categories:
        problem = unknown_category(category)
        if problem:
            meant = closest_category(category)
            fix = f"Did you mean '{meant}'?" if meant else (f"Choose one of Apple's: {', '.join(CATEGORIES)} "
                                                             "(or a subcategory, e.g. 'News > Tech News')")
            problems.append(Problem("categories", "--category", problem, fix))
    return problems


def show_problems(show: Show) -> list[Problem]:
    """Every problem of a new show's settings, in the order `init` takes its options."""
    found = [email_problem(show.owner_email), base_url_problem(show.base_url), language_problem(show.language)]
    return [problem for problem in found if problem] + category_problems(show.categories)


def setting_findings(show: Show) -> list[Finding]:
    """What `validate` says of a hand-edited sofacast.toml beyond its schema (categories are checked in the feed)."""
    found = [email_problem(show.owner_email) if show.owner_email else None, base_url_problem(show.base_url),
             language_problem(show.language)]
    return [problem.as_finding() for problem in found if problem]
