"""The sofacast command line: parse, call the library, print. Domain errors become one line here."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

try:  # typer 0.2x+ carries its own copy of click; older releases use click itself
    from typer._click import exceptions as usage
except ImportError:  # pragma: no cover - depends on the installed typer
    from click import exceptions as usage  # type: ignore[no-redef]

from sofacast import __version__, console
from sofacast.cli_help import PlainHelpCommand, PlainHelpGroup
from sofacast.errors import EpisodeFailures, SofacastError, WorkspaceError
from sofacast.pull import PullOptions, pull
from sofacast.records import Show
from sofacast.transcribe.engines import DEFAULT_ENGINE, ENGINES
from sofacast.workspace import WORKSPACE_ENV, Workspace, init_workspace

app = typer.Typer(help="From raw interview recording to published, searchable podcast.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False, cls=PlainHelpGroup)
command = functools.partial(app.command, cls=PlainHelpCommand)

ClusterOption = Annotated[str | None, typer.Option(
    "--cluster", envvar="SOFACAST_CLUSTER", show_default=False,
    help="Do each episode's audio work on a Dask cluster: tls://HOST:8786 (certificates from [cluster] in "
         "sofacast.toml or Dask's configuration), tcp://HOST:8786 (unencrypted), or local (local:N) for N worker "
         "processes here. Needs: pip install 'sofacast[cluster]'.")]
SharedStorageOption = Annotated[bool, typer.Option(
    "--shared-storage", help="With --cluster: the workers read the media at the workspace's own path (storage "
                             "they share) instead of being sent it.")]
WorkspaceOption = Annotated[Path | None, typer.Option("--workspace", "-w", envvar=WORKSPACE_ENV,
                            help="The show's folder (holding sofacast.toml). Default: the current folder.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or summaries.")]
# Shared by `pull` and `publish` (and `transcribe`), so the options read the same everywhere.
SlugOption = Annotated[str | None, typer.Option(help="Folder name under episodes/ (default: from the title).")]
TitleOption = Annotated[str | None, typer.Option(help="Episode title (default: the source's).")]
GuestOption = Annotated[list[str] | None, typer.Option("--guest", help="Guest name; repeat for several.")]
QuestionOption = Annotated[list[str] | None, typer.Option("--question", help="Show-notes question, in order; repeatable.")]
NumberOption = Annotated[int | None, typer.Option(help="Episode number (default: the source's, else by publication date).")]
SeasonOption = Annotated[int | None, typer.Option(help="Season number (default: the source's).", min=1)]
PublishedOption = Annotated[str | None, typer.Option(help="Publication date, e.g. 2026-09-07 (default: the source's, "
                                                           "a local file's date tag, else its modification time).")]
DescriptionOption = Annotated[str | None, typer.Option(help="Episode description / show notes (default: the source's).")]
EngineOption = Annotated[str, typer.Option(help=f"One of: {', '.join(ENGINES)}.")]
ModelOption = Annotated[str | None, typer.Option(help="Model name or path (default: the bundled tiny.en, offline).")]
NoWaitOption = Annotated[bool, typer.Option("--no-wait", help="If another command is writing the workspace, fail at once "
                                                              "instead of waiting for it.")]
F = TypeVar("F", bound=Callable[..., Any])
DEBUG_ENV = "SOFACAST_DEBUG"  # set: an unexpected error shows its traceback (the tests set it)


def reports_errors(command: F) -> F:
    """Turn domain errors into one line on stderr (one per failed episode) and a non-zero exit code, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        console.warnings.said.clear()
        try:
            return command(*args, **kwargs)
        except EpisodeFailures as failures:
            for line in failures.lines():
                console.error(line)
            raise typer.Exit(failures.exit_code) from None
        except SofacastError as exc:
            console.error(exc.one_line())
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:  # the machine's side: permissions, a full disk, a read-only folder
            where = f" {exc.filename}" if exc.filename else ""
            console.error(f"cannot read or write{where} ({exc.strerror or exc}). Check the folder's permissions and free space, "
                          "then run the command again")
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            console.note("Interrupted. Files already written are complete; nothing half-written was kept.")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, usage.ClickException):
            raise  # how a command ends on purpose (validate's exit 1, --help): not a bug
        except Exception as bug:  # a bug of ours: one line for the producer, the whole story on request
            if os.environ.get(DEBUG_ENV):
                raise
            console.error(f"sofacast failed unexpectedly ({type(bug).__name__}: {str(bug)[:200]}). Files already written are "
                          f"complete. This is a bug: run the command again with {DEBUG_ENV}=1 to see where, and report it")
            raise typer.Exit(70) from None  # EX_SOFTWARE

    return wrapper  # type: ignore[return-value]


