"""Read a PyTorch checkpoint (`torch.save`, legacy non-zip format) into numpy arrays, without torch.

resemblyzer's `pretrained.pt` predates torch's zip format. The legacy file is a sequence of pickles:
magic number, protocol version, system info, the object itself (tensors refer to storages through
persistent ids), the list of storage keys, then each storage as int64 element count + raw bytes.
Only the classes a state dict needs are allowed through the unpickler.
"""

from __future__ import annotations

import collections
import pickle
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from sofacast.errors import ModelError

_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
}


@dataclass
class _Storage:
    dtype: Any
    numel: int
    data: np.ndarray | None = None


@dataclass
class _TensorRef:
    storage: _Storage
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]

    def to_numpy(self) -> np.ndarray:
        if self.storage.data is None:
            raise ModelError("checkpoint storage missing", "the .pt file is truncated; download it again")
        itemsize = self.storage.data.itemsize
        base = self.storage.data[self.offset:]
        view = np.lib.stride_tricks.as_strided(base, self.size, tuple(s * itemsize for s in self.stride))
        return np.array(view)


class _StorageType:
    def __init__(self, name: str) -> None:
        self.dtype = _STORAGE_DTYPES[name]


def _rebuild_tensor(storage: _Storage, offset: int, size: tuple, stride: tuple, *_: Any) -> _TensorRef:
    return _TensorRef(storage, offset, tuple(size), tuple(stride))


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: BinaryIO, storages: dict[str, _Storage]) -> None:
        super().__init__(file)
        self.storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        raise ModelError(f"checkpoint holds an unsupported object {module}.{name}",
                         "only plain state dicts of tensors can be read without torch")

    def persistent_load(self, saved_id: Any) -> _Storage:
        kind, storage_type, key, _location, numel, *_ = saved_id
        if kind != "storage":
            raise ModelError(f"checkpoint holds an unsupported persistent object {kind!r}", "re-save it as a state dict")
        return self.storages.setdefault(key, _Storage(storage_type.dtype, int(numel)))


def _materialize(value: Any) -> Any:
    if isinstance(value, _TensorRef):
        return value.to_numpy()
    if isinstance(value, dict):
        return {key: _materialize(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_materialize(item) for item in value)
    return value


def read_legacy_checkpoint(path: Path) -> Any:
    """The object saved in `path`, with every tensor turned into a numpy array."""
    with open(path, "rb") as file:
        try:
            if pickle.load(file) != _LEGACY_MAGIC:
                raise ModelError(f"{path} is not a legacy PyTorch checkpoint", "give the resemblyzer pretrained.pt file")
            pickle.load(file)  # protocol version
            pickle.load(file)  # system info (endianness, type sizes)
            storages: dict[str, _Storage] = {}
            saved = _Unpickler(file, storages).load()
            for key in pickle.load(file):
                storage = storages[key]
                (count,) = struct.unpack("<q", file.read(8))
                raw = file.read(count * np.dtype(storage.dtype).itemsize)
                storage.data = np.frombuffer(raw, dtype=storage.dtype, count=count)
        except (pickle.UnpicklingError, EOFError, struct.error, ValueError, KeyError) as exc:
            raise ModelError(f"cannot read checkpoint {path}: {exc}", "the file is damaged; download it again") from exc
    return _materialize(saved)
