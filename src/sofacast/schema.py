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
MAX_NAME = 300  # a title's or a person's name (the voice book's names too: `voices rename`)

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


Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME), AfterValidator(_no_controls), AfterValidator(_has_text)]
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


def _web_address(value: str) -> str:
    if value and safe_url(value) is None:
        raise ValueError("not an http(s) address")
    return value


def _iso_date(value: str | date) -> str | date:
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("not a date") from None
    return value


def _on_earth(value: str) -> str:
    if value:
        latitude, longitude = (float(part) for part in value[4:].split(";")[0].split(",")[:2])
        if abs(latitude) > 90 or abs(longitude) > 180:
            raise ValueError("latitude must lie within ±90 and longitude within ±180")
    return value


WebAddress = Annotated[str, Field(max_length=2000), AfterValidator(_no_controls), AfterValidator(_web_address)]
NeededAddress = Annotated[WebAddress, Field(min_length=1)]
# Podcasting 2.0 asks that a tag's text stay within 128 characters, or aggregators may cut it.
ShortName = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(_no_controls), AfterValidator(_has_text)]
ShortText = Annotated[str, Field(max_length=128), AfterValidator(_no_controls)]
# RFC 5870 geo URI: latitude,longitude[,altitude][;parameters]
GeoUri = Annotated[str, Field(pattern=r"^(?:geo:-?\d{1,2}(?:\.\d+)?,-?\d{1,3}(?:\.\d+)?(?:,-?\d+(?:\.\d+)?)?(?:;[\w.=;-]*)?)?$"),
                   AfterValidator(_on_earth)]


def _file_not_address(value: str) -> str:
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value):
        raise ValueError("an address, not a file in the workspace (an address of a photo goes in img)")
    return value


class PersonLinks(_Table):
    """[people."Elena Marsh"]: a person's photo (podcast:person img) and web page (href); `photo` is a photo file in
    the workspace, for the website (which asks no other server for anything, so never shows `img`)."""

    img: WebAddress = ""
    url: WebAddress = ""
    photo: Annotated[Text, AfterValidator(_file_not_address)] = ""


class SiteTable(_Table):
    """[site]: the website's settings (`sofacast site`)."""

    enabled: bool = False  # publish refreshes site/ as well
    video: bool = False  # an episode whose source is a video page offers to play it there (click to load)
    subscribe: dict[ShortName, NeededAddress] = {}  # directory name -> the show's page there, in order


# A model faster-whisper fetches by name ("small.en", "large-v3-turbo") or a Hugging Face repository id
# ("Systran/faster-distil-whisper-large-v3"), or a CTranslate2 model folder inside the workspace.
ModelSpec = Annotated[str, Field(max_length=300, pattern=r"^(?:[A-Za-z0-9._][A-Za-z0-9._ /-]*)?$")]


class TranscribeTable(_Table):
    """[transcribe]: how `transcribe` and `publish` make transcripts (a command's --model wins)."""

    model: ModelSpec = ""  # empty: the bundled tiny.en
    language: Annotated[str, Field(pattern=r"^(?:[a-z]{2,3})?$")] = ""  # empty: the show's language


def _pem_file(value: str) -> str:
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", value):
        raise ValueError("an address, not a file on this machine")
    return value


# A certificate or key file: relative to the workspace folder, or absolute (they usually live outside it, in
# /etc/ssl or ~/.dask: a private key has no place in a folder that is shared, synced or published from).
PemFile = Annotated[str, Field(max_length=4096), AfterValidator(_no_controls), AfterValidator(_pem_file)]


class ClusterTable(_Table):
    """[cluster]: how `--cluster` reaches a Dask scheduler: the TLS files for tls:// addresses (else Dask's own
    configuration's), and whether a plain tcp:// address is refused."""

    ca_file: PemFile = ""
    cert: PemFile = ""
    key: PemFile = ""  # empty: the key is in the cert file
    require_tls: bool = False


class FundingTable(_Table):
    url: NeededAddress
    text: ShortName


class PodrollTable(_Table):
    guid: Annotated[str, Field(pattern=UUID_PATTERN)]  # the recommended show's podcast:guid
    url: WebAddress = ""  # its feed
    title: ShortText = ""


class TxtTable(_Table):
    text: Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_no_controls)]
    purpose: ShortText = ""  # e.g. "verify", "applepodcastsverify"


class LicenseTable(_Table):
    name: ShortName  # an identifier such as "CC-BY-4.0", or a custom license's short name
    url: WebAddress = ""  # the license's full text (needed for a custom license)


