"""The faster-whisper (CTranslate2) engine: int8 on CPU, speech packed into full windows, word timestamps.

Speech (one voice-activity pass, shared with the speaker stage) is packed into windows of up to 30 s,
each starting and ending in a pause, and each window is decoded once by faster-whisper's batched
pipeline, one window per call on each of `workers` single-thread workers; sequential decoding instead
re-encodes from the last timestamp it reached. Windows are decoded without timestamp tokens: with
them, Whisper leaves a window's last sentence for a next window that never comes (it did in 5 of the 9
windows of the benchmark interview), and one segment per window is then cut into sentences.

Where a window ends decides which words survive: Whisper hears each window on its own, and a window cut at a
breath inside a sentence (where 30 s happened to run out) lost the words on both sides of the cut — 18 words
of samples/recordings/undersea-cables.mp3, a short answer at the end of a window of the benchmark interview.
So a full window ends at the longest pause in its later half (media/vad.py `pack_windows`, measured in the
audio where Silero's padded spans touch). With that, words deleted over the sample recordings and real speech
fell from 52 to 32 (faster-whisper sequential: 36); what is left is mostly tiny.en mishearing, which moves by
a few points either way with any change of window edges (benchmarks/bench_transcribe.py).

Given the people's names as hotwords, tiny.en now and then skips a stretch of speech (on the sample
recordings: an 11 s opening, a 23 s answer). So every stretch of speech that no decoded word covers is
decoded again on its own, without the names, until each is covered or the retries run out.
benchmarks/bench_transcribe.py and bench_names.py measure all of it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from sofacast.errors import ModelError
from sofacast.media.ffmpeg import SAMPLE_RATE
from sofacast.media.vad import WINDOW_SECONDS, Span, pack_windows, speech_seconds, speech_spans
from sofacast.records import Segment, TranscribeOptions, Word
from sofacast.sentences import split_sentences
from sofacast.transcribe.models import ModelSource

# Speech this long that no decoded word covers means the engine skipped it, not that it misheard it.
SKIPPED_SPEECH_SECONDS = 2.0
# Rounds of decoding skipped stretches again; each round is only the speech still uncovered.
RETRIES = 2


class FasterWhisperEngine:
    name = "faster-whisper"

    def __init__(self, model: ModelSource, options: TranscribeOptions) -> None:
        from faster_whisper import WhisperModel

        if model.checkpoint is not None:
            raise ModelError(f"{model.checkpoint.name} is an openai-whisper checkpoint",
                             "Use --engine openai-whisper with it, or give faster-whisper a CTranslate2 model folder.")
        where = str(model.ct2_dir) if model.ct2_dir else model.hub_name
        try:
            self._model = WhisperModel(where, device=options.device, compute_type=options.compute_type,
                                       cpu_threads=options.threads_per_worker, num_workers=options.workers)
        except Exception as exc:  # the hub client and CTranslate2 raise many kinds
            raise ModelError(f"cannot load Whisper model '{model.name}' ({type(exc).__name__})",
                             "Leave --model out to use the bundled tiny.en, or give a CTranslate2 model folder.") from exc
        self._per_thread = threading.local()

    def transcribe(self, audio: np.ndarray, options: TranscribeOptions, names: Sequence[str] = (),
                   speech: Sequence[Span] | None = None) -> Iterator[Segment]:
        """`speech`: the audio's voice activity when the caller has found it already."""
        hotwords = ", ".join(names) if names and options.name_hints else None
        spans = list(speech) if speech is not None else self._speech(audio, options, hotwords)
        windows = pack_windows(spans, audio=audio) if options.vad else [Span(0.0, len(audio) / SAMPLE_RATE)]
        with ThreadPoolExecutor(max_workers=options.workers) as pool:
            futures = [pool.submit(self._decode_window, audio, window, options, hotwords, spans) for window in windows]
            try:
                for future in futures:
                    yield from future.result()
            finally:
                for future in futures:
                    future.cancel()

    @staticmethod
    def _speech(audio: np.ndarray, options: TranscribeOptions, hotwords: str | None) -> list[Span]:
        """Without voice activity or names, nothing is checked for skipped speech: Whisper alone decides."""
        return speech_spans(audio) if options.vad or hotwords else []

    def _decode_window(self, audio: np.ndarray, window: Span, options: TranscribeOptions, hotwords: str | None,
                       speech: list[Span]) -> list[Segment]:
        decode = self._decode_batched if window.end - window.start <= WINDOW_SECONDS else self._decode_sequential
        segments = decode(audio, window, options, hotwords)
        for _round in range(RETRIES):
            missed = skipped_stretches(segments, window, speech)
            if not missed:
                break
            for stretch in missed:
                segments += decode(audio, stretch, options, None)
            segments.sort(key=lambda segment: (segment.start, segment.end))
        return segments

    def _decode_batched(self, audio: np.ndarray, window: Span, options: TranscribeOptions, hotwords: str | None) -> list[Segment]:
        """One window through the batched pipeline, which never re-encodes and keeps times absolute."""
        raw_segments, _info = self._pipeline().transcribe(
            audio, language=options.language, beam_size=options.beam_size, word_timestamps=options.word_timestamps,
            vad_filter=False, clip_timestamps=[{"start": window.start, "end": window.end}], batch_size=1,
            hotwords=hotwords, without_timestamps=True,
        )
        # Without timestamp tokens a window is one segment; its sentences are the segments Whisper would make.
        return split_sentences([_segment(s, 0.0) for s in raw_segments])

    def _decode_sequential(self, audio: np.ndarray, span: Span, options: TranscribeOptions,
                           hotwords: str | None) -> list[Segment]:
        """Audio longer than a window (voice activity off): Whisper's own sliding decoding."""
        piece = audio[int(span.start * SAMPLE_RATE): int(span.end * SAMPLE_RATE)]
        raw_segments, _info = self._model.transcribe(
            piece, language=options.language, beam_size=options.beam_size,
            word_timestamps=options.word_timestamps, vad_filter=False, hotwords=hotwords,
        )
        return [_segment(s, span.start) for s in raw_segments]

    def _pipeline(self):
        """A pipeline per thread: it keeps per-call state, and the model serves `workers` threads at once."""
        pipeline = getattr(self._per_thread, "pipeline", None)
        if pipeline is None:
            from faster_whisper import BatchedInferencePipeline

            pipeline = self._per_thread.pipeline = BatchedInferencePipeline(self._model)
        return pipeline


