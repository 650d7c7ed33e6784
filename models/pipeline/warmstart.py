"""Warm start: the weights a new training run begins from, so CPU hours accumulate across sessions.

Two sources, best first:
  weights.pt   the state dict shipped beside the model (written by `ship`): matrices in 8 bits with a
               scale per row, norms in fp16: 6.9 MB for unmask-small instead of 13.6 MB in fp16,
               so a retrain (model + weights) grows the repository by about 15 MB. The rounding is
               about one optimizer step's change (KL 0.0006 nats from fp16 at masked slots, top-1 the
               same at 98 %). fp16 files written before still load.
  model.onnx   the shipped quantized graph, dequantized back to float (4- or 8-bit MatMulNBits and the
               8-bit embedding), for a model shipped before weights.pt existed. Lossy, but a few hundred
               steps recover it, far cheaper than the hours it took to train.
Optimizer state is not kept (it is twice the size of the weights); the run re-warms its learning rate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from .errors import PipelineError
from .model import Denoiser, ModelConfig
from .specials import MASK_ID


def _dequant_nbits(q: np.ndarray, scales: np.ndarray, k: int, bits: int = 4) -> np.ndarray:
    """MatMulNBits B [N, K/block, block*bits/8] uint8 and scales [N, K/block] -> weight [N, K], the layout
    of torch's Linear.weight. Symmetric, so the zero point is 2^(bits-1); 4-bit packs two values a
    byte, low nibble first."""
    if bits == 4:
        vals = np.stack([q & 0x0F, q >> 4], axis=-1).reshape(q.shape[0], q.shape[1], -1)
    elif bits == 8:
        vals = q
    else:
        raise PipelineError(f"MatMulNBits with {bits} bits: only 4 and 8 are dequantized")
    vals = vals.astype(np.float32) - float(1 << (bits - 1))
    return (vals * scales[:, :, None]).reshape(q.shape[0], -1)[:, :k]


def state_from_onnx(path: Path, cfg: ModelConfig) -> dict[str, torch.Tensor]:
    import onnx
    from onnx import numpy_helper

    m = onnx.load(str(path))
    # Graphs exported through export._Graph name their weights "model.<name>"; older ones "<name>".
    init = {i.name.removeprefix("model."): numpy_helper.to_array(i) for i in m.graph.initializer}
    for node in m.graph.node:
        node.input[:] = [x.removeprefix("model.") for x in node.input]
    state: dict[str, torch.Tensor] = {}
    for name, arr in init.items():
        if "norm" in name and name.endswith(".weight"):
            state[name] = torch.from_numpy(arr.astype(np.float32).copy())
    if "embed.weight" in init:
        state["embed.weight"] = torch.from_numpy(init["embed.weight"].astype(np.float32))
    else:
        zq = init["embed.weight_quantized"].astype(np.float32)
        state["embed.weight"] = torch.from_numpy(
            (zq - float(init["embed.weight_zero_point"])) * float(init["embed.weight_scale"])
        )
    # MatMulNBits nodes appear in graph order: per block qkv, proj, up, down; then the output head.
    linears = [n for n in m.graph.node if n.op_type == "MatMulNBits"]
    names = [f"blocks.{i}.{p}.weight" for i in range(cfg.n_layers) for p in ("qkv", "proj", "up", "down")]
    names.append("head.weight")
    if len(linears) != len(names):
        raise PipelineError(f"{path}: {len(linears)} quantized matmuls, expected {len(names)} for {cfg}")
    for node, name in zip(linears, names):
        attrs = {a.name: a.i for a in node.attribute}
        if len(node.input) > 3 and node.input[3]:
            raise PipelineError(
                f"{path}: {node.name} has zero points (asymmetric); this pipeline writes symmetric ones"
            )
        state[name] = torch.from_numpy(
            _dequant_nbits(init[node.input[1]], init[node.input[2]], attrs["K"], attrs.get("bits", 4))
        )
    return state


def holds_rounded(path: Path) -> bool:
    """True when the file stores 8-bit (or narrower) matrices: a shipped model.onnx or weights.pt."""
    path = Path(path)
    if path.suffix == ".onnx":
        import onnx

        m = onnx.load(str(path), load_external_data=False)
        return any(i.data_type != onnx.TensorProto.FLOAT for i in m.graph.initializer if len(i.dims) == 2)
    raw = torch.load(path, map_location="cpu", weights_only=True)
    return any(v.dtype == torch.int8 for v in raw.values())


def load_warm_start(path: Path, cfg: ModelConfig) -> dict[str, torch.Tensor]:
    """A full float32 state dict for `cfg` from weights.pt or model.onnx; a clear error otherwise."""
    path = Path(path)
    if not path.exists():
        raise PipelineError(f"warm-start file {path} does not exist")
    try:
        if path.suffix == ".onnx":
            state = state_from_onnx(path, cfg)
        else:
            state = read_weights(path)
    except PipelineError:
        raise
    except Exception as e:
        raise PipelineError(f"warm-start file {path} is unreadable ({type(e).__name__}: {e})") from e
    want = Denoiser(cfg).state_dict()
    missing = sorted(set(want) - set(state))
    if missing:
        raise PipelineError(f"warm-start file {path} lacks {missing[:4]}: it was made for another model")
    for k, v in want.items():
        if state[k].shape != v.shape:
            raise PipelineError(
                f"warm-start file {path}: {k} has shape {tuple(state[k].shape)}, the model needs {tuple(v.shape)}"
            )
    return {k: state[k] for k in want}


def dequantized_model(onnx_path: Path, cfg: ModelConfig) -> Denoiser:
    """The float model a quantized graph's weights dequantize into, ready to evaluate."""
    model = Denoiser(cfg)
    model.load_state_dict(load_warm_start(onnx_path, cfg))
    return model.eval()