def say(quiet: bool, message: str) -> None:
    if not quiet:
        typer.echo(console.terminal_text(message))


def writing(ws: Workspace, command: str, no_wait: bool) -> AbstractContextManager[None]:
    """Hold the workspace lock for a command that writes; say so while waiting for another one."""
    return ws.writing(command, wait=not no_wait, on_wait=console.note)


def raise_failures(failures: list[tuple[str, SofacastError]]) -> None:
    if failures:
        raise EpisodeFailures(failures)


@contextmanager
def refreshing_search(ws: Workspace, changed: list[str]) -> Iterator[None]:
    """Re-index the episodes in `changed` once the work is done, failed episodes or not (search would otherwise do it)."""
    try:
        yield
    finally:
        if changed:
            from sofacast.search.index import refresh

            refresh(ws, changed)


def for_each_episode(ws: Workspace, slugs: list[str] | None, all_episodes: bool, work: Callable[[str], None]) -> None:
    """Do `work` for each episode named (or every one): one that fails does not stop the others; all are named at the end."""
    failures: list[tuple[str, SofacastError]] = []
    for slug in ws.select(slugs or [], all_episodes):
        try:
            work(slug)
        except SofacastError as exc:
            failures.append((slug, exc))
    raise_failures(failures)


def print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"sofacast {__version__}")
        raise typer.Exit()


@app.callback()
def show_options(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.", is_eager=True,
                                          callback=print_version)] = False,
) -> None:
    """From raw interview recording to published, searchable podcast."""


@command()
@reports_errors
def init(
    folder: Annotated[Path, typer.Argument(help="Folder for the new show.")] = Path("."),
    *,
    title: Annotated[str, typer.Option(help="Show title.")],
    author: Annotated[str, typer.Option(help="Author shown in podcast apps.")],
    email: Annotated[str, typer.Option(help="Owner email (Apple requires one).")],
    base_url: Annotated[str, typer.Option(help="Public URL where feeds/, transcripts/ and episodes/ are served.")],
    host: Annotated[list[str] | None, typer.Option("--host", help="Host name; repeat for several.")] = None,
    description: Annotated[str, typer.Option(help="Show description.")] = "",
    language: Annotated[str, typer.Option(help="BCP 47 language tag: en, en-GB, pt-BR, zh-Hans-CN…")] = "en",
    category: Annotated[list[str] | None, typer.Option("--category", help="Apple Podcasts category, or 'News > Tech News' "
                                                                        "for a subcategory; repeatable.")] = None,
    explicit: Annotated[bool, typer.Option("--explicit", help="Mark the show explicit.")] = False,
    image_url: Annotated[str, typer.Option(help="Square artwork URL (1400–3000 px). Without it, init draws "
                                                "artwork.png from the title, for you to replace.")] = "",
    quiet: QuietOption = False,
) -> None:
    """Create a show workspace: sofacast.toml, artwork.png (unless --image-url) and the episodes/, transcripts/, feeds/."""
    from sofacast.feed.show_rules import show_problems

    show = Show(title=title, description=description or title, author=author, owner_name=author, owner_email=email,
                language=language, categories=category or ["Technology"], explicit=explicit, image_url=image_url,
                base_url=base_url, hosts=host or [author])
    problems = show_problems(show)  # every one at once, so that one run of init can be made right
    for problem in problems:
        console.error(problem.as_error().one_line())
    if problems:
        raise typer.Exit(1)
    created = init_workspace(folder, replace(show, base_url=base_url.rstrip("/") + "/"))
    say(quiet, f"Created {created.workspace.root / 'sofacast.toml'}")
    if created.artwork_made:
        say(quiet, f"Made {created.artwork} from the title, so the feed is valid now: replace it with the show's own "
                   "artwork (a square PNG or JPEG, 3000 px) before you submit the show, as Apple refuses placeholder art")
    elif created.artwork:
        say(quiet, f"Using the {created.artwork} already in the folder as the show's artwork")


