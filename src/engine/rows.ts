// For logits functions that compute every slot: the rows the engine asked for.

/** Rows `positions` of a row-major [N, V] array `full` (the array itself when that is every row). */
export function selectRows(full: Float32Array, n: number, positions: Int32Array): Float32Array {
  const vocab = full.length / n;
  if (positions.length === n && positions.every((p, j) => p === j)) return full;
  const out = new Float32Array(positions.length * vocab);
  positions.forEach((p, j) => out.set(full.subarray(p * vocab, (p + 1) * vocab), j * vocab));
  return out;
}
