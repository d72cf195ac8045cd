"""What sofacast.toml and episode.toml may hold, checked by pydantic before anything uses them.

Every wrong type or range becomes one line naming the file, the field and the form it should have:

    episodes/jfk/episode.toml: number: expected a whole number from 1 (number = 4), got 'one'.

The models only check; the records in `records.py` are what the rest of sofacast reads.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from sofacast.errors import WorkspaceError
from sofacast.sanitize import plain_text, safe_url

# A BCP 47 language tag as podcast feeds use it: "en", "en-GB", "pt-BR", "zh-Hans-CN".
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
LABEL = re.compile(r"S\d{1,3}")
# A UUID's own shape: a looser pattern (36 hex digits or dashes) would pass text that breaks every episode's GUID.
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
MAX_NUMBER = 1_000_000
MAX_TEXT = 100_000

_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _no_controls(value: str) -> str:
    if _CONTROLS.search(value):
        raise ValueError("holds control characters")
    return value


Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_no_controls)]
def _has_text(value: str) -> str:
    if not plain_text(value):
        raise ValueError("no text is left once markup and control characters are taken out")
    return value


Name = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_no_controls), AfterValidator(_has_text)]
Seconds = Annotated[float, Field(ge=0, le=1e7, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=1, le=MAX_NUMBER)]


class _Table(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Owner(_Table):
    name: Text = ""
    email: Text = ""

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", value):  # Text has refused controls
            raise ValueError("not an email address")
        return value


class FeedTable(_Table):
    link: Text = ""
    locked: bool = True
    guid: Annotated[str, Field(pattern=UUID_PATTERN)] | None = None
    artwork: Text = ""
    audio: Literal["mp3", "original"] = "mp3"
    bitrate: Annotated[str, Field(pattern=r"^(3[2-9]|[4-9]\d|[12]\d\d|3[01]\d|320)k$")] = "96k"
    channels: Literal[1, 2] = 1
    loudness: Annotated[float, Field(ge=-40, le=-5, allow_inf_nan=False)] = -16.0
    intro: Text = ""
    outro: Text = ""
    related: Annotated[int, Field(ge=0, le=50)] = 3
    previous: Annotated[int, Field(ge=0, le=50)] = 3


class ShowFile(_Table):
    title: Name
    description: Text = ""
    author: Text = ""
    language: Annotated[str, Field(max_length=35)] = "en"
    categories: list[Name] = []
    explicit: bool = False
    image_url: Text = ""
    base_url: Text = ""
    hosts: list[Name] = []
    owner: Owner = Owner()
    feed: FeedTable = FeedTable()

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not LANGUAGE_TAG.fullmatch(value):
            raise ValueError("not a language tag")
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if value and safe_url(value) is None:
            raise ValueError("not an http(s) address")
        return value


class GuestTable(_Table):
    name: Name
    bio: Text = ""
    url: Text = ""  # a link that is not http(s) is left out of the outputs and reported by `validate`


class ChunkEdit(_Table):
    start: Annotated[float, Field(ge=0, le=1e7, allow_inf_nan=False)] | Annotated[str, Field(max_length=20)]
    question: Annotated[int, Field(ge=1, le=1000)] | Text | None = None

    @field_validator("start")
    @classmethod
    def _start(cls, value: float | str) -> float | str:
        parse_clock(value)
        return value


class EpisodeFile(BaseModel):
    # Keys sofacast does not know are kept as they are (a producer's own notes).
    model_config = ConfigDict(strict=True, extra="allow", frozen=True)

    title: Name
    number: Count | None = None
    season: Count | None = None
    published: Annotated[str, Field(max_length=40)] | datetime | date = ""
    description: Text = ""
    source_url: Text = ""
    media: Text = ""
    duration: Seconds | None = None
    thumbnail: Text = ""
    guests: list[GuestTable | Name] = []
    questions: list[Annotated[str, Field(max_length=2000)]] = []
    speakers: dict[str, Name] = {}
    chunks: list[ChunkEdit] | None = None
    draft: bool = False
    guid: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\s<>&\"'\x00-\x1f\x7f-\x9f]+$")] | None = None
    explicit: bool | None = None

    @field_validator("published")
    @classmethod
    def _published(cls, value: str | date) -> str | date:
        if isinstance(value, str) and value.strip():
            try:
                datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                raise ValueError("not a date") from None
        return value

    @field_validator("media")
    @classmethod
    def _media(cls, value: str) -> str:
        if value and (value in (".", "..") or re.search(r"[/\\\x00]", value)):
            raise ValueError("not a file name in the episode's folder")
        return value

    @field_validator("speakers")
    @classmethod
    def _speakers(cls, table: dict[str, str]) -> dict[str, str]:
        wrong = [key for key in table if not LABEL.fullmatch(key)]
        if wrong:
            raise ValueError(f"{wrong[0]!r} is not a speaker label such as S1 (see \"speakers\" in the episode's transcript)")
        return table


def parse_clock(value: str | float) -> float:
    """Seconds from a number or "ss", "m:ss", "h:mm:ss" (with decimals); ValueError for anything else."""
    if isinstance(value, bool):
        raise ValueError("not a time")
    if isinstance(value, (int, float)):
        try:
            seconds = float(value)
        except OverflowError:  # an integer past float's range (10**400) is no time either
            raise ValueError("not a time") from None
    else:
        match = re.fullmatch(r"\s*(?:(?:(\d+):)?(\d+):)?(\d+(?:\.\d+)?)\s*", value)
        if not match:
            raise ValueError("not a time")
        hours, minutes, secs = match.groups()
        if (minutes is not None and float(secs) >= 60) or (hours is not None and int(minutes) >= 60):
            raise ValueError("not a time")
        try:
            seconds = float(int(hours or 0) * 3600 + int(minutes or 0) * 60) + float(secs)
        except OverflowError:
            raise ValueError("not a time") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError("not a time")
    return seconds


# field -> the form it should have, shown when it is wrong.
SHOW_FORMS = {
    "title": 'text, e.g. title = "The Diplomat\'s Sofa"',
    "description": "text",
    "author": "text",
    "language": 'a language tag, e.g. language = "en" or "pt-BR"',
    "categories": 'a list of Apple categories, e.g. categories = ["Technology", "News > Tech News"]',
    "explicit": "true or false",
    "image_url": 'an http(s) address, e.g. image_url = "https://example.org/art.jpg"',
    "base_url": 'the http(s) address the show is served at, e.g. base_url = "https://example.org/show/"',
    "hosts": 'a list of names, e.g. hosts = ["Elena Marsh"]',
    "owner": 'a table: [owner] with name = "…" and email = "…"',
    "owner.name": "text",
    "owner.email": 'an email address, e.g. email = "producer@example.org"',
    "feed": "a table: [feed] with the settings in the README",
    "feed.link": 'an http(s) address, e.g. link = "https://example.org/show/"',
    "feed.locked": "true or false",
    "feed.guid": "a UUID, e.g. guid = \"9b024349-ccf0-5f69-a609-6b82873eab3c\"",
    "feed.artwork": 'a path inside the workspace, e.g. artwork = "artwork.png"',
    "feed.audio": '"mp3" or "original"',
    "feed.bitrate": 'a bitrate from 32k to 320k, e.g. bitrate = "96k"',
    "feed.channels": "1 or 2",
    "feed.loudness": "a loudness in LUFS from -40 to -5, e.g. loudness = -16.0",
    "feed.intro": 'a path inside the workspace, e.g. intro = "clips/intro.mp3"',
    "feed.outro": 'a path inside the workspace, e.g. outro = "clips/outro.mp3"',
    "feed.related": "a whole number from 0 to 50",
    "feed.previous": "a whole number from 0 to 50",
}
EPISODE_FORMS = {
    "title": 'text, e.g. title = "Norms in Cyberspace"',
    "number": "a whole number from 1, e.g. number = 4",
    "season": "a whole number from 1, e.g. season = 1",
    "published": 'a date, e.g. published = "2026-09-07" (or a full ISO 8601 datetime)',
    "description": "text",
    "source_url": "text",
    "media": 'the name of the audio file in the episode\'s folder, e.g. media = "episode.mp3"',
    "duration": "seconds, e.g. duration = 1834.2",
    "thumbnail": "an http(s) address",
    "guests": 'a list of [[guests]] tables with name = "…" (and optionally bio, url)',
    "guests.name": 'a name, e.g. name = "Tomas Okafor"',
    "guests.bio": "text",
    "guests.url": 'an http(s) address, e.g. url = "https://example.org/people/tomas"',
    "questions": 'a list of questions in quotes, e.g. questions = ["Why …?"]',
    "speakers": 'a table from labels to names: [speakers] then S1 = "Elena Marsh"',
    "chunks": 'a list of [[chunks]] tables with start = SECONDS (or "m:ss") and optionally question = N',
    "chunks.start": 'seconds or a clock time, e.g. start = 62.5 or start = "1:02.5"',
    "chunks.question": 'a notes question\'s number, its text, or "" for none',
    "draft": "true or false",
    "guid": "text without spaces or markup, e.g. guid = \"a9f3c2d1-…\"",
    "explicit": "true or false",
}


_TYPE_TAGS = {"str", "int", "float", "bool", "date", "datetime", "none", "list", "dict"}


def _location(loc: tuple[Any, ...]) -> str:
    """pydantic's error location as the producer writes it: guests[1].url (union member tags left out)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[a-z_][a-z0-9_]*", part) and part not in _TYPE_TAGS:
            text += ("." if text else "") + part
    return text


