"""Naming on real voices in the shapes real shows have (tests/real_corpus.py: every English episode), end to end
through the CLI: a new show, the earlier episodes confirmed by an editor, then the episode itself pulled and
transcribed (about two minutes in all).

The invariants of issue 25 on every one: distinct voices keep distinct names; a listed person's name goes to one
voice; a voice nobody listed gets a neutral label of its own; the show's host who does not speak is not given a voice;
the voice book learns only from voices that matched it or that an editor confirmed. Wrong-name time is scored against
the corpus's reference (who really spoke when), with a 1 s allowance for turn edges.
(benchmarks/bench_real_voices.py runs every episode of the corpus and prints DER, wrong-name time and WER.)
"""

from __future__ import annotations

import re

import pytest

from tests.corpus_runs import CorpusRun, labels_of, run_episode
from tests.real_corpus import CorpusEpisode, episode, episodes
from tests.scoring import wrong_name_seconds

NEUTRAL = re.compile(r"Speaker \d+")
SURE = re.compile(r"voiceprint \(|episode\.toml$")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CorpusRun]:
    from typer.testing import CliRunner

    from sofacast.cli import app

    runner = CliRunner()

    def invoke(*args: object) -> tuple[int, str]:
        result = runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)
        return result.exit_code, result.output

    return {item.name: run_episode(invoke, tmp_path_factory.mktemp(item.name) / "show", item) for item in ENGLISH}


# The French show is refused by the bundled English-only model (tests/test_transcribe.py).
ENGLISH = [item for item in episodes() if item.language == "en"]
EVERY = [pytest.param(item, id=item.name) for item in ENGLISH]


@pytest.mark.slow
@pytest.mark.parametrize("item", EVERY)
def test_distinct_voices_keep_distinct_names_and_unlisted_voices_are_neutral(runs: dict[str, CorpusRun],
                                                                             item: CorpusEpisode) -> None:
    run = runs[item.name]
    speakers = run.transcript["speakers"]
    assert len(set(speakers.values())) == len(speakers), speakers
    labels = labels_of(run.transcript, item.turns)
    assert len(set(labels.values())) == len(item.voices)  # every real voice was found as a voice of its own
    for voice, expected in item.names.items():
        shown = speakers[labels[voice]]
        assert shown == expected if expected else NEUTRAL.fullmatch(shown), (voice, shown, run.transcript["diarization"])


@pytest.mark.slow
@pytest.mark.parametrize("item", EVERY)
def test_wrong_name_time_is_within_a_second_of_turn_edges(runs: dict[str, CorpusRun], item: CorpusEpisode) -> None:
    run = runs[item.name]
    assert wrong_name_seconds(list(item.turns), run.speaker_turns(), item.names) <= 1.0


@pytest.mark.slow
@pytest.mark.parametrize("item", EVERY)
def test_a_listed_host_who_does_not_speak_is_given_no_voice(runs: dict[str, CorpusRun], item: CorpusEpisode) -> None:
    speaking = {name for name in item.names.values() if name}
    absent = [host for host in (*item.episode_hosts, *item.show_hosts) if host not in speaking]
    shown = set(runs[item.name].transcript["speakers"].values())
    assert not shown & set(absent)


@pytest.mark.slow
@pytest.mark.parametrize("item", EVERY)
def test_the_voice_book_learns_only_what_a_voice_matched_or_an_editor_confirmed(runs: dict[str, CorpusRun],
                                                                               item: CorpusEpisode) -> None:
    run = runs[item.name]
    named_by = run.transcript["diarization"]["named_by"]
    learned_here = {name for name, episodes in run.book().items() if item.name in episodes}
    for name in learned_here:
        labels = [label for label, shown in run.transcript["speakers"].items() if shown == name]
        assert any(SURE.search(named_by[label]) for label in labels), (name, named_by)
    for earlier in item.before:  # an editor confirmed those: what each taught is still there
        assert all(earlier in run.book().get(name, []) for name in _confirmed_names(earlier))


def _confirmed_names(slug: str) -> list[str]:
    return list(episode(slug).confirmed.values())
