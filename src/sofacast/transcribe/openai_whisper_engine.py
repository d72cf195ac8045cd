"""The openai-whisper (PyTorch) engine, running the same offline weights as faster-whisper.

The bundled CTranslate2 model is converted once into an openai-whisper checkpoint and cached in the
user cache dir (the conversion needs no network).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch
import whisper
from whisper.model import ModelDimensions, Whisper

from sofacast import atomic
from sofacast.errors import ModelError
from sofacast.media.ffmpeg import SAMPLE_RATE
from sofacast.media.vad import Span, plan_chunks
from sofacast.records import Segment, TranscribeOptions, Word
from sofacast.transcribe.ct2_checkpoint import alignment_heads, read_ct2_variables, to_openai_state
from sofacast.transcribe.models import ModelSource

CACHE_ENV = "SOFACAST_CACHE_DIR"


def device_and_precision() -> tuple[str, str]:
    """The CPU in float32: sofacast runs torch's CPU build, which has no float16 and no int8 for Whisper."""
    return "cpu", "float32"


def cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("sofacast"))


def checkpoint_for(model: ModelSource) -> Path:
    """The cached openai-whisper checkpoint converted from a CTranslate2 model (made on first use)."""
    assert model.ct2_dir is not None
    key = model.fingerprint.replace("sha256:", "")[:16].replace("/", "_")
    path = cache_dir() / "openai-whisper" / f"{model.name}-{key}.pt"
    if not path.is_file():
        dims, state = to_openai_state(read_ct2_variables(model.ct2_dir / "model.bin"))
        buffer = io.BytesIO()
        torch.save({"dims": dims, "model_state_dict": {k: torch.from_numpy(v.copy()) for k, v in state.items()}}, buffer)
        atomic.write_bytes(path, buffer.getvalue())
    return path


def _load(model: ModelSource) -> Whisper:
    if model.hub_name:
        try:
            return whisper.load_model(model.hub_name, device="cpu")
        except Exception as exc:  # download errors, unknown names
            raise ModelError(f"cannot load openai-whisper model '{model.hub_name}' ({exc})",
                             "Leave --model out to use the bundled tiny.en, or pass a .pt checkpoint path.") from exc
    path = model.checkpoint or checkpoint_for(model)
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    network = Whisper(ModelDimensions(**checkpoint["dims"]))
    network.load_state_dict(checkpoint["model_state_dict"])
    heads = alignment_heads(model.ct2_dir) if model.ct2_dir else []
    if heads:
        mask = torch.zeros(network.dims.n_text_layer, network.dims.n_text_head, dtype=torch.bool)
        for layer, head in heads:
            mask[layer, head] = True
        network.register_buffer("alignment_heads", mask.to_sparse(), persistent=False)
    return network.eval()


class OpenAIWhisperEngine:
    name = "openai-whisper"

    def __init__(self, model: ModelSource, options: TranscribeOptions) -> None:
        torch.set_num_threads(max(1, options.workers * options.threads_per_worker))
        self._model = _load(model)

    def transcribe(self, audio: np.ndarray, options: TranscribeOptions, names: Sequence[str] = (),
                   speech: Sequence[Span] | None = None) -> Iterator[Segment]:
        # openai-whisper has no hotwords, and an initial prompt naming people made tiny.en drop and invent
        # speech (benchmarks/bench_names.py): names are only corrected afterwards (sofacast.transcribe.known_names).
        # Whisper's own sequential decoding over chunks of about a minute, cut at pauses.
        whole = [Span(0.0, len(audio) / SAMPLE_RATE)]
        spans = None if speech is None else list(speech)
        chunks = plan_chunks(audio, options.chunk_seconds, spans=spans) if options.vad else whole
        for chunk in chunks:
            piece = audio[int(chunk.start * SAMPLE_RATE): int(chunk.end * SAMPLE_RATE)]
            result = self._model.transcribe(
                piece, language=options.language, beam_size=options.beam_size, best_of=options.beam_size,
                word_timestamps=options.word_timestamps, fp16=False, verbose=None,
            )
            for s in result["segments"]:
                yield Segment(
                    id=0, start=chunk.start + float(s["start"]), end=chunk.start + float(s["end"]), text=s["text"].strip(),
                    words=[Word(chunk.start + float(w["start"]), chunk.start + float(w["end"]), w["word"],
                                float(w.get("probability", 1.0))) for w in s.get("words", [])],
                )