@command("pull")
@reports_errors
def pull_command(
    source: Annotated[str, typer.Argument(help="A URL yt-dlp handles (page, media link, RSS feed, playlist) or a local file.")],
    slug: SlugOption = None,
    title: TitleOption = None,
    guest: GuestOption = None,
    question: QuestionOption = None,
    number: NumberOption = None,
    season: SeasonOption = None,
    published: PublishedOption = None,
    description: DescriptionOption = None,
    force: Annotated[bool, typer.Option("--force", help="Pull the media again; what episode.toml says is kept.")] = False,
    workspace: WorkspaceOption = None,
    quiet: QuietOption = False,
    no_wait: NoWaitOption = False,
) -> None:
    """Pull episode media (audio only) and metadata into episodes/<slug>/."""
    ws = Workspace.open(workspace)
    options = PullOptions(slug=slug, title=title, guests=guest or [], questions=question or [], number=number,
                          season=season, published=published, description=description, force=force)
    with writing(ws, "pull", no_wait), console.bytes_bar("Downloading", quiet) as bar:
        for result in pull(ws, source, options, on_progress=lambda label, got, total: bar.update(got, total, label[:40])):
            say(quiet, pull_line(result))


def pull_line(result: Any) -> str:
    if result.status == "skipped":
        return (f"Skipped {result.episode.title}: pulled before and since removed from episodes/ "
                "(pull with --force to bring it back)")
    verb = "Pulled" if result.pulled else "Already pulled"
    notes = "".join(f"; {note}" for note in result.notes)
    return f"{verb} {result.slug}: {result.episode.title} ({console.plural(len(result.episode.questions), 'question')}{notes})"


@command()
@reports_errors
def transcribe(
    slugs: Annotated[list[str] | None, typer.Argument(help="Episodes to transcribe.", show_default=False)] = None,
    all_episodes: Annotated[bool, typer.Option("--all", help="Every episode in the workspace.")] = False,
    engine: EngineOption = DEFAULT_ENGINE,
    model: ModelOption = None,
    force: Annotated[bool, typer.Option("--force", help="Transcribe even when the transcript is up to date.")] = False,
    cluster: ClusterOption = None,
    shared_storage: SharedStorageOption = False,
    workspace: WorkspaceOption = None,
    quiet: QuietOption = False,
    no_wait: NoWaitOption = False,
) -> None:
    """Transcribe episodes, label who speaks, and write transcripts/<slug>.json, .vtt, .srt and .txt."""
    from sofacast.transcribe.pipeline import Transcriber

    ws = Workspace.open(workspace)
    with writing(ws, "transcribe", no_wait):
        transcriber = Transcriber(ws, engine=engine, model=model)
        changed: list[str] = []

        def told(result: Any) -> None:
            slug = result.slug
            theirs = " (the publisher's transcript; --force transcribes the audio instead)" if result.from_publisher else ""
            if result.up_to_date:
                say(quiet, f"{slug}: up to date{theirs or ' (use --force to redo)'}")
            else:
                changed.append(slug)
                words = sum(len(s.text.split()) for s in result.transcript.segments)
                folder = ws.transcript_path(slug).parent
                counts = f"{console.plural(len(result.transcript.segments), 'segment')}, {console.plural(words, 'word')}"
                say(quiet, f"{slug}: {counts} -> {folder}/{slug}.*{theirs}")
                say_guessed_names(quiet, result)

        def one(slug: str) -> None:
            with console.seconds_bar(f"Transcribing {slug}", quiet) as bar:
                told(transcriber.run(slug, force=force, on_progress=bar.update))

        with refreshing_search(ws, changed):
            if cluster:
                _transcribe_on_cluster(ws.select(slugs or [], all_episodes), transcriber, cluster, force, shared_storage,
                                       quiet, told)
            else:
                for_each_episode(ws, slugs, all_episodes, one)


