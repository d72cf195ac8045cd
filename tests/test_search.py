"""Search: a real SQLite FTS5 index over the sample show's transcripts; phrases, filters, errors, sync."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sofacast.search.query import QueryError, to_fts
from tests.conftest import REAL_SPEECH, ROOT, copy_sample_show


@pytest.fixture
def show(tmp_path: Path) -> Path:
    """The sample show's episodes and committed transcripts (with speakers and chunks), no audio."""
    return copy_sample_show(tmp_path / "show", media=False, transcripts=(".json", ".chunks.json"))


def search(cli, root: Path, *args: str) -> list[dict]:
    result = cli("search", *args, "--json", "-w", root)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_phrase_finds_its_passage_first(cli, show: Path) -> None:
    hits = search(cli, show, '"private sector"')
    first = hits[0]
    assert first["episode"] == "capacity-building"
    assert first["speaker"] == "Tomas Okafor"
    assert first["question_index"] == 2
    assert first["question"] == "Why do so many national response teams struggle to keep their staff?"
    assert first["start"] == pytest.approx(33.57, abs=0.01) and first["end"] > first["start"]
    assert "**private sector**" in first["snippet"] and "private sector" in first["text"]
    assert first["link"] == ("https://sofacast.example.org/diplomats-sofa/episodes/capacity-building/"
                             "capacity-building.mp3#t=33")
    assert all(key in first for key in ("episode", "speaker", "question", "start", "end", "text", "snippet"))


@pytest.mark.parametrize(("query", "episode", "speaker"), [
    ("malware servers", "the-attribution-problem", "Priya Raman"),  # all words
    ("ransomware*", "norms-in-cyberspace", "Tomas Okafor"),  # prefix
    ('"skill and trust"', "capacity-building", "Henrik Sato"),
    ("sanctions OR malware", None, None),
])
def test_query_language(cli, show: Path, query: str, episode: str | None, speaker: str | None) -> None:
    hits = search(cli, show, query)
    assert hits
    if episode:
        assert (hits[0]["episode"], hits[0]["speaker"]) == (episode, speaker)
    else:
        assert {h["episode"] for h in hits} >= {"norms-in-cyberspace", "the-attribution-problem"}


def test_not_excludes(cli, show: Path) -> None:
    everything = search(cli, show, "government")
    without = search(cli, show, "government NOT sector")
    assert len(without) < len(everything)
    assert all("sector" not in h["text"].lower() for h in without)


def test_filters(cli, show: Path) -> None:
    assert {h["episode"] for h in search(cli, show, "government", "--guest", "Priya")} == {"the-attribution-problem"}
    assert {h["speaker"] for h in search(cli, show, "sofa", "--speaker", "elena")} == {"Elena Marsh"}
    assert {h["episode"] for h in search(cli, show, "government", "--episode", "capacity-building")} == {"capacity-building"}
    by_number = search(cli, show, "government", "--episode", "the-attribution-problem", "--question", "2")
    assert by_number and {h["question_index"] for h in by_number} == {2}
    by_words = search(cli, show, "government", "--question", "points the finger")
    assert by_words and {h["question_index"] for h in by_words} == {2}
    assert {h["episode"] for h in search(cli, show, "government",
                                         "--since", "2026-09-15", "--until", "2026-09-30")} == {"the-attribution-problem"}
    assert search(cli, show, "government", "--until", "2026-01-01") == []


def test_substring_mode_finds_partial_names_and_words(cli, show: Path) -> None:
    hits = search(cli, show, "kafo", "--substring")
    assert hits and all("okafor" in (h["speaker"] + h["text"]).lower() for h in hits)
    assert search(cli, show, "kafo") == []  # not a word on its own
    assert search(cli, show, "somware", "--substring")[0]["episode"] == "norms-in-cyberspace"


def test_readable_table_by_default(cli, show: Path) -> None:
    result = cli("search", '"private sector"', "-w", show)
    assert result.exit_code == 0
    assert "capacity-building" in result.stdout and "Tomas Okafor" in result.stdout and "0:33" in result.stdout
    assert "No passages found." in cli("search", "zebra", "-w", show).stdout


