// Text-quality figures that need only token ids.

/** Share of 3-grams that already occurred earlier in `ids` (about 1 % in real prose; loops push it
 * far higher). 0 when there is no 3-gram. */
export function repeatedTrigramShare(ids: ArrayLike<number>): number {
  const total = ids.length - 2;
  if (total <= 0) return 0;
  const seen = new Set<string>();
  let repeated = 0;
  for (let j = 0; j < total; j++) {
    const key = `${ids[j]},${ids[j + 1]},${ids[j + 2]}`;
    if (seen.has(key)) repeated++;
    else seen.add(key);
  }
  return repeated / total;
}
