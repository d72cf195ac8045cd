"""Everything about one episode that the feed needs: audio, transcripts, chapters, soundbite, people, show notes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sofacast import atomic
from sofacast.addresses import public_url
from sofacast.audio.id3_tags import ChapterMark, EpisodeTags, audio_seconds
from sofacast.audio.podcast_mp3 import intro_seconds
from sofacast.audio.published import PublishedAudio, ensure_podcast_mp3, published_audio
from sofacast.errors import FeedError
from sofacast.feed.apple import AUDIO_TYPES
from sofacast.feed.build import PublishedEpisode, published_at
from sofacast.feed.podcast_index import Chapter as PscChapter
from sofacast.feed.podcast_index import Person, TranscriptLink
from sofacast.feed.settings import FeedSettings, PersonLinks
from sofacast.feed.soundbite import Soundbite, chunks_from_stored, pick_soundbite
from sofacast.formats import RENDERERS
from sofacast.formats.chapters_json import chapter, chapters_json
from sofacast.media import ffmpeg
from sofacast.records import Episode, Guest, Show, Transcript
from sofacast.sanitize import plain_text, safe_url
from sofacast.shownotes.render import Chapter, Link, ShowNotes, first_paragraph, to_html, to_markdown, to_page
from sofacast.shownotes.render import Person as NotesPerson
from sofacast.transcripts import CHAPTERS_SUFFIX, chapters_or_none, chunks_or_none, transcript_or_none
from sofacast.workspace import Workspace

# podcast:transcript entries: rendering suffix -> (MIME type, rel)
TRANSCRIPT_LINKS = {".vtt": ("text/vtt", "captions"), ".srt": ("application/x-subrip", ""),
                    ".transcript.json": ("application/json", "")}
NOTES_MARKDOWN = "shownotes.md"
NOTES_HTML = "shownotes.html"


@dataclass
class EpisodeContext:
    workspace: Workspace
    show: Show
    settings: FeedSettings


def episode_link(context: EpisodeContext, episode: Episode) -> str:
    """The episode's web page: its source page when it has one, else the show notes page sofacast writes."""
    page = safe_url(episode.source_url)
    if page:
        return page
    return public_url(context.show, context.workspace.episode_dir(episode.slug) / NOTES_HTML, context.workspace.root)


def chapter_marks(context: EpisodeContext, episode: Episode, offset: float, duration: float) -> list[ChapterMark]:
    chapters = chapters_or_none(context.workspace, episode.slug) or []
    if not chapters:
        return []
    starts = [offset + float(c["startTime"]) if i else 0.0 for i, c in enumerate(chapters)]
    ends = [*starts[1:], duration]
    return [ChapterMark(start, max(start, end), plain_text(c["title"]))
            for start, end, c in zip(starts, ends, chapters, strict=True)]


def audio_for_feed(context: EpisodeContext, episode: Episode, tags: EpisodeTags, write: bool = True) -> PublishedAudio:
    """The enclosure: the podcast MP3 (made or brought up to date now, unless not `write`) or the media as pulled."""
    media = context.workspace.media_path(episode)
    if not episode.media or not media.is_file():
        raise FeedError(f"episode {episode.slug}: enclosure: the media file {media.name or '(none)'} is missing",
                        f"Pull it again (sofacast pull … --slug {episode.slug} --force) or set draft = true in its episode.toml.")
    if context.settings.audio is not None and write:
        ensure_podcast_mp3(media, context.settings.audio, tags)
    return published_audio(context.workspace, context.show, episode, context.settings.audio)


def chapters_document(chapters: list[ChapterMark]) -> dict[str, Any]:
    return chapters_json(chapter(c.start, c.title) for c in chapters)


