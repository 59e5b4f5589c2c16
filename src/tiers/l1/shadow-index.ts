/**
 * The one membership table of a set of shadow caches (`shadow-set.ts`): key hash → entry id, for
 * every key held by at least one of the shadows. The shadows replay exactly the same sampled
 * requests, so one lookup per request serves them all (three separate tables cost three lookups).
 *
 * Keys are 32-bit hashes stored as `hash | 1` (0 marks an empty cell), as each shadow's own table
 * did, so two hashes differing only in bit 0 are one key. Unlike those tables, the home cell is
 * also taken from the bits above bit 0 (`hash >>> 1`): there, a lookup of `hash ^ 1` started one
 * cell off and found the key only when the probe happened to pass it, and otherwise added a second
 * cell with the same stored key, which a later delete could take for the first. Open addressing
 * with linear probing and backward-shift deletion (no tombstones, so a lookup stops at the first
 * empty cell); the table is at most half full. Entry ids are handed out from a free stack and start at `firstEntry`, so the
 * shadows can keep their queue sentinels below them in the same arrays.
 */

const EMPTY = 0

export class ShadowIndex {
  /** The hash each live entry was added with (its table cell's home is `(entryHash >>> 1) & mask`). */
  readonly entryHash: Int32Array
  /**
   * Cell c is table[2c] (the stored key, hash | 1; 0 when empty) and table[2c + 1] (the entry):
   * a lookup's key and entry share a cache line, which counts on the L1 hit path, where the
   * table is usually cold (one sampled hit in ~16 at 1 000 entries).
   */
  private readonly table: Int32Array
  /** Cells − 1 (cells are a power of two). */
  private readonly mask: number
  private readonly freeEntries: Int32Array
  private freeTop = 0

  constructor(
    /** Most entries live at once. */
    readonly entries: number,
    /** The lowest entry id (ids run from it to firstEntry + entries - 1). */
    readonly firstEntry: number,
  ) {
    const end = firstEntry + entries
    this.entryHash = new Int32Array(end)
    this.freeEntries = new Int32Array(entries)
    // Lowest id on top: ids are handed out in increasing order while nothing has been freed.
    for (let e = end - 1; e >= firstEntry; e--) this.freeEntries[this.freeTop++] = e
    let cells = 4
    while (cells < entries * 2) cells *= 2
    this.table = new Int32Array(cells * 2)
    this.mask = cells - 1
  }

  /** The entry holding this key, or -1. */
  find(hash: number): number {
    const k = hash | 1
    const mask = this.mask
    const table = this.table
    let c = (hash >>> 1) & mask
    for (;;) {
      const t = table[2 * c]
      if (t === k) return table[2 * c + 1]
      if (t === EMPTY) return -1
      c = (c + 1) & mask
    }
  }

  /** Adds a key that `find` does not hold and returns its new entry id. */
  add(hash: number): number {
    if (this.freeTop === 0) throw new Error("ShadowIndex: no free entry")
    const entry = this.freeEntries[--this.freeTop]
    this.entryHash[entry] = hash
    const mask = this.mask
    const table = this.table
    let c = (hash >>> 1) & mask
    while (table[2 * c] !== EMPTY) c = (c + 1) & mask
    table[2 * c] = hash | 1
    table[2 * c + 1] = entry
    return entry
  }

  /** Removes a live entry's key and frees its id. */
  remove(entry: number): void {
    const hash = this.entryHash[entry]
    const k = hash | 1
    const mask = this.mask
    const table = this.table
    let i = (hash >>> 1) & mask
    while (table[2 * i] !== k) {
      if (table[2 * i] === EMPTY) throw new Error("ShadowIndex: removing an absent entry")
      i = (i + 1) & mask
    }
    let j = i
    for (;;) {
      j = (j + 1) & mask
      const t = table[2 * j]
      if (t === EMPTY) break
      const home = (this.entryHash[table[2 * j + 1]] >>> 1) & mask
      // Move j back into the hole at i unless its home lies cyclically in (i, j].
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        table[2 * i] = t
        table[2 * i + 1] = table[2 * j + 1]
        i = j
      }
    }
    table[2 * i] = EMPTY
    this.freeEntries[this.freeTop++] = entry
  }

  /** Live entries. */
  get size(): number {
    return this.entries - this.freeTop
  }

  /** Bytes held by the typed arrays. */
  get byteLength(): number {
    return this.entryHash.byteLength + this.table.byteLength + this.freeEntries.byteLength
  }
}