def logits_side_by_side(onnx_path: Path, model: Denoiser, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(graph's logits, `model`'s logits) on the same random canvases, a third of them masked."""
    from .generate import onnx_logits, onnx_session, torch_logits

    ids = np.random.default_rng(seed).integers(3, model.cfg.vocab_size, size=(2, min(40, model.cfg.context)))
    ids[:, ::3] = MASK_ID
    return onnx_logits(onnx_session(onnx_path))(ids), torch_logits(model)(ids)


def dequantization_gap(onnx_path: Path, model: Denoiser) -> float:
    """Largest |logit| difference between a quantized graph and `model`, its dequantized weights. Near
    zero (float rounding only) when the dequantization is exact: the ONNX bound and the warm start from
    model.onnx rest on that."""
    ref, got = logits_side_by_side(onnx_path, model)
    return float(np.abs(ref - got).max())


SCALE = "::row_scale"  # key suffix of an 8-bit matrix's per-row scales


def _compact(name: str, v: torch.Tensor) -> dict[str, torch.Tensor]:
    """A matrix as int8 with one float32 scale per row (symmetric); anything else in fp16. Plain int8
    tensors, not torch's quantized tensors: those are deprecated, and a file must load in later torch."""
    v = v.detach().float().contiguous()
    if v.ndim != 2:
        return {name: v.to(torch.float16)}
    scale = (v.abs().amax(dim=1, keepdim=True) / 127.0).clamp_min(1e-12)
    return {name: torch.round(v / scale).to(torch.int8), name + SCALE: scale.squeeze(1)}


def save_state(state: dict[str, torch.Tensor], path: Path) -> int:
    """The weights file a later run warm-starts from; returns its size in bytes."""
    torch.save({k: t for name, v in state.items() for k, t in _compact(name, v).items()}, path)
    return path.stat().st_size


def save_weights(model: torch.nn.Module, path: Path) -> int:
    return save_state(model.state_dict(), path)


def read_weights(path: Path) -> dict[str, torch.Tensor]:
    """float32 tensors from a weights file: 8-bit matrices are dequantized; fp16 files (before 8-bit) load too."""
    raw = torch.load(path, map_location="cpu", weights_only=True)
    return {
        k: v.float() * raw[k + SCALE][:, None] if v.dtype == torch.int8 else v.float()
        for k, v in raw.items()
        if not k.endswith(SCALE)
    }
