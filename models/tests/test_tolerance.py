"""The comparison helpers must fail where they should, or every test built on them proves nothing."""

import numpy as np
import pytest

from tests.tolerance import assert_top1_agrees, diff_tree


def test_diff_tree_is_exact_on_ids_and_tolerant_on_floats():
    a = {"ids": [1, 2, 3], "p": [0.2078419715239913], "name": "x"}
    assert diff_tree(a, {"ids": [1, 2, 3], "p": [0.20784197152399128], "name": "x"}, 1e-9, 1e-12) is None
    assert diff_tree(a, {"ids": [1, 2, 4], "p": [0.2078419715239913], "name": "x"}, 1e-9, 1e-12) == ".ids[2]: 3 vs 4"
    assert "p[0]" in diff_tree(a, {"ids": [1, 2, 3], "p": [0.2079], "name": "x"}, 1e-9, 1e-12)
    assert diff_tree([True], [1], 1e-9, 1e-12) is not None


def test_top1_is_compared_only_where_clear_and_needs_enough_clear_rows():
    ref = np.array([[5.0, 1.0, 0.0]] * 9 + [[1.0, 0.999, 0.0]])
    flipped_tie = ref.copy()
    flipped_tie[9] = [0.999, 1.0, 0.0]  # a near tie may flip
    assert assert_top1_agrees(ref, flipped_tie, 1e-2) == 0.9
    wrong = ref.copy()
    wrong[0] = [5.0, 5.001, 0.0]
    with pytest.raises(AssertionError):
        assert_top1_agrees(ref, wrong, 1e-2)  # beyond the tolerance
    with pytest.raises(AssertionError, match="clear top-1"):
        assert_top1_agrees(np.array([[1.0, 0.999]] * 5), np.array([[1.0, 0.999]] * 5), 1e-2)
