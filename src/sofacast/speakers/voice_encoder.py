"""Speaker embeddings with resemblyzer's GE2E voice encoder, run in numpy (no torch).

The network is three LSTM layers (40 mel bands -> 256) and a linear layer, trained with the
generalized end-to-end loss (Wan et al., 2018) on LibriSpeech, VoxCeleb 1 and 2. Its weights come
from resemblyzer 0.1.4's `pretrained.pt` (Apache-2.0), converted once by `tools/convert_resemblyzer.py` (in the repository) into
`data/voice_encoder.npz`, which ships inside this package; they are checked by sha256 when loaded.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from sofacast.errors import ModelError

SAMPLE_RATE = 16000
N_FFT = 400  # 25 ms windows
HOP = 160  # 10 ms steps
N_MELS = 40
FRAMES_PER_SECOND = SAMPLE_RATE / HOP
# resemblyzer raises quiet recordings to this level before embedding (never lowers loud ones).
TARGET_DBFS = -30.0
WEIGHTS_FILE = "voice_encoder.npz"
WEIGHTS_SHA256 = "ce77ae41595ba6f1344d5bb5d45dd28d1af2faf8c069cd208de2c335a8115a30"
LAYERS = 3


def _hz_to_mel(hz: np.ndarray | float) -> np.ndarray:
    """Slaney's mel scale (linear below 1 kHz, logarithmic above), as librosa computes it."""
    hz = np.asarray(hz, dtype=np.float64)
    mel = hz * 3.0 / 200.0
    log_region = hz >= 1000.0
    return np.where(log_region, 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / (np.log(6.4) / 27.0), mel)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    hz = mel * 200.0 / 3.0
    return np.where(mel >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel - 15.0)), hz)


@lru_cache(maxsize=1)
def mel_filterbank() -> np.ndarray:
    """(N_MELS, N_FFT // 2 + 1) triangular filters, Slaney-normalized (librosa.filters.mel defaults)."""
    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, N_FFT // 2 + 1)
    mel_points = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), N_MELS + 2))
    widths = np.diff(mel_points)
    ramps = mel_points[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_points[2:] - mel_points[:-2]))[:, None]
    return weights.astype(np.float32)


def mel_frames(audio: np.ndarray, block: int = 6000) -> np.ndarray:
    """Power mel spectrogram, (frames, 40), one frame per 10 ms (centered, zero-padded STFT).

    Computed a minute at a time: the complex spectrum of a whole hour would need over a gigabyte.
    """
    padded = np.pad(audio.astype(np.float32), N_FFT // 2)
    count = 1 + (len(padded) - N_FFT) // HOP
    if count <= 0:
        return np.zeros((0, N_MELS), np.float32)
    frames = np.lib.stride_tricks.as_strided(
        padded, (count, N_FFT), (padded.strides[0] * HOP, padded.strides[0]), writeable=False)
    window = np.hanning(N_FFT + 1)[:-1].astype(np.float32)  # periodic Hann, as scipy's get_window
    filters = mel_filterbank().T
    out = np.empty((count, N_MELS), np.float32)
    for first in range(0, count, block):
        spectrum = np.fft.rfft(frames[first:first + block] * window, axis=1)
        power = (spectrum.real ** 2 + spectrum.imag ** 2).astype(np.float32)
        out[first:first + block] = power @ filters
    return out


def normalize_volume(audio: np.ndarray) -> np.ndarray:
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if len(audio) else 0.0
    if rms <= 0:
        return audio
    change_db = TARGET_DBFS - 20 * np.log10(rms)
    return audio * np.float32(10 ** (change_db / 20)) if change_db > 0 else audio


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


class VoiceEncoder:
    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.w = {name: np.ascontiguousarray(array, dtype=np.float32) for name, array in weights.items()}
        for layer in range(LAYERS):
            self.w[f"bias_l{layer}"] = self.w[f"lstm.bias_ih_l{layer}"] + self.w[f"lstm.bias_hh_l{layer}"]

    @classmethod
    def bundled(cls) -> VoiceEncoder:
        return _bundled_encoder()

    def embed(self, mels: np.ndarray) -> np.ndarray:
        """Embeddings of a batch of equal-length mel windows (batch, frames, 40) -> (batch, 256), L2-normed."""
        hidden = self._lstm(mels.astype(np.float32))
        raw = np.maximum(hidden @ self.w["linear.weight"].T + self.w["linear.bias"], 0)
        norms = np.linalg.norm(raw, axis=1, keepdims=True)
        return raw / np.maximum(norms, 1e-9)

    def _lstm(self, inputs: np.ndarray) -> np.ndarray:
        """The last layer's final hidden state; gate order i, f, g, o as in torch.nn.LSTM."""
        batch, steps, _ = inputs.shape
        sequence = inputs
        for layer in range(LAYERS):
            w_ih, w_hh = self.w[f"lstm.weight_ih_l{layer}"], self.w[f"lstm.weight_hh_l{layer}"]
            size = w_hh.shape[1]
            # Input projections for every step at once: one big matrix product instead of `steps` small ones.
            projected = (sequence.reshape(batch * steps, -1) @ w_ih.T + self.w[f"bias_l{layer}"]).reshape(batch, steps, -1)
            h = np.zeros((batch, size), np.float32)
            c = np.zeros((batch, size), np.float32)
            outputs = np.empty((batch, steps, size), np.float32) if layer < LAYERS - 1 else None
            for t in range(steps):
                gates = projected[:, t] + h @ w_hh.T
                i, f, g, o = (gates[:, k * size:(k + 1) * size] for k in range(4))
                c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
                h = _sigmoid(o) * np.tanh(c)
                if outputs is not None:
                    outputs[:, t] = h
            if outputs is not None:
                sequence = outputs
        return h


def weights_path() -> Path:
    return Path(str(resources.files("sofacast.speakers") / "data" / WEIGHTS_FILE))


@lru_cache(maxsize=1)
def _bundled_encoder() -> VoiceEncoder:
    path = weights_path()
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ModelError(f"the voice encoder weights are missing ({path})", "reinstall sofacast") from exc
    if digest != WEIGHTS_SHA256:
        raise ModelError(f"the voice encoder weights at {path} are damaged (sha256 {digest[:12]}…)", "reinstall sofacast")
    with np.load(path) as archive:
        return VoiceEncoder({name: archive[name] for name in archive.files})
