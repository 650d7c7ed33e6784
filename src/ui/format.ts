// Small formatting helpers shared by the components.
export function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes < 10e6 ? 2 : 1);
}

/** A probability as the inspector's views show it: one decimal, "<0.1%" for the tail, "0%" for none. */
export function percent(x: number): string {
  return x === 0 ? '0%' : x < 0.001 ? '<0.1%' : `${(x * 100).toFixed(1)}%`;
}

/** An error's message as a sentence (a full stop added where it has none). */
export const sentenceOf = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/([^.!?])$/, '$1.');

export function fixed(n: number | null, digits: number): string {
  return n === null || !Number.isFinite(n) ? '—' : n.toFixed(digits);
}

/** A token's display text split into its leading spaces, its body and its trailing newlines, so
 * spaces sit outside the coloured chip and newlines break the line like prose. */
export function splitPiece(piece: string): { lead: string; body: string; newlines: number } {
  const lead = /^[ \t]*/.exec(piece)?.[0] ?? '';
  let rest = piece.slice(lead.length);
  let newlines = 0;
  while (rest.endsWith('\n')) {
    rest = rest.slice(0, -1);
    newlines++;
  }
  // A token made of newlines only still needs something visible to carry its colour; one made
  // of spaces only keeps them inside its chip.
  if (rest.length === 0 && newlines > 0) rest = '↵';
  else if (rest.length === 0) return { lead: '', body: lead, newlines: 0 };
  // A newline inside a token (rare) shows its mark and still breaks the line (pre-wrap).
  return { lead, body: rest.replace(/\n/g, '↵\n'), newlines };
}
