// The one rule for a fresh random seed (the dice and Regenerate): a non-zero 31-bit integer, so
// it reads the same in a link, in the seed field and in the Python twin.
export function randomSeed(): number {
  const a = new Uint32Array(1);
  crypto.getRandomValues(a);
  return a[0] % 2_147_483_647 || 1;
}