@pytest.mark.parametrize(("args", "message"), [
    (['"undersea cable'], "unbalanced quote"),
    (["NOT cables"], "NOT needs something to search for before it"),
    (["cables OR"], "OR needs something to search for after it"),
    (["(cables"], "unclosed '('"),
    (["@#!"], "has no letters or digits"),
    (["ab", "--substring"], "at least 3 characters"),
    (["cables", "--since", "yesterday"], "--since 'yesterday' is not a date"),
    (["cables", "--episode", "nope"], "no episode 'nope'"),
])
def test_bad_queries_get_one_clear_line(cli, show: Path, args: list[str], message: str) -> None:
    result = cli("search", *args, "-w", show)
    assert result.exit_code != 0
    assert message in result.stderr and "Traceback" not in result.stderr and "sqlite" not in result.stderr.lower()
    assert len(result.stderr.strip().splitlines()) == 1


def test_every_bare_word_is_quoted_for_fts5() -> None:
    assert to_fts('cyber-attack "U.N. charter" repair* OR x') == '"cyber attack" "U N charter" "repair"* OR "x"'
    with pytest.raises(QueryError):
        to_fts("   ")


def test_an_empty_index_says_what_to_do(cli, workspace: Path) -> None:
    result = cli("search", "cables", "-w", workspace)
    assert result.exit_code != 0
    assert "the search index is empty" in result.stderr and "sofacast transcribe --all" in result.stderr


def test_the_index_is_safe_to_delete_or_damage(cli, show: Path) -> None:
    first = search(cli, show, '"private sector"')
    database = show / ".sofacast" / "search.sqlite"
    database.unlink()
    assert search(cli, show, '"private sector"') == first
    database.write_bytes(b"this is not a database" * 100)
    assert search(cli, show, '"private sector"') == first
    rebuilt = cli("index", "--rebuild", "-w", show)
    assert rebuilt.exit_code == 0 and "passages" in rebuilt.stdout


def test_the_index_follows_the_files(cli, show: Path) -> None:
    assert search(cli, show, "malware")
    path = show / "transcripts" / "the-attribution-problem.json"
    data = json.loads(path.read_text())
    for segment in data["segments"]:
        segment["text"] = segment["text"].replace("malware", "spyware")
    path.write_text(json.dumps(data))
    assert search(cli, show, "malware") == []
    assert search(cli, show, "spyware")[0]["episode"] == "the-attribution-problem"
    (show / "episodes" / "the-attribution-problem" / "episode.toml").unlink()
    assert search(cli, show, "spyware") == []


@pytest.mark.slow
def test_index_stays_in_sync_after_retranscribing(cli, workspace: Path) -> None:
    media = workspace.parent / "talk.flac"
    shutil.copy(REAL_SPEECH / "jfk.flac", media)
    assert cli("pull", media, "--slug", "talk", "--title", "Talk", "-w", workspace, "-q").exit_code == 0
    assert cli("transcribe", "talk", "-w", workspace, "-q").exit_code == 0
    # The transcribe command refreshed the index: the database already holds the passages.
    import sqlite3

    with sqlite3.connect(workspace / ".sofacast" / "search.sqlite") as db:
        assert db.execute("SELECT count(*) FROM passages WHERE episode = 'talk'").fetchone()[0] > 0
    assert search(cli, workspace, '"fellow Americans"')[0]["episode"] == "talk"
    # New media under the same name: the transcript is stale (its sha256 differs), and the index follows.
    shutil.copy(ROOT / "samples/recordings/undersea-cables.mp3", workspace / "episodes" / "talk" / "talk.flac")
    again = cli("transcribe", "talk", "-w", workspace)
    assert again.exit_code == 0 and "up to date" not in again.stdout
    assert "cables" in (workspace / "transcripts" / "talk.txt").read_text().lower()
    assert search(cli, workspace, '"fellow Americans"') == []
    assert search(cli, workspace, "cables")[0]["episode"] == "talk"