def say_guessed_names(quiet: bool, result: Any) -> None:
    from sofacast.speakers.labelling import guessed_names

    guessed = guessed_names(result.transcript)
    if guessed:
        names = "; ".join(f"{console.terminal_text(name)} ({reason})" for name, reason in guessed.items())
        say(quiet, f"  names guessed, not recognised by voice: {names}. If they are right, 'sofacast voices confirm "
                   f"{result.slug}' makes later episodes recognise these voices")


def _transcribe_on_cluster(slugs: list[str], transcriber: Any, address: str, force: bool, shared_storage: bool,
                           quiet: bool, told: Callable[[Any], None]) -> None:
    from sofacast.cluster.catalogue import transcribe_on_cluster

    with console.episodes_bar(f"Transcribing on {address}", quiet) as bar:
        run = transcribe_on_cluster(transcriber, slugs, address, force, shared_storage, on_result=told,
                                    on_progress=bar.update)
    if run.audio_seconds:
        say(quiet, f"cluster: {run.audio_seconds / 3600:.2f} h of audio in {run.wall_seconds / 60:.1f} min "
                   f"({run.speed:.1f} h of audio per hour)")
    raise_failures(run.failures)


@command()
@reports_errors
def chunk(
    slugs: Annotated[list[str] | None, typer.Argument(help="Episodes to chunk.", show_default=False)] = None,
    all_episodes: Annotated[bool, typer.Option("--all", help="Every episode in the workspace.")] = False,
    workspace: WorkspaceOption = None,
    quiet: QuietOption = False,
    no_wait: NoWaitOption = False,
) -> None:
    """Split transcripts into Q&A chunks; write transcripts/<slug>.chunks.json and .chapters.json."""
    from sofacast.chunks.pipeline import chunk_episode

    ws = Workspace.open(workspace)
    changed: list[str] = []

    def one(slug: str) -> None:
        result = chunk_episode(ws, slug)
        if not result.up_to_date:
            changed.append(slug)
        questions = sum(1 for c in result.chunks if c.question)
        state = "up to date" if result.up_to_date else f"-> {ws.transcript_path(slug).parent}/{slug}.chunks.json, .chapters.json"
        edited = ", boundaries from episode.toml" if result.edited else ""
        counts = f"{console.plural(len(result.chunks), 'chunk')}, {console.plural(questions, 'question')}"
        say(quiet, f"{slug}: {counts}{edited} {state}")
        for question in result.missing_questions:
            say(quiet, f"  not asked on air: {question}")

    with writing(ws, "chunk", no_wait), refreshing_search(ws, changed):
        for_each_episode(ws, slugs, all_episodes, one)


@command()
@reports_errors
def feed(workspace: WorkspaceOption = None, quiet: QuietOption = False, no_wait: NoWaitOption = False) -> None:
    """Write feeds/feed.xml (RSS + iTunes + Podcasting 2.0), podcast-ready MP3s and show notes; validated first."""
    from sofacast.feed.write import write_feed

    ws = Workspace.open(workspace)
    with writing(ws, "feed", no_wait), console.stage_bar("Feed", quiet) as bar:
        result = write_feed(ws, on_progress=bar.update)
    say(quiet, feed_line(result, ws.root))
    raise_failures(result.failures)


@command()
@reports_errors
def site(
    serve: Annotated[bool, typer.Option("--serve", help="Then preview it on 127.0.0.1 (Ctrl-C stops).")] = False,
    port: Annotated[int, typer.Option(help="The preview's port.", min=0, max=65535)] = 8000,
    workspace: WorkspaceOption = None,
    quiet: QuietOption = False,
    no_wait: NoWaitOption = False,
) -> None:
    """Write the show's website to site/: home, archive, a page per episode and per guest (static files)."""
    from sofacast.site.build import build_site

    ws = Workspace.open(workspace)
    with writing(ws, "site", no_wait):
        result = build_site(ws)
    say(quiet, result.summary())
    if serve:
        _serve_site(result.path, port)


