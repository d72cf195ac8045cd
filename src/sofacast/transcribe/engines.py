"""One interface over the Whisper engines, and the table that names them."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Protocol

import numpy as np

from sofacast.errors import EngineError
from sofacast.records import Segment
from sofacast.transcribe.models import ModelSource

DEFAULT_ENGINE = "faster-whisper"


@dataclass(frozen=True)
class TranscribeOptions:
    """Decoding settings. Stored in the transcript, so a change makes it out of date."""

    language: str = "en"
    beam_size: int = 5
    word_timestamps: bool = True
    vad: bool = True
    # Speech is cut at silences into chunks of about this many seconds, decoded `workers` at a time.
    chunk_seconds: float = 60.0
    workers: int = 2
    threads_per_worker: int = 1

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def for_this_machine(cls) -> TranscribeOptions:
        # Small Whisper models scale poorly across threads within one decode; a worker per core wins.
        cores = max(1, min(os.cpu_count() or 1, 8))
        return cls(workers=cores, threads_per_worker=1)


class Engine(Protocol):
    name: str

    def transcribe(self, audio: np.ndarray, options: TranscribeOptions) -> Iterator[Segment]:
        """Yield segments in time order as they are decoded (ids are assigned by the caller)."""
        ...


# name -> (module, class, pip extra that installs it)
ENGINES: dict[str, tuple[str, str, str]] = {
    "faster-whisper": ("sofacast.transcribe.faster_whisper_engine", "FasterWhisperEngine", ""),
    "openai-whisper": ("sofacast.transcribe.openai_whisper_engine", "OpenAIWhisperEngine", "openai"),
}


def load_engine(name: str, model: ModelSource, options: TranscribeOptions) -> Engine:
    if name not in ENGINES:
        raise EngineError(f"unknown engine '{name}'", f"Choose one of: {', '.join(ENGINES)}.")
    module_name, class_name, extra = ENGINES[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise EngineError(f"the {name} engine is not installed ({exc.name} is missing)",
                          f"Run: pip install 'sofacast[{extra}]'" if extra else "Reinstall sofacast.") from exc
    return getattr(module, class_name)(model, options)
