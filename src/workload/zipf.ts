/**
 * Zipf(s) sampling over ranks 0..n-1 (rank 0 most popular) by inverse CDF: the cumulative weights
 * are precomputed once (n doubles) and each sample is a binary search — exact and deterministic.
 */
import type { Prng } from "./prng.js"

export class ZipfSampler {
  private readonly cdf: Float64Array

  constructor(
    readonly n: number,
    readonly exponent: number,
  ) {
    if (!(n >= 1)) throw new RangeError(`Zipf needs n >= 1, got ${n}`)
    this.cdf = new Float64Array(n)
    let sum = 0
    for (let r = 0; r < n; r++) {
      sum += 1 / Math.pow(r + 1, exponent)
      this.cdf[r] = sum
    }
    for (let r = 0; r < n; r++) this.cdf[r] /= sum
  }

  /** A rank in [0, n). */
  sample(rng: Prng): number {
    const u = rng.next()
    let lo = 0
    let hi = this.n - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.cdf[mid] < u) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
