/**
 * Shadow verification of predictions. Every prediction that passes the confidence threshold is
 * written here — issued or not — and counts as correct if the agent demands that key within its
 * next `window` accesses. The resulting precision depends only on the model, not on the cache,
 * so it keeps being measured while an agent's prefetching is throttled off; that is what lets the
 * throttle turn prefetching back on when the agent becomes predictable again.
 *
 * Fixed memory: a ring of `capacity` (key, deadline) pairs; an entry overwritten before it
 * resolved counts as a miss (conservative).
 */
export class PredictionLedger {
  private readonly keys: (string | undefined)[]
  private readonly deadlines: Float64Array
  private next = 0

  constructor(readonly capacity: number) {
    this.keys = new Array<string | undefined>(capacity).fill(undefined)
    this.deadlines = new Float64Array(capacity)
  }

  /** Approximate bytes: the ring arrays (the key strings themselves are shared with the caller). */
  get byteSize(): number {
    return this.capacity * 8 + this.deadlines.byteLength
  }

  /** Entries found wrong by the last {@link resolve} call. */
  wrong = 0

  /**
   * Resolves entries against a demand access at agent-clock `now`: the ones for `key` are correct,
   * the expired ones wrong. Returns the number found correct; the number found wrong is left in
   * {@link wrong} (two plain numbers instead of a callback: no closure per access).
   */
  resolve(key: string, now: number): number {
    let correct = 0
    this.wrong = 0
    for (let i = 0; i < this.capacity; i++) {
      const k = this.keys[i]
      if (k === undefined) continue
      if (this.deadlines[i] < now) {
        // Expired first: a key that arrives after its window proves nothing.
        this.keys[i] = undefined
        this.wrong++
      } else if (k === key) {
        this.keys[i] = undefined
        correct++
      }
    }
    return correct
  }

  /** True when `key` is awaiting verification. */
  has(key: string): boolean {
    for (let i = 0; i < this.capacity; i++) if (this.keys[i] === key) return true
    return false
  }

  /**
   * Records a prediction of `key`, due by agent-clock `deadline`. Returns true when it overwrote an
   * unresolved entry (which the caller counts as wrong).
   */
  add(key: string, deadline: number): boolean {
    const overwrote = this.keys[this.next] !== undefined
    this.keys[this.next] = key
    this.deadlines[this.next] = deadline
    this.next = (this.next + 1) % this.capacity
    return overwrote
  }

  clear(): void {
    this.keys.fill(undefined)
    this.next = 0
  }
}