def _as_stored(chapters: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [chapter(c["startTime"], c["title"]) for c in chapters or []]


def published_files(context: EpisodeContext, episode: Episode, offset: float, chapters: list[ChapterMark],
                    transcript: Transcript | None, write: bool = True) -> tuple[list[TranscriptLink], str]:
    """Transcript and chapter URLs; with an intro clip the times shift, so shifted copies go to feeds/ (written
    unless not `write`)."""
    ws, slug = context.workspace, episode.slug
    links, chapters_url = [], ""
    if transcript is not None and offset:
        transcript = shift_transcript(transcript, offset)
    for suffix, (mime, rel) in TRANSCRIPT_LINKS.items():
        path = ws.transcript_path(slug, suffix)
        if transcript is None or not path.is_file():
            continue
        if offset:
            path = ws.feeds_dir / "episodes" / f"{slug}{suffix}"
            if write:
                atomic.write_text_if_changed(path, RENDERERS[suffix](transcript))
        links.append(TranscriptLink(public_url(context.show, path, ws.root), mime, context.show.language, rel))
    linked = chapters_path(context, episode, chapters)
    if linked is not None:
        if linked.is_relative_to(ws.feeds_dir) and write:
            atomic.write_text_if_changed(linked, atomic.dump_json(chapters_document(chapters)))
        chapters_url = public_url(context.show, linked, ws.root)
    return links, chapters_url


def chapters_path(context: EpisodeContext, episode: Episode, chapters: list[ChapterMark]) -> Path | None:
    """The chapters file the item links (None without chapters): transcripts/<slug>.chapters.json as `chunk`
    made it, or a copy in feeds/episodes/ when the published chapters differ from it.

    The item's psc:chapters repeat the chapters, so both must say the same: an intro clip shifts them, the first
    starts at 0 even when the file's does not, and a title is published as plain text."""
    if not chapters:
        return None
    ws, slug = context.workspace, episode.slug
    if chapters_document(chapters)["chapters"] == _as_stored(chapters_or_none(ws, slug)):
        return ws.transcript_path(slug, CHAPTERS_SUFFIX)
    return ws.feeds_dir / "episodes" / f"{slug}{CHAPTERS_SUFFIX}"


def shift_transcript(transcript: Transcript, offset: float) -> Transcript:
    segments = []
    for segment in transcript.segments:
        words = [replace(w, start=w.start + offset, end=w.end + offset) for w in segment.words]
        segments.append(replace(segment, start=segment.start + offset, end=segment.end + offset, words=words))
    return replace(transcript, segments=segments)


def hosts(show: Show, episode: Episode) -> list[Guest]:
    """The episode's own hosts when it names them (a guest host), else the show's."""
    return episode.hosts or [Guest(name) for name in show.hosts]


def person(who: Guest, role: str, links: dict[str, PersonLinks]) -> Person:
    """A podcast:person; a link or photo the episode does not give comes from sofacast.toml's [people]."""
    name = plain_text(who.name)
    known = links.get(name, PersonLinks())
    return Person(name, role, href=safe_url(who.url) or known.href, img=safe_url(who.img) or known.img)


def people(show: Show, episode: Episode, links: dict[str, PersonLinks]) -> list[Person]:
    """The item's people. They replace the channel's in apps, so the hosts are restated."""
    return ([person(host, "host", links) for host in hosts(show, episode)]
            + [person(guest, "guest", links) for guest in episode.guests])


def soundbite(context: EpisodeContext, episode: Episode, transcript: Transcript | None, length: float) -> Soundbite | None:
    """episode.toml's `soundbite` (checked by the schema; false for none), else the pick from the answers.

    Times are in the episode's own audio; `length` is its duration (0 when unknown)."""
    chosen = episode.extra.get("soundbite")
    if chosen is False:
        return None
    if isinstance(chosen, dict):
        bite = Soundbite(float(chosen["start"]), float(chosen["duration"]), plain_text(chosen.get("title")))
        if length and bite.start + bite.duration > length:
            raise FeedError(f"episode {episode.slug}: soundbite: {bite.duration:g} s from {bite.start:g} s runs past "
                            f"the end of the audio ({length:.1f} s)",
                            "Set start and duration within the episode in its episode.toml, or remove soundbite.")
        return bite
    chunks = chunks_or_none(context.workspace, episode.slug)
    if not chunks or transcript is None:
        return None
    picked = pick_soundbite(chunks_from_stored(chunks), transcript.segments)
    # A transcript of other media (the episode's audio replaced since) can put the pick past the end: none then.
    return None if picked is None or (length and picked.start + picked.duration > length) else picked


def write_show_notes(context: EpisodeContext, episode: Episode, notes: ShowNotes) -> str:
    """Write the Markdown and HTML page beside the episode; return the HTML fragment for content:encoded."""
    fragment = to_html(notes)
    folder = context.workspace.episode_dir(episode.slug)
    atomic.write_text_if_changed(folder / NOTES_MARKDOWN, to_markdown(notes))
    atomic.write_text_if_changed(folder / NOTES_HTML, to_page(notes, context.show.language, fragment))
    return fragment


def publish_episode(context: EpisodeContext, episode: Episode, guid: str, previous: list[Link],
                    related: list[Link], write: bool = True) -> PublishedEpisode:
    """The episode's feed item, making and writing what it links (the podcast MP3, shifted transcripts and chapters,
    the show notes). With `write` false (`validate`), the same item from the files as they are, writing nothing."""
    show = context.show
    title = plain_text(episode.title)
    media = context.workspace.media_path(episode)
    duration = float(episode.duration or (audio_seconds(media) if media.is_file() else 0.0) or 0.0)
    # Chapters (and so the MP3's tags) need the intro's length before the audio is made.
    offset = intro_seconds(context.settings.audio) if context.settings.audio else 0.0
    marks = chapter_marks(context, episode, offset, duration + offset)
    host_names = [host.name for host in hosts(show, episode)]
    tags = EpisodeTags(title=title, show=plain_text(show.title), artist=", ".join(host_names) or show.author,
                       date=episode.published, track=episode.number, comment=plain_text(episode.description)[:250],
                       artwork=context.settings.artwork, chapters=marks)
    published = audio_for_feed(context, episode, tags, write)
    audio, enclosure_url = published.path, published.url
    transcript = transcript_or_none(context.workspace, episode.slug)
    transcripts, chapters_url = published_files(context, episode, published.offset, marks, transcript, write)
    bite = soundbite(context, episode, transcript, duration)
    notes = ShowNotes(
        title=title, description=episode.description, guests=[NotesPerson(g.name, g.bio, g.url) for g in episode.guests],
        hosts=host_names, previous=previous, related=related,
        chapters=[Chapter(m.start, m.title, f"{enclosure_url}#t={int(m.start)}") for m in marks],
        questions=list(episode.questions), show=plain_text(show.title),
    )
    return PublishedEpisode(
        slug=episode.slug, guid=guid, title=title, published=published_at(episode.published),
        link=episode_link(context, episode),
        summary=first_paragraph(notes),
        notes_html=write_show_notes(context, episode, notes) if write else to_html(notes), enclosure_url=enclosure_url,
        enclosure_length=audio.stat().st_size, enclosure_type=AUDIO_TYPES.get(audio.suffix.lower(), "audio/mpeg"),
        duration=round(audio_seconds(audio) or ffmpeg.probe(audio).duration or duration), season=episode.season,
        number=episode.number,
        explicit=episode.extra.get("explicit") if isinstance(episode.extra.get("explicit"), bool) else None,
        transcripts=transcripts, chapters_url=chapters_url, people=people(show, episode, context.settings.people),
        chapters=[PscChapter(m.start, m.title) for m in marks], episode_type=episode.episode_type,
        soundbite=replace(bite, start=round(bite.start + published.offset, 3)) if bite else None,
    )
