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
import { BufferViews } from "./buffer-views.js"

export class PredictionLedger {
  /** Key id + 1 per entry; 0 = empty (all-zero memory is an empty ledger), -1 = a key never interned (then `names` holds it). */
  private readonly ids: Int32Array
  private readonly names: (string | undefined)[]
  private readonly deadlines: Float64Array
  /** Index of the first deadline in `deadlines` and of the first id in `ids`. */
  private readonly db: number
  private readonly ib: number
  private next = 0
  /** Entries awaiting verification (a fast exit for an agent with none). */
  private live = 0

  /**
   * @param views where the id and deadline arrays live (default: own); `byteOffset` a multiple of 8,
   *   {@link PredictionLedger.bytesFor}(capacity) zeroed bytes
   */
  constructor(
    readonly capacity: number,
    views?: BufferViews,
    byteOffset = 0,
  ) {
    const v = views ?? BufferViews.allocate(PredictionLedger.bytesFor(capacity))
    this.deadlines = v.f64
    this.ids = v.i32
    this.db = byteOffset >> 3
    this.ib = (byteOffset + capacity * 8) >> 2
    this.names = new Array<string | undefined>(capacity).fill(undefined)
  }

  /** Bytes of the typed arrays (deadlines and ids). */
  static bytesFor(capacity: number): number {
    return capacity * 12 + ((capacity * 12) % 8)
  }

  /** Approximate bytes: the typed arrays plus the pointer array of never-interned keys. */
  get byteSize(): number {
    return PredictionLedger.bytesFor(this.capacity) + this.capacity * 8
  }

  /** Entries found wrong by the last {@link resolve} call. */
  wrong = 0

  /**
   * Resolves entries against a demand access at agent-clock `now` of the key with interned id `id`
   * (spelt `key`): the entries for it are correct, the expired ones wrong. Returns the number found
   * correct; the number found wrong is left in {@link wrong} (no closure per access).
   */
  resolve(id: number, key: string, now: number): number {
    this.wrong = 0
    if (this.live === 0) return 0
    let correct = 0
    for (let i = 0; i < this.capacity; i++) {
      const e = this.ids[this.ib + i]
      if (e === 0) continue
      if (this.deadlines[this.db + i] < now) {
        // Expired first: a key that arrives after its window proves nothing.
        this.wrong++
        this.drop(i)
      } else if (e === id + 1 || (e === -1 && this.names[i] === key)) {
        correct++
        this.drop(i)
      }
    }
    return correct
  }

  private drop(i: number): void {
    this.ids[this.ib + i] = 0
    this.names[i] = undefined
    this.live--
  }

  /** True when the key (id, or -1 with its spelling for a never-interned key) is awaiting verification. */
  has(id: number, key: string): boolean {
    if (this.live === 0) return false
    for (let i = 0; i < this.capacity; i++) {
      const e = this.ids[this.ib + i]
      if ((id >= 0 && e === id + 1) || (e === -1 && this.names[i] === key)) return true
    }
    return false
  }

  /**
   * Records a prediction of the key (interned `id`, or -1 and its spelling `key`), due by
   * agent-clock `deadline`. Returns true when it overwrote an unresolved entry (counted wrong).
   */
  add(id: number, key: string, deadline: number): boolean {
    const at = this.next
    const overwrote = this.ids[this.ib + at] !== 0
    if (!overwrote) this.live++
    this.ids[this.ib + at] = id >= 0 ? id + 1 : -1
    this.names[at] = id >= 0 ? undefined : key
    this.deadlines[this.db + at] = deadline
    this.next = (at + 1) % this.capacity
    return overwrote
  }

  clear(): void {
    this.ids.fill(0, this.ib, this.ib + this.capacity)
    this.names.fill(undefined)
    this.deadlines.fill(0, this.db, this.db + this.capacity)
    this.next = 0
    this.live = 0
    this.wrong = 0
  }
}
