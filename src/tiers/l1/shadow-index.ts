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
  private readonly tableKey: Int32Array
  private readonly tableEntry: Int32Array
  private readonly tableMask: number
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
    let size = 4
    while (size < entries * 2) size *= 2
    this.tableKey = new Int32Array(size)
    this.tableEntry = new Int32Array(size)
    this.tableMask = size - 1
  }

  /** The entry holding this key, or -1. */
  find(hash: number): number {
    const k = hash | 1
    const mask = this.tableMask
    const keys = this.tableKey
    let i = (hash >>> 1) & mask
    for (;;) {
      const t = keys[i]
      if (t === k) return this.tableEntry[i]
      if (t === EMPTY) return -1
      i = (i + 1) & mask
    }
  }

  /** Adds a key that `find` does not hold and returns its new entry id. */
  add(hash: number): number {
    if (this.freeTop === 0) throw new Error("ShadowIndex: no free entry")
    const entry = this.freeEntries[--this.freeTop]
    this.entryHash[entry] = hash
    const mask = this.tableMask
    let i = (hash >>> 1) & mask
    while (this.tableKey[i] !== EMPTY) i = (i + 1) & mask
    this.tableKey[i] = hash | 1
    this.tableEntry[i] = entry
    return entry
  }

  /** Removes a live entry's key and frees its id. */
  remove(entry: number): void {
    const hash = this.entryHash[entry]
    const k = hash | 1
    const mask = this.tableMask
    let i = (hash >>> 1) & mask
    while (this.tableKey[i] !== k) {
      if (this.tableKey[i] === EMPTY) throw new Error("ShadowIndex: removing an absent entry")
      i = (i + 1) & mask
    }
    let j = i
    for (;;) {
      j = (j + 1) & mask
      const t = this.tableKey[j]
      if (t === EMPTY) break
      const home = (this.entryHash[this.tableEntry[j]] >>> 1) & mask
      // Move j back into the hole at i unless its home lies cyclically in (i, j].
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        this.tableKey[i] = t
        this.tableEntry[i] = this.tableEntry[j]
        i = j
      }
    }
    this.tableKey[i] = EMPTY
    this.freeEntries[this.freeTop++] = entry
  }

  /** Live entries. */
  get size(): number {
    return this.entries - this.freeTop
  }

  /** Bytes held by the typed arrays. */
  get byteLength(): number {
    return this.entryHash.byteLength + this.tableKey.byteLength + this.tableEntry.byteLength + this.freeEntries.byteLength
  }
}
