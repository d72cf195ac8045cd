"""Real tiny.en inference (the bundled model) on real and synthesized speech."""

import itertools
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from sofacast.errors import ModelError
from sofacast.transcribe.models import BUNDLED_SHA256, bundled_model, resolve_model, verified_model_dir
from tests.conftest import JFK_TEXT, RECORDINGS
from tests.scoring import word_error_rate


@pytest.fixture
def jfk_episode(workspace: Path, cli, jfk: Path) -> Path:
    assert cli("pull", jfk, "--slug", "jfk", "-w", workspace).exit_code == 0
    return workspace


def _transcript(workspace: Path, slug: str) -> dict:
    return json.loads((workspace / "transcripts" / f"{slug}.json").read_text())


@pytest.mark.slow
def test_transcribes_real_speech_accurately_with_word_times(jfk_episode: Path, cli):
    result = cli("transcribe", "jfk", "-w", jfk_episode)
    assert result.exit_code == 0, result.output
    data = _transcript(jfk_episode, "jfk")
    text = " ".join(s["text"] for s in data["segments"])
    assert word_error_rate(JFK_TEXT, text) <= 0.1, text
    assert data["engine"] == "faster-whisper" and data["model"] == "tiny.en" and data["language"] == "en"
    assert data["source"]["model_fingerprint"] == f"sha256:{BUNDLED_SHA256}"
    assert data["options"]["beam_size"] == 5 and data["options"]["word_timestamps"] is True
    assert abs(data["duration"] - 11.0) < 0.05
    words = [w for s in data["segments"] for w in s["words"]]
    assert len(words) >= 20
    assert all(a["start"] <= b["start"] for a, b in itertools.pairwise(words))
    ask = next(w for w in words if w["word"].strip().lower() == "ask")
    assert 1.5 < ask["start"] < 4.0  # "ask not" is spoken around 2.3 s
    for suffix in (".vtt", ".srt", ".txt"):
        assert (jfk_episode / "transcripts" / f"jfk{suffix}").read_text().strip()
    assert (jfk_episode / "transcripts" / "jfk.vtt").read_text().startswith("WEBVTT")


@pytest.mark.slow
def test_up_to_date_transcripts_are_skipped_until_forced(jfk_episode: Path, cli):
    cli("transcribe", "jfk", "-w", jfk_episode)
    path = jfk_episode / "transcripts" / "jfk.json"
    first = path.stat().st_mtime_ns
    again = cli("transcribe", "--all", "-w", jfk_episode)
    assert again.exit_code == 0 and "up to date" in again.stdout
    assert path.stat().st_mtime_ns == first
    forced = cli("transcribe", "jfk", "--force", "-w", jfk_episode)
    assert forced.exit_code == 0 and re.search(r"jfk: \d+ segments?, \d+ words", forced.stdout)
    assert path.stat().st_mtime_ns != first


@pytest.mark.slow
def test_synthesized_interview(workspace: Path, cli):
    assert cli("pull", RECORDINGS / "norms-in-cyberspace.mp3", "--slug", "norms", "-w", workspace).exit_code == 0
    assert cli("transcribe", "norms", "-w", workspace).exit_code == 0
    data = _transcript(workspace, "norms")
    reference = (RECORDINGS / "norms-in-cyberspace.txt").read_text()
    assert word_error_rate(reference, " ".join(s["text"] for s in data["segments"])) <= 0.25
    vtt_cues = (workspace / "transcripts" / "norms.vtt").read_text().split("\n\n")[1:]
    shown = [re.sub(r"^<v [^>]+>", "", cue.splitlines()[1]) for cue in vtt_cues]  # the voice tag is not displayed
    assert all(0 < len(text) <= 65 for text in shown)
    assert all(cue.splitlines()[1].startswith("<v ") for cue in vtt_cues)
    assert data["segments"][-1]["end"] <= data["duration"] + 0.01


@pytest.mark.slow
def test_corrupt_media_keeps_the_old_transcript(jfk_episode: Path, cli):
    cli("transcribe", "jfk", "-w", jfk_episode)
    before = (jfk_episode / "transcripts" / "jfk.json").read_bytes()
    (jfk_episode / "episodes" / "jfk" / "jfk.flac").write_bytes(b"fLaC" + b"\0" * 500)
    result = cli("transcribe", "jfk", "-w", jfk_episode)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "jfk.flac" in result.stderr and "pull the episode again" in result.stderr.lower()
    assert (jfk_episode / "transcripts" / "jfk.json").read_bytes() == before
    assert not list((jfk_episode / "transcripts").glob(".*.tmp"))


def test_missing_media_file(jfk_episode: Path, cli):
    (jfk_episode / "episodes" / "jfk" / "jfk.flac").unlink()
    result = cli("transcribe", "jfk", "-w", jfk_episode)
    assert result.exit_code == 1 and "is missing" in result.stderr


def test_missing_model_and_unknown_engine(jfk_episode: Path, cli, tmp_path: Path):
    result = cli("transcribe", "jfk", "--model", str(tmp_path / "nowhere" / "model"), "-w", jfk_episode)
    assert result.exit_code == 1 and "does not exist" in result.stderr and "--model" in result.stderr
    empty = tmp_path / "empty-model"
    empty.mkdir()
    result = cli("transcribe", "jfk", "--model", str(empty), "-w", jfk_episode)
    assert result.exit_code == 1 and "no model.bin" in result.stderr
    result = cli("transcribe", "jfk", "--engine", "vosk", "-w", jfk_episode)
    assert result.exit_code == 1 and "unknown engine 'vosk'" in result.stderr and "faster-whisper" in result.stderr


@pytest.mark.slow
def test_a_model_folder_given_by_path_is_used(jfk_episode: Path, cli):
    folder = bundled_model().ct2_dir
    result = cli("transcribe", "jfk", "--model", str(folder), "-w", jfk_episode)
    assert result.exit_code == 0, result.output
    assert _transcript(jfk_episode, "jfk")["model"] == "model"


def test_bundled_model_is_verified_before_loading(tmp_path: Path):
    source = bundled_model().ct2_dir
    copy = tmp_path / "model"
    shutil.copytree(source, copy)
    assert verified_model_dir(copy).fingerprint == f"sha256:{BUNDLED_SHA256}"
    with (copy / "model.bin").open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00\x01")
    with pytest.raises(ModelError, match="not the pinned"):
        verified_model_dir(copy)
    assert resolve_model(None) == resolve_model("tiny.en")


def test_without_the_openai_extra_the_hint_installs_torchs_cpu_build_first(jfk_episode: Path, cli, monkeypatch):
    # The extra is installed here; hiding torch from the import system is how a machine without it looks.
    monkeypatch.delitem(sys.modules, "sofacast.transcribe.openai_whisper_engine", raising=False)
    monkeypatch.setitem(sys.modules, "torch", None)
    result = cli("transcribe", "jfk", "--engine", "openai-whisper", "-w", jfk_episode)
    assert result.exit_code == 1 and "the openai-whisper engine is not installed (torch is missing)" in result.stderr
    hint = result.stderr.split("is missing)", 1)[1]
    assert hint.index("--index-url https://download.pytorch.org/whl/cpu") < hint.index("pip install 'sofacast[openai]'")
