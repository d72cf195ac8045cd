"""`sofacast publish SOURCE`: pull -> transcribe -> chunk -> feed, one stage after another, each skipping
what is already up to date, so publishing the same source twice changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sofacast.chunks.pipeline import chunk_episode
from sofacast.feed.publish import write_feed
from sofacast.pull import PullOptions, pull
from sofacast.transcribe.pipeline import Transcriber
from sofacast.workspace import Workspace

# Called with (done, total, what is being done): seconds of audio, bytes, or episodes.
Progress = Callable[[float, float | None, str], None]


@dataclass(frozen=True)
class PublishRequest:
    source: str
    pull: PullOptions
    engine: str
    model: str | None


@dataclass
class PublishReport:
    pulled: list[str] = field(default_factory=list)
    already_pulled: list[str] = field(default_factory=list)
    transcribed: list[str] = field(default_factory=list)
    chunked: list[str] = field(default_factory=list)
    feed_written: bool = False
    feed_episodes: int = 0

    def lines(self) -> list[str]:
        slugs = self.pulled + self.already_pulled
        return [
            f"pulled: {', '.join(self.pulled) or 'nothing new'}" + (f" (already had {', '.join(self.already_pulled)})" if self.already_pulled else ""),
            f"transcribed: {', '.join(self.transcribed) or 'all up to date'}",
            f"chunked: {', '.join(self.chunked) or 'all up to date'}",
            f"feed: {self.feed_episodes} episodes, {'written' if self.feed_written else 'unchanged'}"
            + (f" ({len(slugs)} from this source)" if slugs else ""),
        ]


def publish_source(workspace: Workspace, request: PublishRequest, on_progress: Progress | None = None) -> PublishReport:
    report = PublishReport()
    tell = on_progress or (lambda done, total, what: None)
    for result in pull(workspace, request.source, request.pull,
                       on_progress=lambda label, got, total: tell(got, total, f"Downloading {label[:30]}")):
        (report.pulled if result.pulled else report.already_pulled).append(result.slug)
    transcriber = Transcriber(workspace, engine=request.engine, model=request.model)
    for slug in report.pulled + report.already_pulled:
        transcribed = transcriber.run(slug, on_progress=lambda done, total, what=None, slug=slug:
                                      tell(done, total, what or f"Transcribing {slug}"))
        if not transcribed.up_to_date:
            report.transcribed.append(slug)
        if not chunk_episode(workspace, slug).up_to_date:
            report.chunked.append(slug)
    result = write_feed(workspace, on_progress=lambda done, total, what: tell(done, total, what))
    report.feed_written, report.feed_episodes = result.written, len(result.episodes)
    return report
