"""The GPU call rehearsed on the CPU: the exact `train_gpu.sh run` command with PRESET=tiny, checked
against the device's return limits, then reassembled and shipped here, and refused when damaged."""

import json
import os
import subprocess
from pathlib import Path

from pipeline.__main__ import main
from pipeline.prepare import prepare
from pipeline.tokenizer import train_tokenizer, write_shards

SCRIPT = Path(__file__).resolve().parents[1] / "train_gpu.sh"
MAX_FILES, MAX_FILE, MAX_TOTAL = 8, 16 * 1024 * 1024, 64 * 1024 * 1024


def sh(*args, env):
    return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=900)


def test_gpu_run_rehearsal_returns_within_limits_and_ships(tiny_corpus, tmp_path):
    pack = tmp_path / "pack"
    prepare(tiny_corpus, pack, weights={"ChiLit": 1.0, "Grimm": 1.0}, val_fraction=0.3)
    train_tokenizer(pack, vocab_size=300)
    write_shards(pack)
    # Small parts, so reassembly from several parts is exercised too.
    env = os.environ | {"BUNDLE": str(tmp_path / "bundle"), "PRESET": "tiny", "PART_BYTES": "200000"}
    r = sh("pack", env=env | {"RUN": str(pack)})
    assert r.returncode == 0, r.stderr
    out = tmp_path / "out"
    r = sh("run", str(out), env=env | {"RUN": str(tmp_path / "gpurun")})
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    for phase in ("preflight", "trained", "quantized", "evaluated"):
        assert f"== {phase}" in r.stdout
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) <= MAX_FILES and all(p.stat().st_size <= MAX_FILE for p in files)
    assert sum(p.stat().st_size for p in files) <= MAX_TOTAL
    assert len([p for p in files if p.name.startswith("result.part")]) >= 2
    # Only the bound is measured on the device (seconds on a GPU); the quality is measured by `ship`.
    returned = json.loads((tmp_path / "gpurun" / "evaluate.json").read_text())
    assert returned["bound_of_onnx"]["nats_per_token"] > 0 and "defaults_quality" not in returned
    models = tmp_path / "models"
    r = sh("ship", str(out), env=env | {"RUN": str(pack), "SHIP_OUT": str(models)})
    assert r.returncode == 0, r.stderr
    cfg = json.loads((models / "unmask-base" / "config.json").read_text())
    assert cfg["variant"] == "q4h8" and cfg["evaluation"]["bits_per_byte"] > 0
    ev = json.loads((pack / "evaluate.json").read_text())
    assert ev["bound"] == returned["bound"] and ev["defaults_quality"]["samples"] == 256
    assert ev["model"] == "onnx model_q4h8.onnx"
    # The quality part samples the file the bound measured, and no other.
    assert main(["evaluate", "--run", str(pack), "--part", "quality", "--onnx", str(pack / "model_q4e8.onnx")]) == 2
    assert cfg["files"]["model.onnx"]["bytes"] == (models / "unmask-base" / "model.onnx").stat().st_size
    # No checkpoint comes back: the next run warm-starts from model.onnx, and no weights.pt pretends otherwise.
    assert cfg["training"]["weights_pt"] == {"from": "model.onnx"}
    assert not (models / "unmask-base" / "weights.pt").exists()

    # A damaged or missing part ships nothing.
    part = sorted(out.glob("result.part*"))[-1]
    part.write_bytes(part.read_bytes()[:-1])
    r = sh("ship", str(out), env=env | {"RUN": str(pack), "SHIP_OUT": str(tmp_path / "m2")})
    assert r.returncode == 4 and "nothing shipped" in r.stderr
    part.unlink()
    r = sh("ship", str(out), env=env | {"RUN": str(pack), "SHIP_OUT": str(tmp_path / "m2")})
    assert r.returncode == 4 and not (tmp_path / "m2").exists()