class LocationTable(_Table):
    name: ShortName
    geo: GeoUri = ""
    osm: Annotated[str, Field(pattern=r"^(?:[NWR]\d{1,15})?$")] = ""
    country: Annotated[str, Field(pattern=r"^(?:[A-Z]{2})?$")] = ""
    rel: Literal["subject", "creator"] | None = None


class TrailerTable(_Table):
    url: NeededAddress
    title: ShortName
    published: Annotated[str, Field(max_length=40), AfterValidator(_iso_date)] | datetime | date
    length: Annotated[int, Field(ge=1, le=10**13)] | None = None  # bytes
    type: Annotated[str, Field(pattern=r"^(?:(?:audio|video)/[A-Za-z0-9.+-]{1,60})?$")] = ""
    season: Count | None = None


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
    people: dict[Name, PersonLinks] = {}
    site: SiteTable = SiteTable()
    transcribe: TranscribeTable = TranscribeTable()
    cluster: ClusterTable = ClusterTable()
    # Podcasting 2.0 channel tags, written when set.
    funding: list[FundingTable] = []
    podroll: list[PodrollTable] = []
    txt: list[TxtTable] = []
    license: LicenseTable | None = None
    location: LocationTable | None = None
    trailer: list[TrailerTable] = []

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
    img: Text = ""  # a photo URL, as url


class ChunkEdit(_Table):
    start: Annotated[float, Field(ge=0, le=1e7, allow_inf_nan=False)] | Annotated[str, Field(max_length=20)]
    question: Annotated[int, Field(ge=1, le=1000)] | Text | None = None
    kind: Literal["intro", "outro", "section"] | None = None  # a chunk without a question, said outright

    @field_validator("start")
    @classmethod
    def _start(cls, value: float | str) -> float | str:
        parse_clock(value)
        return value


