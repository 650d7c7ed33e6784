"""The README states the shipped model's facts as config.json has them: its quantization and its size."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BITS = {"q8": "8-bit weights", "q4": "4-bit weights", "q4e8": "4-bit weights", "q4h8": "4-bit weights"}


def test_readme_names_the_shipped_variant_and_size():
    readme = (ROOT / "README.md").read_text()
    cfg = json.loads((ROOT / "models" / "unmask-small" / "config.json").read_text())
    assert f"quantized to {BITS[cfg['variant']]} (`{cfg['variant']}`)" in readme
    size = re.search(r"downloads `model\.onnx` \(([0-9.]+) MB\)", readme)
    assert size, "README.md no longer gives the model's download size"
    assert float(size.group(1)) == round(cfg["files"]["model.onnx"]["bytes"] / 1e6, 1)