def _serve_site(folder: Path, port: int) -> None:
    from sofacast.site.serve import preview_server

    try:
        server = preview_server(folder, port)
    except OSError as exc:
        raise WorkspaceError(f"cannot serve the site on 127.0.0.1:{port} ({exc.strerror})",
                             "Choose another port with --port.") from exc
    typer.echo(f"Serving {folder.name}/ at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def feed_line(result: Any, root: Path) -> str:
    state = "written" if result.written else "unchanged"
    kept = f"; kept as published before: {', '.join(result.kept)}" if result.kept else ""
    episodes = console.plural(len(result.episodes) + len(result.kept), "episode")
    return f"{result.path.relative_to(root)}: {episodes}, {state}{kept}"


@command()
@reports_errors
def publish(
    source: Annotated[str, typer.Argument(help="What to pull: a URL yt-dlp handles or a local file.")],
    slug: SlugOption = None,
    title: TitleOption = None,
    guest: GuestOption = None,
    question: QuestionOption = None,
    number: NumberOption = None,
    season: SeasonOption = None,
    published: PublishedOption = None,
    description: DescriptionOption = None,
    engine: EngineOption = DEFAULT_ENGINE,
    model: ModelOption = None,
    cluster: ClusterOption = None,
    shared_storage: SharedStorageOption = False,
    workspace: WorkspaceOption = None,
    quiet: QuietOption = False,
    no_wait: NoWaitOption = False,
) -> None:
    """Pull, transcribe, chunk and publish the feed in one go; running it again changes nothing."""
    from sofacast.workflow import PublishRequest, publish_source

    ws = Workspace.open(workspace)
    options = PullOptions(slug=slug, title=title, guests=guest or [], questions=question or [], number=number,
                          season=season, published=published, description=description)
    request = PublishRequest(source, options, engine, model, cluster, shared_storage)
    with writing(ws, "publish", no_wait), console.stage_bar("Publishing", quiet) as bar:
        report = publish_source(ws, request, on_progress=bar.update)
    for line in report.lines():
        say(quiet, line)
    raise_failures(report.failures)


@command()
@reports_errors
def search(
    query: Annotated[str, typer.Argument(help='Words, "exact phrases", OR, NOT, prefix*.')],
    guest: Annotated[str | None, typer.Option(help="Only episodes with this guest (part of the name will do).")] = None,
    speaker: Annotated[str | None, typer.Option(help="Only passages this person says.")] = None,
    episode: Annotated[str | None, typer.Option(help="Only this episode (slug).")] = None,
    question: Annotated[str | None, typer.Option(help="Only answers to this notes question (number or words).")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD).")] = None,
    substring: Annotated[bool, typer.Option("--substring", help="Match any part of words or names (3+ characters).")] = False,
    limit: Annotated[int, typer.Option(help="Most hits to show (1 to 1000).")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON list of hits.")] = False,
    workspace: WorkspaceOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the hits: no 'No passages found.' line.")] = False,
) -> None:
    """Search every transcript: ranked passages with episode, speaker, question, time and a deep link."""
    from sofacast.search.index import Filters
    from sofacast.search.render import hits_json, hits_table
    from sofacast.search.service import search_workspace

    ws = Workspace.open(workspace)
    results = search_workspace(ws, query, Filters(guest, speaker, episode, question, since, until), limit, substring)
    if as_json:
        typer.echo(hits_json(results))  # JSON escapes control characters itself
    elif results:
        console.out.print(hits_table(results))
    else:
        say(quiet, "No passages found.")


@command()
@reports_errors
def index(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Throw the index away and build it again from transcripts/.")]
    = False,
    workspace: WorkspaceOption = None,
    quiet: QuietOption = False,
) -> None:
    """Bring the search index up to date with transcripts/ (it is also refreshed by every search)."""
    from sofacast.search.index import SearchIndex
    from sofacast.search.service import rebuild_index

    ws = Workspace.open(workspace)
    if rebuild:
        say(quiet, f"Rebuilt the index: {console.plural(rebuild_index(ws), 'passage')}")
        return
    search_index = SearchIndex.open(ws)
    try:
        changed = search_index.sync()
        reindexed = f" (re-indexed {', '.join(changed)})" if changed else ""
        say(quiet, f"Index up to date: {console.plural(search_index.count(), 'passage')}{reindexed}")
    finally:
        search_index.close()


@command()
@reports_errors
def validate(
    file: Annotated[Path | None, typer.Argument(help="A feed file (default: the workspace's feeds/feed.xml).",
                                                show_default=False)] = None,
    workspace: WorkspaceOption = None,
    quiet: QuietOption = False,
) -> None:
    """Check the feed `feed` would write (and the published one) against Apple's and Podcasting 2.0 rules; list every finding."""
    from sofacast.feed.check import check_feed_file, check_workspace_feed

    report = check_feed_file(file) if file else check_workspace_feed(Workspace.open(workspace))
    for finding in report.findings:
        typer.echo(console.terminal_text(finding.line()))
    if report.findings:
        raise typer.Exit(1)
    episodes = console.plural(report.episodes, "episode")
    say(quiet, f"{report.path}: valid ({episodes})" if report.written
        else f"{report.path}: not written yet; the feed 'sofacast feed' would write is valid ({episodes})")


voices_app = typer.Typer(help="List, confirm, rename, merge and forget remembered voices (voiceprints.json).",
                         invoke_without_command=True, no_args_is_help=False, cls=PlainHelpGroup)
app.add_typer(voices_app, name="voices")
voices_command = functools.partial(voices_app.command, cls=PlainHelpCommand)
NEXT_TRANSCRIBE = ("Transcripts pick it up on the next 'sofacast transcribe --all'; 'sofacast chunk --all' and "
                   "'sofacast feed' then carry it into the chunks and the feed")


def voices_workspace(ctx: typer.Context, workspace: Path | None) -> Workspace:
    """The workspace given to the subcommand, else to `sofacast voices -w DIR`, else the default."""
    return Workspace.open(workspace or (ctx.parent.params.get("workspace") if ctx.parent else None))


def change_voices(ctx: typer.Context, workspace: Path | None, command: str, no_wait: bool,
                  change: Callable[[Workspace], Any]) -> Any:
    """Run one change of the voice book under the workspace lock."""
    ws = voices_workspace(ctx, workspace)
    with writing(ws, command, no_wait):
        return change(ws)


@voices_app.callback()
@reports_errors
def voices(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON list of voices.")] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """The show's remembered voices: hosts and guests, by name, each learned from the episodes that name them for sure."""
    if ctx.invoked_subcommand is not None:
        return
    from sofacast.speakers.voice_book import voices as remembered

    found = remembered(Workspace.open(workspace))
    if as_json:
        typer.echo(json.dumps([voice.as_dict() for voice in found], ensure_ascii=False, indent=1))
    elif found:
        console.out.print(voices_table(found))
    else:
        typer.echo("No voices remembered yet: a voice is learned when an editor confirms who speaks in an episode "
                   "('sofacast voices confirm SLUG', or its [speakers] table), and again whenever it is recognised")


def voices_table(found: list[Any]) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table()
    for column in ("voice", "episodes", "speech", "newest episodes"):
        table.add_column(column, justify="right" if column in ("episodes", "speech") else "left")
    for voice in found:
        name = voice.name + (f" (was {', '.join(voice.former_names)})" if voice.former_names else "")
        newest = ", ".join(voice.episodes[:3]) + (", …" if len(voice.episodes) > 3 else "")
        table.add_row(Text(console.terminal_text(name)), str(len(voice.episodes)), f"{voice.seconds / 60:.1f} min",
                      Text(console.terminal_text(newest)))
    return table


@voices_command("rename")
@reports_errors
def voices_rename(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(metavar="OLD", help="The name the voice is remembered by.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The person's name from now on.")],
    workspace: WorkspaceOption = None,
    quiet: QuietOption = False,
    no_wait: NoWaitOption = False,
) -> None:
    """Call a remembered person by another name; episodes that list the old name find the voice under the new one."""
    from sofacast.speakers.voice_book import rename_voice

    change = change_voices(ctx, workspace, "voices rename", no_wait, lambda ws: rename_voice(ws, old, new))
    say(quiet, f"Renamed {change.before} to {change.name} ({console.plural(len(change.episodes), 'episode')}). {NEXT_TRANSCRIBE}")
    say_still_written(quiet, change)


@voices_command("merge")
@reports_errors
def voices_merge(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="FROM", help="A name heard for the same person; it goes away.")],
    into: Annotated[str, typer.Argument(metavar="INTO", help="The name that stays.")],
    workspace: WorkspaceOption = None,
    quiet: QuietOption = False,
    no_wait: NoWaitOption = False,
) -> None:
    """One person remembered under two names: FROM's episodes join INTO's (an episode both learned from counts once)."""
    from sofacast.speakers.voice_book import merge_voices

    change = change_voices(ctx, workspace, "voices merge", no_wait, lambda ws: merge_voices(ws, source, into))
    say(quiet, f"Merged {change.before} into {change.name} (now {console.plural(len(change.episodes), 'episode')}). "
               f"{NEXT_TRANSCRIBE}")
    say_still_written(quiet, change)


