"""What the training ran on, read from the machine rather than assumed (the card states it as measured)."""

from __future__ import annotations

import platform
from pathlib import Path


def cpu_facts() -> dict:
    """CPU model name and the matrix/vector extensions that matter for bf16 training on the CPU."""
    name, flags = platform.processor() or "unknown CPU", set()
    info = Path("/proc/cpuinfo")
    if info.exists():
        for line in info.read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and name in ("", "unknown CPU", platform.machine()):
                name = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = set(value.split())
    ext = [f for f in ("avx512f", "avx512_bf16", "amx_bf16", "amx_tile") if f in flags]
    return {"cpu": name, "extensions": ext}


def describe_cpu() -> str:
    f = cpu_facts()
    amx = (
        "with AMX-BF16"
        if "amx_bf16" in f["extensions"]
        else ("AVX-512 with bf16 dot products, no AMX" if "avx512_bf16" in f["extensions"] else "no bf16 matrix units")
    )
    return f"{f['cpu']} ({amx})"
