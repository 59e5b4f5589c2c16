/**
 * The set of fingerprints of states already seen: open addressing with linear probing over one
 * Int32Array holding (h1, h2) pairs. No objects per state, so millions of states fit comfortably.
 */
export class FingerprintSet {
  private table: Int32Array
  private mask: number
  private count = 0

  constructor(initialCapacity = 1 << 16) {
    let cap = 1
    while (cap < initialCapacity) cap <<= 1
    this.table = new Int32Array(cap * 2)
    this.mask = cap - 1
  }

  /** Number of fingerprints stored. */
  get size(): number {
    return this.count
  }

  /** Inserts the fingerprint; returns true when it was not present before. */
  add(h1: number, h2: number): boolean {
    // (0, 0) marks an empty slot, so that one fingerprint is stored as (0, 1).
    if (h1 === 0 && h2 === 0) h2 = 1
    if ((this.count + 1) * 2 > this.mask + 1) this.grow()
    const t = this.table
    let i = (h1 ^ (h2 >>> 7)) & this.mask
    for (;;) {
      const a = t[i * 2]
      const b = t[i * 2 + 1]
      if (a === 0 && b === 0) {
        t[i * 2] = h1
        t[i * 2 + 1] = h2
        this.count++
        return true
      }
      if (a === h1 && b === h2) return false
      i = (i + 1) & this.mask
    }
  }

  private grow(): void {
    const old = this.table
    this.table = new Int32Array(old.length * 2)
    this.mask = (this.mask << 1) | 1
    this.count = 0
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) this.add(old[i], old[i + 1])
    }
  }
}
