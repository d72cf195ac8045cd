"""`sofacast publish SOURCE`: pull -> transcribe -> chunk -> (search index) -> feed (-> site), one stage after another,
each skipping what is already up to date, so publishing the same source twice changes nothing.

The stages are libraries that know nothing of each other; this module is what runs them in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sofacast import faults
from sofacast.chunks.pipeline import chunk_episode
from sofacast.console import plural
from sofacast.errors import SofacastError
from sofacast.feed.write import write_feed
from sofacast.pull import PullOptions, pull
from sofacast.records import Transcript
from sofacast.search import index as search_index
from sofacast.site.build import build_site
from sofacast.site.settings import site_settings
from sofacast.speakers.labelling import guessed_names
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
    cluster: str | None = None  # a Dask cluster for the transcribing (tcp://HOST:8786, local, local:N)
    shared_storage: bool = False  # its workers read the media at the workspace's path


@dataclass
class PublishReport:
    pulled: list[str] = field(default_factory=list)
    already_pulled: list[str] = field(default_factory=list)
    transcribed: list[str] = field(default_factory=list)
    chunked: list[str] = field(default_factory=list)
    feed_written: bool = False
    feed_episodes: int = 0
    kept: list[str] = field(default_factory=list)  # failed episodes whose earlier item stays in the feed
    failures: list[tuple[str, SofacastError]] = field(default_factory=list)
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # slug -> what the pull says about it
    site: str = ""  # what refreshing the website did, when [site] enabled = true
    guessed: dict[str, dict[str, str]] = field(default_factory=dict)  # slug -> names not recognised by voice -> how found

    def lines(self) -> list[str]:
        slugs = self.pulled + self.already_pulled
        pulled = [slug + (f" ({'; '.join(self.notes[slug])})" if self.notes.get(slug) else "") for slug in self.pulled]
        return [
            f"pulled: {', '.join(pulled) or 'nothing new'}"
            + (f" (already had {', '.join(self.already_pulled)})" if self.already_pulled else ""),
            f"transcribed: {', '.join(self.transcribed) or 'all up to date'}",
            f"chunked: {', '.join(self.chunked) or 'all up to date'}",
            f"feed: {plural(self.feed_episodes, 'episode')}, {'written' if self.feed_written else 'unchanged'}"
            + (f" ({len(slugs)} from this source)" if slugs else "")
            + (f"; kept as published before: {', '.join(self.kept)}" if self.kept else ""),
        ] + ([f"site: {self.site}"] if self.site else []) + [
            f"names guessed in {slug}, not recognised by voice: "
            + "; ".join(f"{name} ({how})" for name, how in names.items())
            + f". If they are right, 'sofacast voices confirm {slug}' makes later episodes recognise these voices"
            for slug, names in self.guessed.items()]


def publish_source(workspace: Workspace, request: PublishRequest, on_progress: Progress | None = None) -> PublishReport:
    """The caller holds the workspace lock. An episode that fails a stage is reported and the others go on."""
    report = PublishReport()
    tell = on_progress or (lambda done, total, what: None)
    # Before anything is pulled: a model that cannot hear the show's language stops here, with nothing written.
    transcriber = Transcriber(workspace, engine=request.engine, model=request.model)
    if request.cluster:  # likewise a cluster that cannot be used (its address, its certificates)
        from sofacast.cluster.catalogue import checked_cluster

        checked_cluster(workspace, request.cluster)
    try:
        for pulled in pull(workspace, request.source, request.pull,
                           on_progress=lambda label, got, total: tell(got, total, f"Downloading {label[:30]}")):
            if pulled.status != "skipped":
                (report.pulled if pulled.pulled else report.already_pulled).append(pulled.slug)
                report.notes[pulled.slug] = pulled.notes
    except SofacastError as exc:
        if not report.pulled + report.already_pulled:
            raise
        report.failures.append(("pull", exc))  # some items of a feed failed: the others are published
    faults.checkpoint("publish:pulled")
    slugs = report.pulled + report.already_pulled
    transcribed = _transcribe_on_cluster(transcriber, slugs, request, report, tell) if request.cluster and slugs else []
    for slug in slugs:
        try:
            if request.cluster:
                if slug in transcribed:
                    _chunk(workspace, slug, report)
            else:
                _transcribe_and_chunk(workspace, transcriber, slug, report, tell)
        except SofacastError as exc:
            report.failures.append((slug, exc))
    if report.transcribed or report.chunked:  # the orchestrator keeps the index current; the stages do not know it
        search_index.refresh(workspace, dict.fromkeys(report.transcribed + report.chunked))
    result = write_feed(workspace, on_progress=lambda done, total, what: tell(done, total, what))
    report.feed_written, report.feed_episodes, report.kept = result.written, len(result.episodes) + len(result.kept), result.kept
    report.failures += [(slug, exc) for slug, exc in result.failures if slug not in {s for s, _ in report.failures}]
    _refresh_site(workspace, report, tell)
    return report


def _refresh_site(workspace: Workspace, report: PublishReport, tell: Progress) -> None:
    """The website follows the feed when sofacast.toml's [site] enabled = true; a site that cannot be made leaves
    the feed published and is reported like a failed episode."""
    try:
        if not site_settings(workspace.show(), workspace.root).enabled:
            return
        tell(0, None, "Writing the website")
        report.site = build_site(workspace).summary()
    except SofacastError as exc:
        report.failures.append(("site", exc))


def _transcribe_on_cluster(transcriber: Transcriber, slugs: list[str], request: PublishRequest, report: PublishReport,
                           tell: Progress) -> list[str]:
    """The episodes' transcribing on the cluster; returns those that are transcribed (chunking follows here)."""
    from sofacast.cluster.catalogue import transcribe_on_cluster

    assert request.cluster is not None
    run = transcribe_on_cluster(transcriber, slugs, request.cluster, shared_storage=request.shared_storage,
                                on_progress=lambda done, total, speed: tell(done, total, f"Transcribing: {speed}"))
    report.transcribed += [result.slug for result in run.results if not result.up_to_date]
    for result in run.results:
        if not result.up_to_date:
            _note_guesses(report, result.slug, result.transcript)
    report.failures += run.failures
    failed = {slug for slug, _ in run.failures}
    return [slug for slug in slugs if slug not in failed]


def _transcribe_and_chunk(workspace: Workspace, transcriber: Transcriber, slug: str, report: PublishReport,
                          tell: Progress) -> None:
    transcribed = transcriber.run(
        slug, on_progress=lambda done, total, what=None: tell(done, total, what or f"Transcribing {slug}"))
    if not transcribed.up_to_date:
        report.transcribed.append(slug)
        _note_guesses(report, slug, transcribed.transcript)
    faults.checkpoint("publish:transcribed")
    _chunk(workspace, slug, report)


def _chunk(workspace: Workspace, slug: str, report: PublishReport) -> None:
    if not chunk_episode(workspace, slug).up_to_date:
        report.chunked.append(slug)


def _note_guesses(report: PublishReport, slug: str, transcript: Transcript) -> None:
    guessed = guessed_names(transcript)
    if guessed:
        report.guessed[slug] = guessed
