"""The one module that runs ffmpeg (from the imageio-ffmpeg wheel: no system ffmpeg or ffprobe)."""

from __future__ import annotations

import ctypes
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import numpy as np

from sofacast import faults
from sofacast.errors import MediaError

SAMPLE_RATE = 16_000

# Audio codecs that can be copied out of a video container without re-encoding, and the file
# extension podcast apps expect for each.
_COPYABLE_AUDIO = {"aac": ".m4a", "mp3": ".mp3", "opus": ".opus", "vorbis": ".ogg", "flac": ".flac"}


@dataclass(frozen=True)
class MediaInfo:
    duration: float | None
    audio_codec: str | None
    has_video: bool
    channels: int


@cache
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn that makes the child get SIGKILL when sofacast dies, however it dies (Linux prctl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (AttributeError, OSError):
        return None
    set_parent_death_signal = 1

    def arm() -> None:
        prctl(set_parent_death_signal, signal.SIGKILL)

    return arm


_ARM = _die_with_parent()


def _arg(path: Path) -> str:
    # Absolute, so that no file name can be read as an option ("-i…") or a protocol ("concat:…").
    return str(Path(path).absolute())


def _run(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    with subprocess.Popen([ffmpeg_exe(), "-hide_banner", "-nostdin", *args],
                          stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_ARM) as process:
        faults.checkpoint("ffmpeg:running")
        out, err = process.communicate(stdin)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _last_error_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1][:200] if lines else "ffmpeg failed"


def probe(path: Path) -> MediaInfo:
    """Read duration and streams from `ffmpeg -i` (ffprobe is not shipped in the wheel)."""
    _require_file(path)
    text = _run(["-i", _arg(path)]).stderr.decode("utf-8", "replace")
    audio = re.search(r"Stream #\S+.*?: Audio: (\w+)[^\n]*", text)
    if not audio:
        reason = "no audio stream" if "Stream #" in text else _last_error_line(text.encode())
        raise MediaError(f"{path.name} holds no playable audio ({reason})",
                         "Pull the episode again, or point to an audio or video file.")
    duration = re.search(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", text)
    seconds = None
    if duration:
        h, m, s = duration.groups()
        seconds = int(h) * 3600 + int(m) * 60 + float(s)
    line = audio.group(0)
    channels = 1 if " mono" in line else 2 if "stereo" in line else _channel_count(line)
    return MediaInfo(seconds, audio.group(1), bool(re.search(r"Stream #\S+.*?: Video: (?!mjpeg|png)", text)), channels)


# Container tags that say when a recording was made, as ffmpeg names them, and how to tell the producer.
_DATE_TAGS = (("date", "date tag"), ("creation_time", "creation_time"), ("year", "year tag"))


def recorded_date(path: Path) -> tuple[str, str] | None:
    """The recording's date from the file's own tags (an ID3 date, an MP4 creation_time, a Vorbis DATE) and
    which tag gave it; None when the file carries none that parses."""
    _require_file(path)
    text = _run(["-i", _arg(path)]).stderr.decode("utf-8", "replace")
    header = text.split("Duration:", 1)[0]  # the container's tags; the streams' come after
    for key, label in _DATE_TAGS:
        found = re.search(rf"^\s+{key}\s*:\s*(\S[^\n]*)$", header, re.MULTILINE | re.IGNORECASE)
        value = found.group(1).strip() if found else ""
        parsed = _tag_date(value)
        if parsed:
            return parsed, label
    return None


def _tag_date(value: str) -> str:
    if re.fullmatch(r"(19|20)\d\d", value):  # a year alone (ID3v2.3 TYER) says too little to date an episode by
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.year < 1970 or (moment.tzinfo is None and len(value) == 10):
        return moment.date().isoformat() if moment.year >= 1970 else ""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat(timespec="seconds")


def _channel_count(stream_line: str) -> int:
    match = re.search(r"(\d+) channels", stream_line)
    return int(match.group(1)) if match else 2


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise MediaError(f"media file {path} is missing", "Pull the episode again with 'sofacast pull SOURCE --force'.")
    if path.stat().st_size == 0:
        raise MediaError(f"media file {path} is empty", "Pull the episode again with 'sofacast pull SOURCE --force'.")


def _pcm(path: Path, sample_rate: int, channels: int, input_options: list[str]) -> subprocess.CompletedProcess[bytes]:
    """`path` decoded to 16-bit PCM on stdout; `input_options` go before -i (threads, or -ss/-t for a part)."""
    return _run([*input_options, "-i", _arg(path), "-vn", "-f", "s16le", "-acodec", "pcm_s16le",
                 "-ac", str(channels), "-ar", str(sample_rate), "-"])


def decode(path: Path, sample_rate: int = SAMPLE_RATE, channels: int = 1) -> np.ndarray:
    """Decode to float32 in [-1, 1]: shape (samples,) for mono, (samples, channels) otherwise."""
    _require_file(path)
    result = _pcm(path, sample_rate, channels, ["-threads", "0"])
    if result.returncode != 0:
        raise _undecodable(path, result.stderr)
    audio = np.frombuffer(result.stdout, np.int16).astype(np.float32) / 32768.0
    _require_audio(path, audio.size, sample_rate, channels)
    return audio if channels == 1 else audio.reshape(-1, channels)


def stream(path: Path, sample_rate: int = SAMPLE_RATE, channels: int = 1, block_seconds: float = 30.0) -> Iterator[np.ndarray]:
    """Decode block by block: float32 (samples, channels), so a long episode's PCM is never held twice."""
    _require_file(path)
    block_bytes = int(block_seconds * sample_rate) * channels * 2
    produced = 0
    with tempfile.TemporaryFile() as errors, subprocess.Popen(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-threads", "0", "-i", _arg(path), "-vn",
             "-f", "s16le", "-acodec", "pcm_s16le", "-ac", str(channels), "-ar", str(sample_rate), "-"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, preexec_fn=_ARM) as process:
        assert process.stdout is not None
        faults.checkpoint("ffmpeg:running")
        while data := process.stdout.read(block_bytes):
            samples = np.frombuffer(data[:len(data) // (2 * channels) * 2 * channels], np.int16)
            produced += len(samples)
            yield (samples.astype(np.float32) / np.float32(32768.0)).reshape(-1, channels)
        process.wait()
        errors.seek(0)
        if process.returncode != 0:
            raise _undecodable(path, errors.read())
    _require_audio(path, produced, sample_rate, channels)


def _undecodable(path: Path, stderr: bytes) -> MediaError:
    return MediaError(f"cannot decode {path.name}: {_last_error_line(stderr)}",
                      "The file is corrupt or not audio; pull the episode again with --force.")


def _require_audio(path: Path, samples: int, sample_rate: int, channels: int) -> None:
    """A tenth of a second at least: less is an empty or truncated file, not an episode."""
    if samples < sample_rate // 10 * channels:
        raise MediaError(f"{path.name} holds no audio (decoded {samples / sample_rate / channels:.2f} s)",
                         "The file is empty or truncated; pull the episode again with --force.")


def check_playable(path: Path, seconds: float = 5.0) -> MediaInfo:
    """Decode a few seconds at the start and near the end: refuse what no player could play."""
    info = probe(path)
    if not info.duration or info.duration < 0.1:
        raise MediaError(f"{path.name} holds no audio (it lasts {info.duration or 0:.2f} s)",
                         "Point to a recording that plays in a media player.")
    starts = [0.0] + ([info.duration - 2 * seconds] if info.duration > 4 * seconds else [])
    for start in starts:
        result = _pcm(path, SAMPLE_RATE, 1, ["-ss", f"{start:.3f}", "-t", f"{seconds:.3f}"])
        decoded = len(result.stdout) / 2 / SAMPLE_RATE
        if result.returncode != 0 or decoded < min(0.1, info.duration / 2):
            where = ("from its start" if start == 0
                     else f"at {int(start) // 60}:{int(start) % 60:02d} of the {info.duration:.0f} s it claims")
            raise MediaError(f"{path.name} does not play: no audio could be decoded {where} ({_last_error_line(result.stderr)})",
                             "The file is damaged or truncated; download it again or point to another copy.")
    return info


def extract_audio(source: Path, target_stem: Path) -> Path:
    """Write the audio track of `source` (e.g. a video) beside `target_stem`; copy it when the codec allows."""
    info = probe(source)
    suffix = _COPYABLE_AUDIO.get(info.audio_codec or "")
    codec_args = ["-c:a", "copy"] if suffix else ["-c:a", "aac", "-b:a", "128k"]
    target = target_stem.with_suffix(suffix or ".m4a")
    result = _run(["-y", "-i", _arg(source), "-vn", "-map", "0:a:0", *codec_args, _arg(target)])
    if result.returncode != 0:
        raise MediaError(f"cannot extract the audio of {source.name}: {_last_error_line(result.stderr)}",
                         "Check the file plays in a media player, then pull it again.")
    return target


def encode(samples: np.ndarray, target: Path, sample_rate: int = SAMPLE_RATE, bitrate: str = "64k") -> Path:
    """Encode float32 samples (mono or (n, channels)) to a file whose format follows its suffix."""
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    proc = _run(["-y", "-f", "s16le", "-ar", str(sample_rate), "-ac", str(channels), "-i", "-", "-b:a", bitrate, _arg(target)],
                stdin=pcm)
    if proc.returncode != 0:
        raise MediaError(f"cannot encode {target.name}: {_last_error_line(proc.stderr)}",
                         "Choose an .mp3, .m4a, .ogg or .wav name.")
    return target


def _programme_graph(inputs: int, channels: int, sample_rate: int) -> str:
    """Every input as float samples at the output's rate and channels, then joined end to end, as [programme]."""
    layout = "mono" if channels == 1 else "stereo"
    parts = [f"[{i}:a:0]aformat=sample_fmts=fltp:sample_rates={sample_rate}:channel_layouts={layout}[in{i}]"
             for i in range(inputs)]
    joined = "".join(f"[in{i}]" for i in range(inputs))
    return ";".join([*parts, f"{joined}concat=n={inputs}:v=0:a=1[programme]"])


@dataclass(frozen=True)
class Excerpt:
    """`seconds` of `path` from `start`: a stretch of a long recording, read without decoding what comes before."""

    path: Path
    start: float
    seconds: float


def _programme_inputs(parts: Sequence[Path | Excerpt]) -> list[str]:
    args: list[str] = []
    for part in parts:
        if isinstance(part, Excerpt):
            _require_file(part.path)
            args += ["-ss", f"{part.start:.3f}", "-t", f"{part.seconds:.3f}", "-i", _arg(part.path)]
        else:
            _require_file(part)
            args += ["-i", _arg(part)]
    return args


def measure_programme(parts: Sequence[Path | Excerpt], channels: int, sample_rate: int = 44100, filters: str = "") -> float:
    """Integrated loudness (LUFS, EBU R128 by ffmpeg's ebur128) of `parts` played end to end (through `filters`),
    in one decode, no encode; -99 for silence."""
    shaped = f"{filters}," if filters else ""
    graph = (_programme_graph(len(parts), channels, sample_rate)
             + f";[programme]{shaped}ebur128=framelog=quiet[measured]")
    result = _run(["-loglevel", "info", "-nostats", *_programme_inputs(parts), "-filter_complex", graph,
                   "-map", "[measured]", "-f", "null", "-"])
    summary = result.stderr.decode("utf-8", "replace").rpartition("Summary:")[2]
    integrated = re.search(r"\bI:\s+(-?[\d.]+|-inf) LUFS", summary)
    if result.returncode != 0 or not integrated:
        first = parts[0].path if isinstance(parts[0], Excerpt) else parts[0]
        raise MediaError(f"cannot measure the loudness of {first.name}: {_last_error_line(result.stderr)}",
                         "Check that the episode's media and the intro/outro clips play in a media player.")
    return -99.0 if integrated.group(1) == "-inf" else float(integrated.group(1))


def encode_programme(parts: Sequence[Path | Excerpt], target: Path, bitrate: str, channels: int, filters: str,
                     sample_rate: int = 44100) -> None:
    """Encode `parts` played end to end through `filters` to `target` (its suffix gives the format), in one pass."""
    graph = _programme_graph(len(parts), channels, sample_rate) + f";[programme]{filters}[out]"
    result = _run(["-y", *_programme_inputs(parts), "-filter_complex", graph, "-map", "[out]", "-ar", str(sample_rate),
                   "-ac", str(channels), "-b:a", bitrate, _arg(target)])
    if result.returncode != 0:
        raise MediaError(f"cannot encode {target.name}: {_last_error_line(result.stderr)}",
                         "Check that the episode's media and the intro/outro clips play in a media player.")


def gain_and_true_peak_limit(gain_db: float, ceiling_dbtp: float, sample_rate: int = 44100, oversampling: int = 4) -> str:
    """Filters that raise the level by `gain_db` and hold true peaks under `ceiling_dbtp`.

    The limiter runs on 4x oversampled audio, as BS.1770 measures true peak, so peaks between samples
    are caught too; it never raises the level itself (level=0) and compensates its look-ahead delay,
    so chapter times stay where they were.
    """
    level_in = min(64.0, max(1 / 64, 10 ** (gain_db / 20)))
    limit = min(1.0, max(0.0625, 10 ** (ceiling_dbtp / 20)))
    return (f"aresample={sample_rate * oversampling},"
            f"alimiter=level_in={level_in:.6f}:limit={limit:.6f}:attack=5:release=50:level=0:latency=1,"
            f"aresample={sample_rate}")
