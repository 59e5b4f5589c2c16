/**
 * In-memory reference counts of the blobs on disk.
 *
 * A blob is *referenced* by each durable index entry that names its hash and *pinned* by each
 * put that has written (or deduplicated onto) it but whose index record is not durable yet.
 * A blob may be deleted only when both counts are zero. The table is rebuilt from the index on
 * open (pins start at zero; a blob nobody references is an orphan and is deleted).
 */
export interface BlobSlot {
  refs: number
  pins: number
  readonly storedSize: number
}

export class BlobTable {
  readonly #slots = new Map<string, BlobSlot>()
  #bytes = 0

  /** Bytes of all live (referenced or pinned) blobs: the disk usage the budget bounds. */
  get bytes(): number {
    return this.#bytes
  }

  get size(): number {
    return this.#slots.size
  }

  /** The live slot for `hash` (its identity changes if the blob is dropped and written again). */
  get(hash: string): BlobSlot | undefined {
    return this.#slots.get(hash)
  }

  /** Pin an existing blob (dedupe) or a freshly written one. Returns true if it already existed. */
  pin(hash: string, storedSize: number): boolean {
    const slot = this.#slots.get(hash)
    if (slot !== undefined) {
      slot.pins++
      return true
    }
    this.#slots.set(hash, { refs: 0, pins: 1, storedSize })
    this.#bytes += storedSize
    return false
  }

  /** Turn one pin into a reference (the put's record became durable and was applied). */
  pinToRef(hash: string, storedSize: number): void {
    const slot = this.#slots.get(hash)
    if (slot === undefined) {
      // The blob was quarantined while this put was in flight: the entry now names a missing
      // blob, which the next read detects. Track it so the counts stay consistent.
      this.#slots.set(hash, { refs: 1, pins: 0, storedSize })
      this.#bytes += storedSize
      return
    }
    slot.pins--
    slot.refs++
  }

  /** Add a reference without a pin (index replay on open). */
  addRef(hash: string, storedSize: number): void {
    const slot = this.#slots.get(hash)
    if (slot !== undefined) slot.refs++
    else {
      this.#slots.set(hash, { refs: 1, pins: 0, storedSize })
      this.#bytes += storedSize
    }
  }

  /** Drop a pin; true when the blob is now unused and its file should be deleted. */
  unpin(hash: string): boolean {
    const slot = this.#slots.get(hash)
    if (slot === undefined) return false
    slot.pins--
    return this.#dropIfUnused(hash, slot)
  }

  /** Drop a reference; true when the blob is now unused and its file should be deleted. */
  unref(hash: string): boolean {
    const slot = this.#slots.get(hash)
    if (slot === undefined) return false
    slot.refs--
    return this.#dropIfUnused(hash, slot)
  }

  /** Forget a blob entirely (it was moved to quarantine); its entries are being dropped. */
  forget(hash: string): void {
    const slot = this.#slots.get(hash)
    if (slot === undefined) return
    this.#slots.delete(hash)
    this.#bytes -= slot.storedSize
  }

  #dropIfUnused(hash: string, slot: BlobSlot): boolean {
    if (slot.refs > 0 || slot.pins > 0) return false
    this.#slots.delete(hash)
    this.#bytes -= slot.storedSize
    return true
  }
}
