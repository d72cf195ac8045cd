"""Turn resemblyzer's `pretrained.pt` into the `voice_encoder.onnx` this package ships.

    python -m tools.convert_resemblyzer path/to/resemblyzer/pretrained.pt out.onnx

Run once by a developer (the .pt comes from the Resemblyzer 0.1.4 wheel on PyPI); torch is not needed,
the `onnx` package is (it is in the `test` extra). Only the network is kept: the optimizer state and the
GE2E similarity scale are training leftovers. A `.npz` of the same tensors (what earlier versions shipped)
is accepted as the input too.

The graph is written by hand with onnx.helper rather than exported from torch: three ONNX LSTM nodes,
the linear layer, ReLU and an L2 normalization. ONNX Runtime (installed with faster-whisper) runs it
about three times faster than the same LSTM written in numpy.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from sofacast import atomic
from tools.torch_checkpoint import read_legacy_checkpoint

LAYERS = 3
HIDDEN = 256
MEL_BANDS = 40
OPSET = 17


def read_network(source: Path) -> dict[str, np.ndarray]:
    if source.suffix == ".npz":
        with np.load(source) as archive:
            return {name: archive[name] for name in archive.files}
    state = read_legacy_checkpoint(source)["model_state"]
    return {name: np.asarray(array, np.float32) for name, array in state.items() if name.startswith(("lstm.", "linear."))}


def _onnx_gates(matrix: np.ndarray) -> np.ndarray:
    """torch.nn.LSTM stacks its gates i, f, g, o; ONNX's LSTM expects i, o, f, c (c is torch's g)."""
    i, f, g, o = np.split(matrix, 4, axis=0)
    return np.concatenate([i, o, f, g], axis=0)


def encoder_graph(network: dict[str, np.ndarray]):
    from onnx import TensorProto, helper, numpy_helper

    nodes, weights = [], []
    # mels: (batch, frames, 40) -> ONNX LSTM's (frames, batch, 40).
    nodes.append(helper.make_node("Transpose", ["mels"], ["sequence0"], perm=[1, 0, 2]))
    for layer in range(LAYERS):
        names = [f"W{layer}", f"R{layer}", f"B{layer}"]
        bias = np.concatenate([_onnx_gates(network[f"lstm.bias_ih_l{layer}"]), _onnx_gates(network[f"lstm.bias_hh_l{layer}"])])
        for name, value in zip(names, (_onnx_gates(network[f"lstm.weight_ih_l{layer}"]),
                                       _onnx_gates(network[f"lstm.weight_hh_l{layer}"]), bias), strict=True):
            weights.append(numpy_helper.from_array(value[None].astype(np.float32), name))
        nodes.append(helper.make_node("LSTM", [f"sequence{layer}", *names], [f"all{layer}", f"last{layer}"], hidden_size=HIDDEN))
        if layer < LAYERS - 1:  # (frames, 1 direction, batch, hidden) -> (frames, batch, hidden)
            nodes.append(helper.make_node("Squeeze", [f"all{layer}", "axis1"], [f"sequence{layer + 1}"]))
    weights += [numpy_helper.from_array(np.array([1], np.int64), "axis1"),
                numpy_helper.from_array(np.array([0], np.int64), "axis0"),
                numpy_helper.from_array(network["linear.weight"].astype(np.float32), "linear_weight"),
                numpy_helper.from_array(network["linear.bias"].astype(np.float32), "linear_bias"),
                numpy_helper.from_array(np.array(1e-9, np.float32), "epsilon")]
    nodes += [
        helper.make_node("Squeeze", [f"last{LAYERS - 1}", "axis0"], ["hidden"]),  # the last layer's final state
        helper.make_node("Gemm", ["hidden", "linear_weight", "linear_bias"], ["projected"], transB=1),
        helper.make_node("Relu", ["projected"], ["raw"]),
        helper.make_node("ReduceL2", ["raw"], ["norm"], axes=[1], keepdims=1),
        helper.make_node("Max", ["norm", "epsilon"], ["safe_norm"]),
        helper.make_node("Div", ["raw", "safe_norm"], ["embedding"]),
    ]
    graph = helper.make_graph(
        nodes, "ge2e_voice_encoder",
        [helper.make_tensor_value_info("mels", TensorProto.FLOAT, ["batch", "frames", MEL_BANDS])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", HIDDEN])], weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="sofacast")
    model.ir_version = 8  # readable by every onnxruntime faster-whisper accepts
    return model


def convert(source: Path, target: Path) -> None:
    from onnx import checker

    model = encoder_graph(read_network(source))
    checker.check_model(model)
    atomic.write_bytes(target, model.SerializeToString())


if __name__ == "__main__":
    convert(Path(sys.argv[1]), Path(sys.argv[2]))
