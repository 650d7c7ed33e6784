// The seeded generator of SAMPLING.md ("Randomness"): a Weyl sequence through MurmurHash3's
// finaliser. 32-bit integer arithmetic only, so it is bit-identical to the Python twin.

export type Rng = () => number;

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    // Math.imul keeps the low 32 bits of the product, i.e. the product mod 2^32.
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  };
}
