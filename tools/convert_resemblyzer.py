"""Turn resemblyzer's `pretrained.pt` into the `voice_encoder.npz` this package ships.

    python -m tools.convert_resemblyzer path/to/resemblyzer/pretrained.pt out.npz

Run once by a developer (the .pt comes from the Resemblyzer 0.1.4 wheel on PyPI); torch is not needed.
Only the network is kept: the optimizer state and the GE2E similarity scale are training leftovers.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np

from sofacast import atomic
from tools.torch_checkpoint import read_legacy_checkpoint


def convert(checkpoint: Path, target: Path) -> None:
    state = read_legacy_checkpoint(checkpoint)["model_state"]
    network = {name: array for name, array in sorted(state.items()) if name.startswith(("lstm.", "linear."))}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **network)
    atomic.write_bytes(target, buffer.getvalue())


if __name__ == "__main__":
    convert(Path(sys.argv[1]), Path(sys.argv[2]))
