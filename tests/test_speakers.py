"""Speaker labelling: the torch-free voice encoder, diarization on synthetic and real voices, naming."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from sofacast.media import ffmpeg
from sofacast.records import Segment, SpeakerTurn, Word
from sofacast.speakers.assign import label_segments
from sofacast.speakers.channels import ChannelEvidence, one_speaker_per_channel
from sofacast.speakers.diarize import diarize_voices
from sofacast.speakers.voice_encoder import TARGET_DBFS, VoiceEncoder, mel_frames, volume_gain, weights_path
from tests import real_voices
from tests.conftest import REAL_SPEECH, RECORDINGS, ROOT
from tests.requirements import ONNX, OPENAI_WHISPER, require
from tests.scoring import diarization_error_rate
from tools.torch_checkpoint import read_legacy_checkpoint


def reference_turns(name: str, folder: Path = RECORDINGS) -> list[tuple[float, float, str]]:
    return [(t["start"], t["end"], t["speaker"]) for t in json.loads((folder / f"{name}.turns.json").read_text())]


def hypothesis(turns: list[SpeakerTurn]) -> list[tuple[float, float, str]]:
    return [(t.start, t.end, t.label) for t in turns]


# --- the voice encoder, run without torch -------------------------------------------------------

# torch only checks the torch-free code here; it comes with the openai extra (SOFACAST_REQUIRE_OPENAI_WHISPER).
TORCH = "the openai extra: pip install torch==2.13.0 -e '.[openai]'"


def test_legacy_checkpoint_reader_gives_torchs_tensors(tmp_path: Path) -> None:
    torch = require("torch", OPENAI_WHISPER, TORCH)  # only to write a checkpoint; the reader never imports it
    state = {"model_state": {"w": torch.arange(12, dtype=torch.float32).reshape(3, 4).t(), "b": torch.ones(5)}, "step": 7}
    path = tmp_path / "legacy.pt"
    torch.save(state, path, _use_new_zipfile_serialization=False)
    loaded = read_legacy_checkpoint(path)
    assert loaded["step"] == 7
    assert np.array_equal(loaded["model_state"]["w"], state["model_state"]["w"].numpy())  # a transposed (strided) view
    assert np.array_equal(loaded["model_state"]["b"], np.ones(5, np.float32))


def shipped_network() -> dict[str, np.ndarray]:
    """The shipped graph's tensors under torch's names and gate order, as resemblyzer's checkpoint holds them."""
    onnx = require("onnx", ONNX, "the test extra: pip install -e '.[test]'")
    from onnx import numpy_helper

    tensors = {t.name: numpy_helper.to_array(t) for t in onnx.load(str(weights_path())).graph.initializer}

    def torch_gates(matrix: np.ndarray) -> np.ndarray:
        i, o, f, c = np.split(matrix, 4, axis=0)  # ONNX's order; torch's is i, f, g(= c), o
        return np.ascontiguousarray(np.concatenate([i, f, c, o]))

    network = {"linear.weight": tensors["linear_weight"].copy(), "linear.bias": tensors["linear_bias"].copy()}
    for layer in range(3):
        network[f"lstm.weight_ih_l{layer}"] = torch_gates(tensors[f"W{layer}"][0])
        network[f"lstm.weight_hh_l{layer}"] = torch_gates(tensors[f"R{layer}"][0])
        bias_ih, bias_hh = np.split(tensors[f"B{layer}"][0], 2)
        network[f"lstm.bias_ih_l{layer}"], network[f"lstm.bias_hh_l{layer}"] = torch_gates(bias_ih), torch_gates(bias_hh)
    return network


def test_onnx_encoder_equals_torch_lstm_on_the_bundled_weights() -> None:
    """The shipped graph computes what torch.nn.LSTM computes with the same tensors."""
    torch = require("torch", OPENAI_WHISPER, TORCH)
    network = shipped_network()
    lstm = torch.nn.LSTM(40, 256, 3, batch_first=True)
    lstm.load_state_dict({k[5:]: torch.from_numpy(v) for k, v in network.items() if k.startswith("lstm.")})
    linear = torch.nn.Linear(256, 256)
    linear.load_state_dict({"weight": torch.from_numpy(network["linear.weight"]),
                            "bias": torch.from_numpy(network["linear.bias"])})
    mels = np.random.default_rng(0).random((4, 60, 40)).astype(np.float32)
    with torch.no_grad():
        _, (hidden, _) = lstm(torch.from_numpy(mels))
        expected = torch.relu(linear(hidden[-1]))
        expected = (expected / expected.norm(dim=1, keepdim=True)).numpy()
    assert np.abs(VoiceEncoder.bundled().embed(mels) - expected).max() < 1e-5


