"""The faster-whisper (CTranslate2) engine: int8 on CPU, parallel chunks, word timestamps."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from sofacast.errors import ModelError
from sofacast.media.ffmpeg import SAMPLE_RATE
from sofacast.media.vad import Span, plan_chunks
from sofacast.records import Segment, TranscribeOptions, Word
from sofacast.transcribe.models import ModelSource


class FasterWhisperEngine:
    name = "faster-whisper"

    def __init__(self, model: ModelSource, options: TranscribeOptions) -> None:
        from faster_whisper import WhisperModel

        if model.checkpoint is not None:
            raise ModelError(f"{model.checkpoint.name} is an openai-whisper checkpoint",
                             "Use --engine openai-whisper with it, or give faster-whisper a CTranslate2 model folder.")
        where = str(model.ct2_dir) if model.ct2_dir else model.hub_name
        try:
            self._model = WhisperModel(where, device="cpu", compute_type="int8",
                                       cpu_threads=options.threads_per_worker, num_workers=options.workers)
        except Exception as exc:  # the hub client and CTranslate2 raise many kinds
            raise ModelError(f"cannot load Whisper model '{model.name}' ({type(exc).__name__})",
                             "Leave --model out to use the bundled tiny.en, or give a CTranslate2 model folder.") from exc

    def transcribe(self, audio: np.ndarray, options: TranscribeOptions) -> Iterator[Segment]:
        chunks = plan_chunks(audio, options.chunk_seconds) if options.vad else [Span(0.0, len(audio) / SAMPLE_RATE)]
        with ThreadPoolExecutor(max_workers=options.workers) as pool:
            futures = [pool.submit(self._decode_chunk, audio, chunk, options) for chunk in chunks]
            try:
                for future in futures:
                    yield from future.result()
            finally:
                for future in futures:
                    future.cancel()

    def _decode_chunk(self, audio: np.ndarray, chunk: Span, options: TranscribeOptions) -> list[Segment]:
        piece = audio[int(chunk.start * SAMPLE_RATE): int(chunk.end * SAMPLE_RATE)]
        raw_segments, _info = self._model.transcribe(
            piece, language=options.language, beam_size=options.beam_size,
            word_timestamps=options.word_timestamps, vad_filter=False,
        )
        offset = chunk.start
        return [
            Segment(
                id=0, start=offset + float(s.start), end=offset + float(s.end), text=s.text.strip(),
                words=[Word(offset + float(w.start), offset + float(w.end), w.word, float(w.probability))
                       for w in (s.words or [])],
            )
            for s in raw_segments
        ]
