"""One interface over the Whisper engines, and the table that names them."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Protocol

import numpy as np

from sofacast.errors import EngineError
from sofacast.media.vad import Span
from sofacast.records import Segment, TranscribeOptions
from sofacast.transcribe.models import ModelSource

DEFAULT_ENGINE = "faster-whisper"


def options_for_this_machine(engine: str = DEFAULT_ENGINE) -> TranscribeOptions:
    """Small Whisper models scale poorly across threads within one decode: a worker per core wins. The device and
    precision are the engine's best here (a GPU in float16 when it has one), and recorded with the transcript."""
    cores = max(1, min(os.cpu_count() or 1, 8))
    device, compute_type = _engine_module(engine).device_and_precision()
    return TranscribeOptions(workers=cores, threads_per_worker=1, device=device, compute_type=compute_type)


def whisper_languages() -> frozenset[str]:
    """The languages Whisper knows, by its own codes (faster-whisper's list, the same as openai-whisper's)."""
    from sofacast.transcribe.faster_whisper_engine import known_languages

    return known_languages()


class Engine(Protocol):
    name: str

    def transcribe(self, audio: np.ndarray, options: TranscribeOptions, names: Sequence[str] = (),
                   speech: Sequence[Span] | None = None) -> Iterator[Segment]:
        """Yield segments in time order as they are decoded (ids are assigned by the caller). `names`: the
        people the show and episode name, for an engine that can be told what to listen for. `speech`: the
        audio's voice activity, when the caller has found it already (the speaker stage uses it too)."""
        ...


# The CPU build of torch, installed before the extra so that pip never reaches for the CUDA one.
CPU_TORCH = "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"
# name -> (module, class, how to install it)
ENGINES: dict[str, tuple[str, str, str]] = {
    "faster-whisper": ("sofacast.transcribe.faster_whisper_engine", "FasterWhisperEngine", "Reinstall sofacast."),
    "openai-whisper": ("sofacast.transcribe.openai_whisper_engine", "OpenAIWhisperEngine",
                       f"Install torch's CPU build first, then the extra: {CPU_TORCH} && pip install 'sofacast[openai]'"),
}


def load_engine(name: str, model: ModelSource, options: TranscribeOptions) -> Engine:
    return getattr(_engine_module(name), ENGINES[name][1])(model, options)


def _engine_module(name: str) -> ModuleType:
    if name not in ENGINES:
        raise EngineError(f"unknown engine '{name}'", f"Choose one of: {', '.join(ENGINES)}.")
    module_name, _class_name, install = ENGINES[name]
    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        raise EngineError(f"the {name} engine is not installed ({exc.name} is missing)", install) from exc