def test_converter_rebuilds_the_shipped_graph_from_resemblyzers_tensors(tmp_path: Path) -> None:
    from tools.convert_resemblyzer import convert

    np.savez(tmp_path / "network.npz", **shipped_network())
    convert(tmp_path / "network.npz", tmp_path / "encoder.onnx")
    assert (tmp_path / "encoder.onnx").read_bytes() == weights_path().read_bytes()


def test_mel_features_equal_librosa() -> None:
    # Golden output of librosa.feature.melspectrogram(sr=16000, n_fft=400, hop_length=160, n_mels=40),
    # the features resemblyzer was trained on, for this exact signal (librosa is not a dependency).
    t = np.arange(16000) / 16000
    signal = (0.3 * np.sin(2 * np.pi * 440 * t)
              + 0.2 * np.sin(2 * np.pi * 1500 * t) * np.linspace(0, 1, 16000)).astype(np.float32)
    golden = np.load(ROOT / "tests" / "data" / "mel_golden_librosa.npy")
    ours = mel_frames(signal)
    assert ours.shape == golden.shape
    assert np.abs(ours - golden).max() <= 1e-5 * golden.max()
    # Computed block by block from the audio itself (no padded copy of an hour): the blocks join seamlessly.
    assert np.allclose(mel_frames(signal, block=7), ours, rtol=1e-5, atol=1e-6 * golden.max())
    # The volume gain is applied inside, without a scaled copy: power scales by its square.
    assert np.allclose(mel_frames(signal, gain=2.0), 4 * ours, rtol=1e-5, atol=1e-6 * golden.max())


def test_volume_gain_lifts_quiet_audio_to_the_target_and_never_lowers() -> None:
    rng = np.random.default_rng(0)
    quiet = (0.01 * rng.standard_normal(100_000)).astype(np.float32)
    gain = volume_gain(quiet, block=4096)  # several blocks, summed in float64
    rms = np.sqrt(np.mean((quiet.astype(np.float64) * gain) ** 2))
    assert 20 * np.log10(rms) == pytest.approx(TARGET_DBFS, abs=0.01)
    assert volume_gain(quiet * 100) == 1.0 and volume_gain(np.zeros(10, np.float32)) == 1.0


@pytest.mark.slow
def test_one_voice_is_closer_to_itself_than_to_another_real_voice() -> None:
    encoder = VoiceEncoder.bundled()
    pieces = real_voices.voices()
    first, second, other = (encoder.embed(mel_frames(pieces[name])[None])[0] for name in ("jfk-1", "jfk-2", "left"))
    assert first @ second > first @ other + 0.1


# --- diarization ---------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", ["the-attribution-problem", "norms-in-cyberspace"])
def test_two_voice_interview_der_within_five_percent(name: str) -> None:
    found = diarize_voices(ffmpeg.decode(RECORDINGS / f"{name}.mp3"), expected=2)
    assert len(found.voiceprints) == 2
    assert diarization_error_rate(reference_turns(name), hypothesis(found.turns)) <= 0.05


@pytest.mark.slow
def test_speaker_count_found_without_a_hint() -> None:
    found = diarize_voices(ffmpeg.decode(RECORDINGS / "undersea-cables.mp3"), expected=None)
    assert len(found.voiceprints) == 2
    assert diarization_error_rate(reference_turns("undersea-cables"), hypothesis(found.turns)) <= 0.05


@pytest.mark.parametrize(("pieces", "phone", "limit"), [
    (real_voices.TWO_SPEAKERS, False, 0.05),
    (real_voices.TWO_SPEAKERS, True, 0.25),
    (real_voices.THREE_SPEAKERS, True, 0.25),
], ids=["two-real-voices-clean", "two-real-voices-phone", "three-real-voices-phone"])
@pytest.mark.slow
def test_real_voices(pieces: list[str], phone: bool, limit: float) -> None:
    audio, reference = real_voices.conversation(pieces, phone=phone)
    found = diarize_voices(audio, expected=len({who for _, _, who in reference}))
    assert diarization_error_rate(reference, hypothesis(found.turns)) <= limit


def test_stereo_with_one_speaker_per_channel_is_recognized() -> None:
    assert one_speaker_per_channel(ffmpeg.decode(REAL_SPEECH / "stereo_diarization.wav", channels=2))
    assert not one_speaker_per_channel(ffmpeg.decode(REAL_SPEECH / "jfk.flac", channels=2))  # same voice on both sides


