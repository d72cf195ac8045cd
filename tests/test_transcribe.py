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


# --- the model and language a show sets (sofacast.toml [transcribe]), and what a transcript records -------------

def set_show(workspace: Path, text: str) -> None:
    path = workspace / "sofacast.toml"
    path.write_text(path.read_text() + "\n" + text + "\n")


@pytest.mark.slow
def test_the_shows_model_setting_is_used_and_a_changed_model_makes_the_transcript_out_of_date(jfk_episode: Path, cli):
    assert cli("transcribe", "jfk", "-w", jfk_episode).exit_code == 0
    shutil.copytree(bundled_model().ct2_dir, jfk_episode / "models" / "tiny-copy")
    set_show(jfk_episode, '[transcribe]\nmodel = "models/tiny-copy"')
    result = cli("transcribe", "jfk", "-w", jfk_episode)
    assert result.exit_code == 0 and "up to date" not in result.stdout, result.output
    data = _transcript(jfk_episode, "jfk")
    assert data["model"] == "tiny-copy" and data["source"]["model"] == "tiny-copy"
    assert "up to date" in cli("transcribe", "jfk", "-w", jfk_episode).stdout
    # A command's --model wins over the setting.
    assert cli("transcribe", "jfk", "--model", "tiny.en", "-w", jfk_episode).exit_code == 0
    assert _transcript(jfk_episode, "jfk")["model"] == "tiny.en"


def test_a_model_folder_in_sofacast_toml_must_lie_inside_the_workspace(jfk_episode: Path, cli):
    (jfk_episode / "models").mkdir()
    (jfk_episode / "models" / "elsewhere").symlink_to(bundled_model().ct2_dir)
    set_show(jfk_episode, '[transcribe]\nmodel = "models/elsewhere"')
    result = cli("transcribe", "jfk", "-w", jfk_episode)
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "transcribe.model: models/elsewhere leads outside the workspace" in result.stderr
    assert "--model PATH" in result.stderr
    assert not (jfk_episode / "transcripts" / "jfk.json").exists()


@pytest.mark.parametrize(("setting", "message"), [
    ('language = "fr"', "the Whisper model tiny.en understands English only, and the show's language is 'fr'"),
    ('language = "tlh"', "Whisper does not know the show's language 'tlh'"),
    ('[transcribe]\nlanguage = "xx"', "Whisper does not know [transcribe] language 'xx'"),
])
def test_a_language_the_model_cannot_hear_is_refused_in_one_line_before_anything_is_done(workspace: Path, cli, jfk: Path,
                                                                                           setting: str, message: str):
    show = workspace / "sofacast.toml"
    text = show.read_text()
    show.write_text(text.replace('language = "en"', setting) if setting.startswith("language") else text + "\n" + setting)
    result = cli("publish", jfk, "--slug", "jfk", "-w", workspace)
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1, result.output
    assert message in result.stderr and "[transcribe]" in result.stderr
    assert not (workspace / "episodes" / "jfk").exists()  # nothing pulled, nothing to undo


def test_a_multilingual_model_is_told_the_shows_language(workspace: Path, tmp_path: Path):
    # The weights are never loaded here (no multilingual model is at hand offline): what is checked is that a
    # model whose vocabulary is multilingual is accepted for a French show and given its language.
    from sofacast.transcribe.pipeline import Transcriber
    from sofacast.workspace import Workspace

    folder = workspace / "models" / "whisper-small-ct2"
    folder.mkdir(parents=True)
    (folder / "model.bin").write_bytes(b"weights")
    (folder / "vocabulary.txt").write_text("token\n" * 51865)
    show = workspace / "sofacast.toml"
    show.write_text(show.read_text().replace('language = "en"', 'language = "fr-CA"')
                    + '\n[transcribe]\nmodel = "models/whisper-small-ct2"\n')
    transcriber = Transcriber(Workspace.open(workspace))
    assert transcriber.model.multilingual is True and transcriber.options.language == "fr"
    assert transcriber.model.ct2_dir == folder.resolve()


@pytest.mark.parametrize(("spec", "hub", "multilingual"), [
    ("small.en", "small.en", False), ("large-v3-turbo", "large-v3-turbo", True), ("small", "small", True),
    ("Systran/faster-distil-whisper-large-v3", "Systran/faster-distil-whisper-large-v3", False),
    ("distil-large-v3", "distil-large-v3", False),
])
def test_model_names_are_fetched_by_the_engine_and_known_for_their_languages(spec: str, hub: str, multilingual: bool):
    model = resolve_model(spec)
    assert model.hub_name == hub and model.ct2_dir is None and model.multilingual is multilingual


@pytest.mark.parametrize("spec", ["./nowhere", "/nowhere/model", "~/nowhere", "a/b/c"])
def test_a_path_that_does_not_exist_is_not_taken_for_a_model_name(spec: str):
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model(spec)


@pytest.mark.slow
def test_the_transcript_records_device_and_precision_and_a_gpus_transcript_is_redone_on_the_cpu(jfk_episode: Path, cli):
    assert cli("transcribe", "jfk", "-w", jfk_episode).exit_code == 0
    path = jfk_episode / "transcripts" / "jfk.json"
    data = json.loads(path.read_text())
    assert (data["options"]["device"], data["options"]["compute_type"]) == ("cpu", "int8")
    assert data["source"]["options"]["device"] == "cpu"
    # Written before devices were recorded: taken as made on the CPU in int8, as it was, so not redone.
    for options in (data["options"], data["source"]["options"]):
        del options["device"], options["compute_type"]
    path.write_text(json.dumps(data))
    assert "up to date" in cli("transcribe", "jfk", "-w", jfk_episode).stdout
    # Made on a GPU in float16: out of date for this CPU.
    data["source"]["options"].update(device="cuda", compute_type="float16")
    path.write_text(json.dumps(data))
    again = cli("transcribe", "jfk", "-w", jfk_episode)
    assert again.exit_code == 0 and "up to date" not in again.stdout
    assert json.loads(path.read_text())["source"]["options"]["device"] == "cpu"
