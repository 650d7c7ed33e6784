"""Comparisons that do not depend on the CPU's floating-point path: ids and other integers exactly, floats
within a stated tolerance (numpy's vector kernels, ORT's and torch's round differently on AVX2, AVX-512
and AMX machines), and top-1 only where the margin exceeds what that tolerance could flip."""

from __future__ import annotations

import math

import numpy as np

# The share of cases that must be compared in full when near ties are set aside.
MIN_CLEAR_SHARE = 0.8


def diff_tree(a, b, rel: float, abs_: float, path: str = "") -> str | None:
    """Where two JSON-like values differ beyond the tolerance (None if nowhere). bool, int and str: exactly."""
    if isinstance(a, float) or isinstance(b, float):
        ok = isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool)
        if ok and math.isclose(a, b, rel_tol=rel, abs_tol=abs_):
            return None
        return f"{path or '.'}: {a!r} vs {b!r}"
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{path or '.'}: keys {sorted(a)} vs {sorted(b)}"
        for k in a:
            d = diff_tree(a[k], b[k], rel, abs_, f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path or '.'}: length {len(a)} vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff_tree(x, y, rel, abs_, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b and type(a) is type(b) else f"{path or '.'}: {a!r} vs {b!r}"


def clear_top1(reference: np.ndarray, tol: float) -> np.ndarray:
    """Rows of `reference` logits [N, V] whose top-1 leads the runner-up by more than 2 * tol: there two
    computations that each stay within `tol` of the reference must agree on the argmax."""
    top2 = np.sort(reference, axis=-1)[..., -2:]
    return (top2[..., 1] - top2[..., 0]) > 2 * tol


def assert_top1_agrees(reference: np.ndarray, other: np.ndarray, tol: float) -> float:
    """Same argmax on every clear row, at least MIN_CLEAR_SHARE of rows clear; returns the clear share."""
    reference, other = np.asarray(reference, np.float64), np.asarray(other, np.float64)
    gap = float(np.abs(reference - other).max())
    assert gap <= tol, f"logits differ by {gap:.3g}, more than the stated {tol}"
    clear = clear_top1(reference, tol)
    share = float(clear.mean())
    assert share >= MIN_CLEAR_SHARE, f"only {share:.0%} of rows have a clear top-1 (tolerance {tol})"
    same = reference.argmax(-1)[clear] == other.argmax(-1)[clear]
    assert same.all(), f"top-1 differs at {int((~same).sum())} of {int(clear.sum())} clear rows"
    return share