@pytest.mark.parametrize("name", ["stereo_diarization.wav", "jfk.flac"])
def test_channel_evidence_gathered_block_by_block_gives_the_same_verdict(name: str) -> None:
    stereo = ffmpeg.decode(REAL_SPEECH / name, channels=2)
    evidence = ChannelEvidence()
    for start in range(0, len(stereo), 12_345):  # blocks that never line up with the 50 ms frames
        evidence.add(stereo[start:start + 12_345])
    assert evidence.one_speaker_per_channel() == one_speaker_per_channel(stereo) == (name == "stereo_diarization.wav")


def test_segments_split_where_the_speaker_changes() -> None:
    words = [Word(0.0, 0.4, " Good"), Word(0.4, 0.8, " to"), Word(0.8, 1.2, " be"), Word(1.2, 1.6, " back."),
             Word(2.0, 2.4, " Hello"), Word(2.4, 2.9, " everyone.")]
    segment = Segment(0, 0.0, 2.9, "Good to be back. Hello everyone.", words)
    pieces = label_segments([segment], [SpeakerTurn(0.0, 1.7, "S2"), SpeakerTurn(1.9, 3.0, "S3")])
    assert [(p.label, p.text, p.start, p.end) for p in pieces] == [("S2", "Good to be back.", 0.0, 1.6),
                                                                    ("S3", "Hello everyone.", 2.0, 2.9)]
    assert [p.id for p in pieces] == [0, 1]


# --- the transcribe command: names, voiceprints, overrides, stereo -------------------------------

def add_sample(cli, workspace: Path, name: str, *extra: str) -> None:
    source = workspace.parent / f"{name}.mp3"
    shutil.copy(RECORDINGS / f"{name}.mp3", source)
    result = cli("pull", source, "--slug", name, "--title", name, "-w", workspace, "-q", *extra)
    assert result.exit_code == 0, result.output


def word_accuracy(transcript: dict, reference: list[tuple[float, float, str]]) -> float:
    """Share of words whose speaker is the reference speaker at the word's midpoint."""
    right = total = 0
    for segment in transcript["segments"]:
        for word in segment["words"]:
            middle = (word["start"] + word["end"]) / 2
            truth = [who for start, end, who in reference if start - 0.3 <= middle <= end + 0.3]
            if truth:
                total += 1
                right += segment["speaker"] in truth
    return right / total


@pytest.mark.slow
def test_transcribe_labels_host_and_two_guests_by_name(cli, workspace: Path) -> None:
    add_sample(cli, workspace, "capacity-building", "--guest", "Tomas Okafor", "--guest", "Henrik Sato",
               "--question", "What does cyber capacity building mean in practice?")
    result = cli("transcribe", "capacity-building", "-w", workspace)
    assert result.exit_code == 0, result.output
    transcript = json.loads((workspace / "transcripts/capacity-building.json").read_text())
    assert set(transcript["speakers"].values()) == {"Elena Marsh", "Tomas Okafor", "Henrik Sato"}
    reference = reference_turns("capacity-building")
    # Host and two guests: the speaker turns, as the segments carry them, within 5% DER of the script's.
    found = [(s["start"], s["end"], s["label"]) for s in transcript["segments"]]
    assert diarization_error_rate(reference, found) <= 0.05
    assert word_accuracy(transcript, reference) >= 0.95
    vtt = (workspace / "transcripts/capacity-building.vtt").read_text()
    assert "<v Elena Marsh>" in vtt and "<v Henrik Sato>" in vtt
    assert "Tomas Okafor: " in (workspace / "transcripts/capacity-building.srt").read_text()
    assert "] Henrik Sato: " in (workspace / "transcripts/capacity-building.txt").read_text()


