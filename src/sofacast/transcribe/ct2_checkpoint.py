"""Read a CTranslate2 Whisper `model.bin` and rewrite it as an openai-whisper checkpoint.

This lets both engines run the very same weights offline. The binary layout (CTranslate2's
model_spec serializer): uint32 format version, name string, uint32 revision, uint32 variable count,
then per variable: name, uint8 rank, uint32 dims, uint8 dtype, uint32 byte count, raw data;
then uint32 alias count and (alias, target) string pairs. Strings are uint16 length + UTF-8 + NUL.
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np

from sofacast.errors import ModelError

# CTranslate2 DataType ids -> numpy dtypes (bfloat16 is widened by hand below).
_DTYPES: dict[int, type[np.generic] | str] = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16, 5: "bfloat16"}

# CTranslate2 sub-module name -> openai-whisper sub-module name, inside one layer.
_LAYER_PARTS = {
    "self_attention/layer_norm": "attn_ln",
    "self_attention/linear_1": "attn.out",
    "attention/layer_norm": "cross_attn_ln",
    "attention/linear_0": "cross_attn.query",
    "attention/linear_2": "cross_attn.out",
    "ffn/layer_norm": "mlp_ln",
    "ffn/linear_0": "mlp.0",
    "ffn/linear_1": "mlp.2",
}
_SIMPLE = {
    "encoder/conv1": "encoder.conv1",
    "encoder/conv2": "encoder.conv2",
    "encoder/layer_norm": "encoder.ln_post",
    "decoder/layer_norm": "decoder.ln",
}
_PARAM = {"gamma": "weight", "beta": "bias", "weight": "weight", "bias": "bias"}


def read_ct2_variables(path: Path) -> dict[str, np.ndarray]:
    try:
        with path.open("rb") as handle:
            return _read(handle)
    except (struct.error, UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{path} is not a readable CTranslate2 model ({exc})", "Reinstall the model package.") from exc


def _read(handle: BinaryIO) -> dict[str, np.ndarray]:
    def number(fmt: str) -> int:
        return struct.unpack("<" + fmt, handle.read(struct.calcsize(fmt)))[0]

    def string() -> str:
        return handle.read(number("H"))[:-1].decode("utf-8")

    version = number("I")
    if version < 5:
        raise ValueError(f"format version {version} is too old")
    string()  # spec name, e.g. WhisperSpec
    number("I")  # spec revision
    variables: dict[str, np.ndarray] = {}
    for _ in range(number("I")):
        name = string()
        shape = [number("I") for _ in range(number("B"))]
        dtype = _DTYPES[number("B")]
        raw = handle.read(number("I"))
        if isinstance(dtype, str):  # bfloat16: numpy has none; its bits are a float32's upper half
            array = (np.frombuffer(raw, np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            array = np.frombuffer(raw, dtype)
        variables[name] = array.reshape(shape)
    for _ in range(number("I")):
        alias, target = string(), string()
        variables[alias] = variables[target]
    return variables


def _dequantized(variables: dict[str, np.ndarray], name: str) -> np.ndarray:
    value = variables[name]
    scale_name = name.rsplit("/", 1)[0] + "/weight_scale"
    if value.dtype == np.int8 and scale_name in variables:
        scale = variables[scale_name].astype(np.float32)
        return value.astype(np.float32) / scale.reshape(-1, *([1] * (value.ndim - 1)))
    return value.astype(np.float32)


def to_openai_state(variables: dict[str, np.ndarray]) -> tuple[dict[str, int], dict[str, np.ndarray]]:
    """Map CTranslate2 variable names onto openai-whisper's state dict (fused projections split)."""
    state: dict[str, np.ndarray] = {}
    for name in variables:
        if name.endswith("weight_scale") or not re.search(r"/(gamma|beta|weight|bias|encodings)$", name):
            continue
        value = _dequantized(variables, name)
        state.update(_map_variable(name, value))
    enc_layers = 1 + max(int(m.group(1)) for n in variables if (m := re.match(r"encoder/layer_(\d+)/", n)))
    dec_layers = 1 + max(int(m.group(1)) for n in variables if (m := re.match(r"decoder/layer_(\d+)/", n)))
    dims = {
        "n_mels": int(variables["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(variables["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(variables["encoder/position_encodings/encodings"].shape[1]),
        "n_audio_head": int(variables["encoder/num_heads"]),
        "n_audio_layer": enc_layers,
        "n_vocab": int(variables["decoder/embeddings/weight"].shape[0]),
        "n_text_ctx": int(variables["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(variables["decoder/embeddings/weight"].shape[1]),
        "n_text_head": int(variables["decoder/num_heads"]),
        "n_text_layer": dec_layers,
    }
    return dims, state


def _map_variable(name: str, value: np.ndarray) -> dict[str, np.ndarray]:
    if name == "encoder/position_encodings/encodings":
        return {"encoder.positional_embedding": value}
    if name == "decoder/position_encodings/encodings":
        return {"decoder.positional_embedding": value}
    if name in ("decoder/embeddings/weight",):
        return {"decoder.token_embedding.weight": value}
    if name.startswith("decoder/projection/"):
        return {}  # tied to the token embedding in openai-whisper
    module, param = name.rsplit("/", 1)
    if module in _SIMPLE:
        return {f"{_SIMPLE[module]}.{_PARAM[param]}": value}
    match = re.fullmatch(r"(encoder|decoder)/layer_(\d+)/(.+)", module)
    if not match:
        raise ModelError(f"unexpected variable {name} in the CTranslate2 model",
                         "Use a Whisper model converted by CTranslate2 4.x.")
    side, index, part = match.groups()
    prefix = f"{side}.blocks.{index}"
    if part == "self_attention/linear_0":
        return _split_fused(f"{prefix}.attn", ("query", "key", "value"), param, value)
    if part == "attention/linear_1":
        return _split_fused(f"{prefix}.cross_attn", ("key", "value"), param, value)
    return {f"{prefix}.{_LAYER_PARTS[part]}.{_PARAM[param]}": value}


def _split_fused(prefix: str, names: tuple[str, ...], param: str, value: np.ndarray) -> dict[str, np.ndarray]:
    parts = np.split(value, len(names), axis=0)
    out = {}
    for name, part in zip(names, parts, strict=True):
        if name == "key" and param == "bias":
            continue  # Whisper's key projections have no bias; CTranslate2 stores zeros there
        out[f"{prefix}.{name}.{param}"] = part
    return out


def alignment_heads(model_dir: Path) -> list[tuple[int, int]]:
    """The cross-attention heads used for word timestamps, from the model's config.json."""
    config = model_dir / "config.json"
    if not config.is_file():
        return []
    return [tuple(pair) for pair in json.loads(config.read_text()).get("alignment_heads", [])]