def _segment(raw, offset: float) -> Segment:
    return Segment(
        id=0, start=offset + float(raw.start), end=offset + float(raw.end), text=raw.text.strip(),
        words=[Word(offset + float(w.start), offset + float(w.end), w.word, float(w.probability)) for w in (raw.words or [])],
    )


def skipped_stretches(segments: Sequence[Segment], window: Span, speech: list[Span]) -> list[Span]:
    """The stretches between decoded words (or segments, without word timings) that hold speech nothing
    decoded covers, each trimmed to its speech."""
    heard = sorted((w.start, w.end) for s in segments for w in s.words) or sorted((s.start, s.end) for s in segments)
    edges = [window.start, *(t for span in heard for t in span), window.end]
    stretches = []
    for start, end in zip(edges[0::2], edges[1::2], strict=True):
        if end - start >= SKIPPED_SPEECH_SECONDS and speech_seconds(speech, start, end) >= SKIPPED_SPEECH_SECONDS:
            inside = [s for s in speech if s.end > start and s.start < end]
            stretches.append(Span(max(start, inside[0].start), min(end, inside[-1].end)))
    return stretches


def device_and_precision() -> tuple[str, str]:
    """A GPU when CTranslate2 sees one (in float16, as faster-whisper runs it there), else the CPU in int8: a cluster's
    GPU workers use their GPU with no option to set. Recorded with each transcript (TranscribeOptions.device and
    compute_type), and what the model is loaded with. (Not tried here: this machine has no GPU.)"""
    import ctranslate2

    try:
        gpus = ctranslate2.get_cuda_device_count()
    except (RuntimeError, OSError):  # a CUDA runtime that is installed but cannot start
        gpus = 0
    return ("cuda", "float16") if gpus > 0 else ("cpu", "int8")


def known_languages() -> frozenset[str]:
    """The languages Whisper knows, by its own codes."""
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return frozenset(_LANGUAGE_CODES)