@pytest.mark.slow
def test_a_confirmed_host_voice_names_her_in_an_episode_without_questions(cli, workspace: Path) -> None:
    add_sample(cli, workspace, "norms-in-cyberspace", "--guest", "Tomas Okafor")
    first = cli("transcribe", "norms-in-cyberspace", "-w", workspace)
    assert first.exit_code == 0
    # Named by role and by elimination: guesses, which the producer is asked to check, and the book does not learn.
    said = " ".join(first.stdout.split())
    assert "names guessed, not recognised by voice: Elena Marsh (introduces themselves); Tomas Okafor (the one" in said
    assert "'sofacast voices confirm norms-in-cyberspace'" in said
    assert not (workspace / "voiceprints.json").exists()
    assert cli("voices", "confirm", "norms-in-cyberspace", "-w", workspace).exit_code == 0
    prints = json.loads((workspace / "voiceprints.json").read_text())
    assert list(prints["people"]) == ["Elena Marsh", "Tomas Okafor"]
    # The same episode again changes nothing: its contribution is replaced, not added.
    assert cli("transcribe", "norms-in-cyberspace", "--force", "-w", workspace).exit_code == 0
    assert json.loads((workspace / "voiceprints.json").read_text()) == prints

    # An episode with no show-notes questions: only the voice can tell who the host is.
    add_sample(cli, workspace, "undersea-cables", "--guest", "Henrik Sato")
    episode_toml = workspace / "episodes/undersea-cables/episode.toml"
    assert "questions" not in episode_toml.read_text() or "questions = []" in episode_toml.read_text()
    assert cli("transcribe", "undersea-cables", "-w", workspace).exit_code == 0
    transcript = json.loads((workspace / "transcripts/undersea-cables.json").read_text())
    host_label = next(label for label, name in transcript["speakers"].items() if name == "Elena Marsh")
    assert transcript["diarization"]["named_by"][host_label].startswith("voiceprint")
    assert word_accuracy(transcript, reference_turns("undersea-cables")) >= 0.95


@pytest.mark.slow
def test_speakers_table_in_episode_toml_wins_and_survives_reruns(cli, workspace: Path) -> None:
    add_sample(cli, workspace, "the-attribution-problem", "--guest", "Priya Raman")
    assert cli("transcribe", "the-attribution-problem", "-w", workspace).exit_code == 0
    path = workspace / "transcripts/the-attribution-problem.json"
    before = json.loads(path.read_text())
    guest_label = next(label for label, name in before["speakers"].items() if name == "Priya Raman")
    episode_toml = workspace / "episodes/the-attribution-problem/episode.toml"
    episode_toml.write_text(episode_toml.read_text() + f'\n[speakers]\n{guest_label} = "Dr. Priya Raman"\n')
    result = cli("transcribe", "the-attribution-problem", "-w", workspace)
    assert result.exit_code == 0 and "up to date" not in result.output
    after = json.loads(path.read_text())
    assert after["speakers"][guest_label] == "Dr. Priya Raman"
    assert [s["text"] for s in after["segments"]] == [s["text"] for s in before["segments"]]  # not re-transcribed
    assert "<v Dr. Priya Raman>" in (workspace / "transcripts/the-attribution-problem.vtt").read_text()
    rerun = cli("transcribe", "the-attribution-problem", "-w", workspace)
    assert "up to date" in rerun.output
    forced = cli("transcribe", "the-attribution-problem", "--force", "-w", workspace)
    assert forced.exit_code == 0
    assert json.loads(path.read_text())["speakers"][guest_label] == "Dr. Priya Raman"


@pytest.mark.parametrize(("table", "message"), [
    ('speakers = ["Elena Marsh"]\n', "episode.toml: speakers: not a table, got ['Elena Marsh']"),
    ('[speakers]\n"Elena Marsh" = "S1"\n', "speakers: 'Elena Marsh' is not a speaker label such as S1"),
])
def test_malformed_speakers_table_is_one_clear_line(cli, workspace: Path, table: str, message: str) -> None:
    add_sample(cli, workspace, "undersea-cables", "--guest", "Henrik Sato")
    episode_toml = workspace / "episodes/undersea-cables/episode.toml"
    text = episode_toml.read_text()
    episode_toml.write_text(table + text if not table.startswith("[") else text + "\n" + table)
    result = cli("transcribe", "undersea-cables", "-w", workspace)
    assert result.exit_code != 0
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (workspace / "transcripts/undersea-cables.json").exists()


@pytest.mark.slow
def test_stereo_recording_is_labelled_per_channel(cli, workspace: Path) -> None:
    source = workspace.parent / "split.wav"
    shutil.copy(REAL_SPEECH / "stereo_diarization.wav", source)
    assert cli("pull", source, "--slug", "split", "--title", "Split", "-w", workspace, "-q").exit_code == 0
    assert cli("transcribe", "split", "-w", workspace).exit_code == 0
    transcript = json.loads((workspace / "transcripts/split.json").read_text())
    assert transcript["diarization"]["method"] == "channels"
    by_label: dict[str, str] = {}
    for segment in transcript["segments"]:
        by_label[segment["label"]] = by_label.get(segment["label"], "") + " " + segment["text"].lower()
    assert len(by_label) == 2
    wizard = next(label for label, text in by_label.items() if "wizard" in text or "curtain" in text)
    horizon = next(label for label, text in by_label.items() if "horizon" in text or "distant" in text)
    assert wizard != horizon
