/**
 * A small, fast, seeded PRNG (mulberry32): the generator's only source of randomness, so the same
 * seed always yields the same op stream on every platform (no Math.random, no wall clock).
 */
export class Prng {
  private state: number

  constructor(seed: number) {
    // Spread small seeds (0, 1, 2…) over the state space.
    this.state = Math.imul((seed | 0) ^ 0x5bd1e995, 0x9e3779b1) | 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** Uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p
  }
}

/** A 32-bit FNV-1a hash of a string (for deterministic per-key attributes such as sizes). */
export function hashString(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}