@voices_command("forget")
@reports_errors
def voices_forget(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The name the voice is remembered by.")],
    episode: Annotated[str | None, typer.Option(metavar="SLUG", help="Forget only what this episode taught.")] = None,
    workspace: WorkspaceOption = None,
    quiet: QuietOption = False,
    no_wait: NoWaitOption = False,
) -> None:
    """Forget a remembered voice, or what one episode taught about it."""
    from sofacast.speakers.voice_book import forget_voice

    change = change_voices(ctx, workspace, "voices forget", no_wait, lambda ws: forget_voice(ws, name, episode))
    say(quiet, f"Forgot {change.name}'s voice from {', '.join(change.episodes)}. {NEXT_TRANSCRIBE}. That run learns it "
               f"again from any episode whose [speakers] table still names {change.name}")


@voices_command("confirm")
@reports_errors
def voices_confirm(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(metavar="SLUG", help="The episode.")],
    pairs: Annotated[list[str] | None, typer.Argument(
        metavar="[LABEL=NAME]...", help='Who a voice is, e.g. S2="Sheila Brook" or "Speaker 2=Sheila Brook"; '
                                        "without any, the names its transcript shows now.", show_default=False)] = None,
    workspace: WorkspaceOption = None,
    quiet: QuietOption = False,
    no_wait: NoWaitOption = False,
) -> None:
    """Confirm who speaks in an episode: the names go into its [speakers] table and the voice book learns those voices."""
    from sofacast.transcribe.confirmation import confirm_speakers

    done = change_voices(ctx, workspace, "voices confirm", no_wait, lambda ws: confirm_speakers(ws, slug, pairs or []))
    named = ", ".join(f"{label} = {name}" for label, name in done.confirmed.items())
    learned = f"; the voice book learned {', '.join(done.learned)}" if done.learned else ""
    say(quiet, f"{slug}: {named} in episodes/{slug}/episode.toml [speakers]{learned}. "
               f"'sofacast chunk {slug}' and 'sofacast feed' carry the names into the chunks and the feed")


def say_still_written(quiet: bool, change: Any) -> None:
    for path, names in change.still_written.items():
        say(quiet, f"{path} still writes {' and '.join(names)}: the feed and the site show the name written there, "
                   f"so change it to {change.name} there too")


def main() -> None:
    """The console script: like `app()`, but a usage mistake is one line too, not a box of help."""
    try:
        code = app(standalone_mode=False)
    except getattr(usage, "NoArgsIsHelpError", ()) as shown:
        shown.show()
        sys.exit(2)
    except usage.UsageError as mistake:
        command = mistake.ctx.command_path if mistake.ctx else "sofacast"
        console.error(f"{mistake.format_message().rstrip('.')}. Run '{command} --help' to see what it takes")
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        console.note("Interrupted.")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
