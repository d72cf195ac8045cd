"""The faster-whisper (CTranslate2) engine: int8 on CPU, parallel chunks, word timestamps, names as hotwords.

Given the people's names as hotwords, tiny.en writes far more of them right, but now and then it skips a
stretch of speech in the chunk (on the sample recordings: a whole 11 s opening, a 23 s answer). Such a
chunk is caught by its word timings against the voice activity already found, and decoded again
without the names (benchmarks/bench_names.py measures all of it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from sofacast.errors import ModelError
from sofacast.media.ffmpeg import SAMPLE_RATE
from sofacast.media.vad import Span, plan_chunks, speech_seconds, speech_spans
from sofacast.records import Segment, TranscribeOptions, Word
from sofacast.transcribe.models import ModelSource

# Speech this long that no decoded word covers means the engine skipped it, not that it misheard it.
SKIPPED_SPEECH_SECONDS = 2.0


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

    def transcribe(self, audio: np.ndarray, options: TranscribeOptions, names: Sequence[str] = ()) -> Iterator[Segment]:
        whole = Span(0.0, len(audio) / SAMPLE_RATE)
        speech = speech_spans(audio) if options.vad or (names and options.name_hints) else [whole]
        chunks = plan_chunks(audio, options.chunk_seconds, spans=speech) if options.vad else [whole]
        hotwords = ", ".join(names) if names and options.name_hints else None
        with ThreadPoolExecutor(max_workers=options.workers) as pool:
            futures = [pool.submit(self._decode_chunk, audio, chunk, options, hotwords, speech) for chunk in chunks]
            try:
                for future in futures:
                    yield from future.result()
            finally:
                for future in futures:
                    future.cancel()

    def _decode_chunk(self, audio: np.ndarray, chunk: Span, options: TranscribeOptions, hotwords: str | None,
                      speech: list[Span]) -> list[Segment]:
        piece = audio[int(chunk.start * SAMPLE_RATE): int(chunk.end * SAMPLE_RATE)]
        segments = self._decode(piece, chunk.start, options, hotwords)
        if hotwords and skipped_speech(segments, chunk, speech):
            segments = self._decode(piece, chunk.start, options, None)
        return segments

    def _decode(self, piece: np.ndarray, offset: float, options: TranscribeOptions, hotwords: str | None) -> list[Segment]:
        raw_segments, _info = self._model.transcribe(
            piece, language=options.language, beam_size=options.beam_size,
            word_timestamps=options.word_timestamps, vad_filter=False, hotwords=hotwords,
        )
        return [
            Segment(
                id=0, start=offset + float(s.start), end=offset + float(s.end), text=s.text.strip(),
                words=[Word(offset + float(w.start), offset + float(w.end), w.word, float(w.probability))
                       for w in (s.words or [])],
            )
            for s in raw_segments
        ]


def skipped_speech(segments: Sequence[Segment], chunk: Span, speech: list[Span]) -> bool:
    """Whether some stretch between the decoded words (or segments, without word timings) holds speech
    that nothing decoded covers."""
    heard = [(w.start, w.end) for s in segments for w in s.words] or [(s.start, s.end) for s in segments]
    edges = [chunk.start, *(t for span in heard for t in span), chunk.end]
    gaps = [(edges[i], edges[i + 1]) for i in range(0, len(edges) - 1, 2)]
    return any(speech_seconds(speech, start, end) >= SKIPPED_SPEECH_SECONDS
               for start, end in gaps if end - start >= SKIPPED_SPEECH_SECONDS)

