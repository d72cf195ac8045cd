"""Everything about one episode that the feed needs: audio, transcripts, chapters, people, show notes."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sofacast import atomic
from sofacast.addresses import public_url
from sofacast.audio.id3_tags import ChapterMark, EpisodeTags, audio_seconds
from sofacast.audio.podcast_mp3 import intro_seconds
from sofacast.audio.published import PublishedAudio, ensure_podcast_mp3, published_audio
from sofacast.errors import FeedError
from sofacast.feed.apple import AUDIO_TYPES
from sofacast.feed.build import PublishedEpisode, published_at
from sofacast.feed.podcast_index import Person, TranscriptLink
from sofacast.feed.settings import FeedSettings
from sofacast.formats import RENDERERS
from sofacast.media import ffmpeg
from sofacast.records import Episode, Show
from sofacast.sanitize import plain_text, safe_url
from sofacast.shownotes.render import Chapter, Link, ShowNotes, to_html, to_markdown, to_page
from sofacast.shownotes.render import Person as NotesPerson
from sofacast.transcripts import CHAPTERS_SUFFIX, chapters_or_none, transcript_or_none
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


def audio_for_feed(context: EpisodeContext, episode: Episode, tags: EpisodeTags) -> PublishedAudio:
    """The enclosure: the podcast MP3 (made or brought up to date now) or the media as pulled."""
    media = context.workspace.media_path(episode)
    if not episode.media or not media.is_file():
        raise FeedError(f"episode {episode.slug}: enclosure: the media file {media.name or '(none)'} is missing",
                        f"Pull it again (sofacast pull … --slug {episode.slug} --force) or set draft = true in its episode.toml.")
    if context.settings.audio is not None:
        ensure_podcast_mp3(media, context.settings.audio, tags)
    return published_audio(context.workspace, context.show, episode, context.settings.audio)


def published_files(context: EpisodeContext, episode: Episode, offset: float,
                    chapters: list[ChapterMark]) -> tuple[list[TranscriptLink], str]:
    """Transcript and chapter URLs; with an intro clip the times shift, so shifted copies go to feeds/."""
    ws, slug = context.workspace, episode.slug
    links, chapters_url = [], ""
    transcript = transcript_or_none(ws, slug, with_words=bool(offset))  # words only matter when shifted
    if transcript is not None and offset:
        transcript = shift_transcript(transcript, offset)
    for suffix, (mime, rel) in TRANSCRIPT_LINKS.items():
        path = ws.transcript_path(slug, suffix)
        if transcript is None or not path.is_file():
            continue
        if offset:
            path = ws.feeds_dir / "episodes" / f"{slug}{suffix}"
            atomic.write_text_if_changed(path, RENDERERS[suffix](transcript))
        links.append(TranscriptLink(public_url(context.show, path, ws.root), mime, context.show.language, rel))
    chapters_path = ws.transcript_path(slug, CHAPTERS_SUFFIX)
    if chapters:
        if offset:
            document = {"version": "1.2.0", "chapters": [{"startTime": round(c.start, 3), "title": c.title} for c in chapters]}
            chapters_path = ws.feeds_dir / "episodes" / f"{slug}{CHAPTERS_SUFFIX}"
            atomic.write_text_if_changed(chapters_path, atomic.dump_json(document))
        chapters_url = public_url(context.show, chapters_path, ws.root)
    return links, chapters_url


def shift_transcript(transcript, offset: float):
    segments = []
    for segment in transcript.segments:
        words = [replace(w, start=w.start + offset, end=w.end + offset) for w in segment.words]
        segments.append(replace(segment, start=segment.start + offset, end=segment.end + offset, words=words))
    return replace(transcript, segments=segments)


def people(show: Show, episode: Episode) -> list[Person]:
    hosts = [Person(plain_text(host), "host") for host in show.hosts]
    return hosts + [Person(plain_text(g.name), "guest", href=safe_url(g.url) or "") for g in episode.guests]


def write_show_notes(context: EpisodeContext, episode: Episode, notes: ShowNotes) -> str:
    """Write the Markdown and HTML page beside the episode; return the HTML fragment for content:encoded."""
    fragment = to_html(notes)
    folder = context.workspace.episode_dir(episode.slug)
    atomic.write_text_if_changed(folder / NOTES_MARKDOWN, to_markdown(notes))
    atomic.write_text_if_changed(folder / NOTES_HTML, to_page(notes, context.show.language, fragment))
    return fragment


def publish_episode(context: EpisodeContext, episode: Episode, guid: str, previous: list[Link],
                    related: list[Link]) -> PublishedEpisode:
    show = context.show
    title = plain_text(episode.title)
    media = context.workspace.media_path(episode)
    duration = float(episode.duration or (audio_seconds(media) if media.is_file() else 0.0) or 0.0)
    # Chapters (and so the MP3's tags) need the intro's length before the audio is made.
    offset = intro_seconds(context.settings.audio) if context.settings.audio else 0.0
    marks = chapter_marks(context, episode, offset, duration + offset)
    tags = EpisodeTags(title=title, show=plain_text(show.title), artist=", ".join(show.hosts) or show.author,
                       date=episode.published, track=episode.number, comment=plain_text(episode.description)[:250],
                       artwork=context.settings.artwork, chapters=marks)
    published = audio_for_feed(context, episode, tags)
    audio, enclosure_url = published.path, published.url
    transcripts, chapters_url = published_files(context, episode, published.offset, marks)
    notes = ShowNotes(
        title=title, description=episode.description, guests=[NotesPerson(g.name, g.bio, g.url) for g in episode.guests],
        hosts=list(show.hosts), previous=previous, related=related,
        chapters=[Chapter(m.start, m.title, f"{enclosure_url}#t={int(m.start)}") for m in marks],
    )
    return PublishedEpisode(
        slug=episode.slug, guid=guid, title=title, published=published_at(episode.published),
        link=episode_link(context, episode),
        summary=plain_text(plain_text(episode.description, keep_lines=True).split("\n\n")[0]),
        notes_html=write_show_notes(context, episode, notes), enclosure_url=enclosure_url,
        enclosure_length=audio.stat().st_size, enclosure_type=AUDIO_TYPES.get(audio.suffix.lower(), "audio/mpeg"),
        duration=round(audio_seconds(audio) or ffmpeg.probe(audio).duration or duration), season=episode.season,
        number=episode.number,
        explicit=episode.extra.get("explicit") if isinstance(episode.extra.get("explicit"), bool) else None,
        transcripts=transcripts, chapters_url=chapters_url, people=people(show, episode),
    )