class SoundbiteTable(_Table):
    """soundbite = {start = 62.5, duration = 30.0, title = "…"}: times in the episode's own audio."""

    start: Seconds
    duration: Annotated[float, Field(ge=1, le=120, allow_inf_nan=False)]  # the spec recommends 15-120 s
    title: ShortText = ""


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
    hosts: list[GuestTable | Name] = []
    episode_type: Literal["full", "trailer", "bonus"] = "full"
    questions: list[Annotated[str, Field(max_length=2000)]] = []
    speakers: dict[str, Name] = {}
    chunks: list[ChunkEdit] | None = None
    draft: bool | None = None  # unset: held back from the feed until it has a transcript
    guid: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\s<>&\"'\x00-\x1f\x7f-\x9f]+$")] | None = None
    explicit: bool | None = None
    # false: no soundbite. Named apart from its key so that workspace.episode_from_dict keeps the checked
    # table in Episode.extra, as it keeps speakers and chunks; the feed reads it there.
    soundbite_: SoundbiteTable | Literal[False] | None = Field(default=None, alias="soundbite")

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
    "people": 'a table per person: [people."Elena Marsh"] with img = "https://…/elena.jpg" and url = "https://…"',
    "people.img": 'an http(s) address of a photo, e.g. img = "https://example.org/people/elena.jpg"',
    "people.url": 'an http(s) address of a page about the person, e.g. url = "https://example.org/people/elena"',
    "people.photo": 'a photo file inside the workspace, for the website, e.g. photo = "people/elena.jpg"',
    "site": "a table: [site] with enabled, video and [site.subscribe] as in the README",
    "site.enabled": "true or false (true: publish refreshes the website too)",
    "site.video": "true or false (true: episode pages offer the source video, loaded only when asked)",
    "site.subscribe": 'a table of directory names and the show\'s http(s) address there, e.g. [site.subscribe] then '
                      '"Apple Podcasts" = "https://podcasts.apple.com/…"',
    "transcribe": 'a table: [transcribe] with model = "small.en" (or a model folder) and language = "fr"',
    "transcribe.model": 'a faster-whisper model name or a CTranslate2 model folder inside the workspace, '
                        'e.g. model = "small.en" or model = "models/whisper-small-ct2"',
    "transcribe.language": 'the spoken language as Whisper names it, e.g. language = "fr" (default: the show\'s language)',
    "cluster": 'a table: [cluster] with ca_file, cert, key (PEM files) and require_tls = true or false',
    "cluster.ca_file": 'the PEM file of the CA that signed the cluster\'s certificates, e.g. ca_file = "/etc/dask/ca.pem"',
    "cluster.cert": 'this machine\'s PEM certificate for the cluster, e.g. cert = "/etc/dask/client.pem"',
    "cluster.key": 'the PEM file of that certificate\'s key (unencrypted), e.g. key = "/etc/dask/client-key.pem"',
    "cluster.require_tls": "true or false (true: refuse plain tcp:// cluster addresses)",
    "funding": 'a list of [[funding]] tables with url = "https://…" and text = "Support the show"',
    "funding.url": 'an http(s) address, e.g. url = "https://example.org/donate"',
    "funding.text": 'up to 128 characters of text, e.g. text = "Support the show"',
    "podroll": 'a list of [[podroll]] tables with guid = "…" (a show\'s podcast:guid) and optionally url and title',
    "podroll.guid": 'the recommended show\'s podcast:guid, e.g. guid = "917393e3-1b1e-5cef-ace4-edaa54e1f810"',
    "podroll.url": 'the http(s) address of its feed, e.g. url = "https://feeds.podcastindex.org/pc20.xml"',
    "podroll.title": "up to 128 characters of text",
    "txt": 'a list of [[txt]] tables with text = "…" and optionally purpose = "verify"',
    "txt.text": "text of up to 4000 characters, e.g. the code a directory gave you to prove you own the feed",
    "txt.purpose": 'up to 128 characters, e.g. purpose = "verify" or "applepodcastsverify"',
    "license": 'a table: [license] with name = "CC-BY-4.0" and optionally url = "https://…"',
    "license.name": 'a license identifier or short name of up to 128 characters, e.g. name = "CC-BY-4.0"',
    "license.url": 'the http(s) address of the license text, e.g. url = "https://creativecommons.org/licenses/by/4.0/"',
    "location": 'a table: [location] with name = "Geneva" and optionally geo, osm, country, rel',
    "location.name": 'a place name of up to 128 characters, e.g. name = "Geneva"',
    "location.geo": 'a geo URI, e.g. geo = "geo:46.2044,6.1432"',
    "location.osm": 'an OpenStreetMap id: N, W or R and digits, e.g. osm = "R1685488"',
    "location.country": 'a two-letter country code in capitals, e.g. country = "CH"',
    "location.rel": '"subject" (what the show is about) or "creator" (where it is made)',
    "trailer": 'a list of [[trailer]] tables with url, title and published (and optionally length, type, season)',
    "trailer.url": 'the http(s) address of the trailer\'s audio, e.g. url = "https://example.org/trailer.mp3"',
    "trailer.title": 'up to 128 characters of text, e.g. title = "Coming September 7th"',
    "trailer.published": 'a date, e.g. published = 2026-09-01 (or a full ISO 8601 datetime)',
    "trailer.length": "the file's size in bytes, e.g. length = 1234567",
    "trailer.type": 'an audio or video MIME type, e.g. type = "audio/mpeg"',
    "trailer.season": "a whole number from 1, e.g. season = 2",
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
    "guests.img": 'an http(s) address of a photo, e.g. img = "https://example.org/people/tomas.jpg"',
    "hosts": 'a list of [[hosts]] tables with name = "…" (and optionally bio, url, img), for a guest host',
    "hosts.name": 'a name, e.g. name = "Elena Marsh"',
    "hosts.bio": "text",
    "hosts.url": 'an http(s) address',
    "hosts.img": 'an http(s) address of a photo',
    "episode_type": '"full", "trailer" or "bonus"',
    "questions": 'a list of questions in quotes, e.g. questions = ["Why …?"]',
    "speakers": 'a table from labels to names: [speakers] then S1 = "Elena Marsh"',
    "chunks": 'a list of [[chunks]] tables with start = SECONDS (or "m:ss") and optionally question = N',
    "chunks.start": 'seconds or a clock time, e.g. start = 62.5 or start = "1:02.5"',
    "chunks.question": 'a notes question\'s number, its text, or "" for none',
    "chunks.kind": '"intro", "outro" or "section" (a chunk with no question)',
    "draft": "true or false",
    "guid": "text without spaces or markup, e.g. guid = \"a9f3c2d1-…\"",
    "explicit": "true or false",
    "soundbite": 'a table, e.g. soundbite = {start = 62.5, duration = 30.0, title = "…"}, or false for none',
    "soundbite.start": "seconds into the episode's audio, e.g. start = 62.5",
    "soundbite.duration": "seconds from 1 to 120, e.g. duration = 30.0",
    "soundbite.title": "up to 128 characters of text",
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
