"""The site's Jinja2 environment: autoescape on (no HTML is built from strings), undefined names an error."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from sofacast.formats.timestamps import short_clock


def initials(name: str) -> str:
    """ "Asoke Mukerji" -> "AM": what a person without a photo is shown as."""
    words = [word for word in name.split() if word[:1].isalnum()]
    return "".join(word[0] for word in (words[:1] + words[1:][-1:])).upper()


@cache
def environment() -> Environment:
    templates = Environment(loader=PackageLoader("sofacast.site", "templates"), autoescape=True,
                            undefined=StrictUndefined, keep_trailing_newline=True)
    templates.filters["clock"] = short_clock
    templates.filters["seconds"] = lambda value: f"{float(value):.2f}"
    templates.filters["initials"] = initials
    return templates