def _form(forms: dict[str, str], where: str) -> str:
    key = re.sub(r"\[\d+\]", "", where)
    while key and key not in forms:
        key = key.rpartition(".")[0]
    return forms.get(key, "the form in the README")


def _got(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


# pydantic error types whose own message would only confuse a producer.
_REASONS = {"string_pattern_mismatch": "not in the expected form", "string_too_short": "empty",
            "string_too_long": "too long", "literal_error": "not one of the allowed values",
            "int_type": "not a whole number", "float_type": "not a number", "string_type": "not text",
            "bool_type": "not true or false", "list_type": "not a list", "dict_type": "not a table",
            "model_type": "not a table", "finite_number": "not a finite number", "int_parsing": "not a whole number"}


def problem_line(path: str, error: ValidationError, forms: dict[str, str]) -> WorkspaceError:
    first = error.errors()[0]
    where = _location(first["loc"]) or "(file)"
    if first["type"] == "missing":
        return WorkspaceError(f"{path}: {where} is missing", f"Add it: {_form(forms, where)}.")
    if first["type"] == "extra_forbidden":
        parent = re.sub(r"\[\d+\]", "", where).rpartition(".")[0]
        known = ", ".join(key.rpartition(".")[2] for key in forms if key.rpartition(".")[0] == parent)
        return WorkspaceError(f"{path}: unknown setting '{where}'", f"Known here: {known}. Fix the spelling or remove it.")
    reason = _REASONS.get(first["type"]) or first["msg"].removeprefix("Value error, ")
    return WorkspaceError(f"{path}: {where}: {reason[:1].lower()}{reason[1:]}, got {_got(first.get('input'))}",
                          f"Write {_form(forms, where)}.")


def check_show(data: dict[str, Any], path: str) -> ShowFile:
    try:
        return ShowFile.model_validate(data)
    except ValidationError as error:
        raise problem_line(path, error, SHOW_FORMS) from None


def check_episode(data: dict[str, Any], path: str) -> EpisodeFile:
    try:
        return EpisodeFile.model_validate(data)
    except ValidationError as error:
        raise problem_line(path, error, EPISODE_FORMS) from None
