/**
 * L2: the warm tier. Serialized values in memory, compressed above a size threshold, bounded by
 * a budget on the bytes actually stored.
 *
 * Eviction policy: segmented LRU (SLRU) by bytes.
 * - A new entry enters the *probationary* segment. A hit there promotes it to the *protected*
 *   segment, which may hold at most `protectedRatio` (80 %) of the budget; protected overflow is
 *   demoted back to the most-recently-used end of probation.
 * - Victims are taken from the least-recently-used end of probation first, then of protected.
 * Why SLRU: L2 receives L1's victims — mostly entries that were touched once and then pushed out
 * by a scan or a burst. SLRU lets such one-hit entries leave quickly while entries that were
 * re-read from L2 (evidence of reuse at L2's time scale) survive a scan. It is the policy of
 * W-TinyLFU's main area and of many disk-cache second levels, it needs no tuning beyond the
 * segment split, and it is O(1) per operation with two insertion-ordered Maps (L2 is not the
 * allocation-free hot path, so Map nodes are an acceptable cost here).
 */
import type { Compressor, L2Options, Version } from "../../types.js"
import type { L2EvictHandler, L2Tier, StoredBytes, TierCounters } from "../contracts.js"
import { lz4Compressor } from "./compressors.js"

/** Default serialized size from which values are compressed. */
export const DEFAULT_COMPRESS_THRESHOLD = 1024

/** Share of the byte budget the protected segment may hold. */
export const DEFAULT_PROTECTED_RATIO = 0.8

/** Options for {@link L2Store}: the public `L2Options` plus the demotion hook. */
export interface L2StoreOptions extends L2Options {
  /** Receives every entry evicted for capacity (the hierarchy demotes it to L3). Not called by delete/clear. */
  readonly onEvict?: L2EvictHandler
  /** Share of `maxBytes` for the protected segment (0 < ratio < 1). Default 0.8. */
  readonly protectedRatio?: number
}

/** L2's counters: the common tier counters plus compression figures. */
export type L2Counters = TierCounters & { compressedEntries: number; rawBytes: number }

interface L2Entry {
  /** What is held: the compressed form when `compressed`, else a private copy of the serialized bytes. */
  stored: Uint8Array
  /** Length of the serialized (uncompressed) form. */
  rawLength: number
  compressed: boolean
  version: Version
  protected: boolean
}

interface Victim {
  readonly key: string
  readonly entry: L2Entry
}

/**
 * The L2 tier. Synchronous; see the module comment for the eviction policy.
 *
 * Ownership: `set` copies (or compresses) the bytes it is given, so the caller may reuse its buffer.
 * `get` returns bytes the caller must treat as read-only (for an uncompressed entry they are the
 * stored copy itself — copying on every hit would double the cost of the hit).
 */
export class L2Store implements L2Tier {
  readonly #maxBytes: number
  readonly #protectedMaxBytes: number
  readonly #compressThreshold: number
  readonly #compressor: Compressor
  readonly #onEvict: L2EvictHandler | undefined
  /** Both Maps are in recency order: the first key is the least recently used. */
  readonly #probation = new Map<string, L2Entry>()
  readonly #protected = new Map<string, L2Entry>()
  #protectedBytes = 0
  readonly #counters: L2Counters = {
    hits: 0,
    misses: 0,
    evictions: 0,
    entries: 0,
    bytes: 0,
    compressedEntries: 0,
    rawBytes: 0
  }

  constructor(options: L2StoreOptions) {
    const { maxBytes } = options
    if (!Number.isFinite(maxBytes) || maxBytes <= 0) throw new RangeError(`L2 maxBytes must be a positive number, got ${maxBytes}`)
    const ratio = options.protectedRatio ?? DEFAULT_PROTECTED_RATIO
    if (!(ratio > 0 && ratio < 1)) throw new RangeError(`L2 protectedRatio must be in (0, 1), got ${ratio}`)
    const threshold = options.compressThreshold ?? DEFAULT_COMPRESS_THRESHOLD
    if (Number.isNaN(threshold) || threshold < 0) throw new RangeError(`L2 compressThreshold must be >= 0, got ${threshold}`)
    this.#maxBytes = maxBytes
    this.#protectedMaxBytes = Math.floor(maxBytes * ratio)
    this.#compressThreshold = threshold
    this.#compressor = options.compressor ?? lz4Compressor
    this.#onEvict = options.onEvict
  }

  /** The decompressed bytes and version on a hit (recorded for the policy), `undefined` on a miss. */
  get(key: string): StoredBytes | undefined {
    const entry = this.#access(key)
    return entry === undefined ? undefined : { bytes: this.#decode(entry), version: entry.version }
  }

  /**
   * A hit (recorded like `get`) whose bytes are handed to `use` and valid only during that call:
   * the hit path when the caller decodes the value at once (the hierarchy's Promote). With LZ4
   * the bytes are a view of the decoder's memory, so no array is allocated per hit. `undefined`
   * on a miss (`use` not called).
   */
  read<T>(key: string, use: (bytes: Uint8Array, version: Version) => T): T | undefined {
    const entry = this.#access(key)
    if (entry === undefined) return undefined
    if (!entry.compressed) return use(entry.stored, entry.version)
    const c = this.#compressor
    if (c.withDecompressed === undefined) return use(c.decompress(entry.stored), entry.version)
    return c.withDecompressed(entry.stored, (raw) => use(raw, entry.version))
  }

  /** Looks the key up for a read: recency (a probation hit is promoted), hit / miss counters. */
  #access(key: string): L2Entry | undefined {
    let entry = this.#protected.get(key)
    if (entry !== undefined) {
      this.#protected.delete(key)
      this.#protected.set(key, entry)
    } else {
      entry = this.#probation.get(key)
      if (entry === undefined) {
        this.#counters.misses++
        return undefined
      }
      this.#promote(key, entry)
    }
    this.#counters.hits++
    return entry
  }

  versionOf(key: string): Version {
    return (this.#protected.get(key) ?? this.#probation.get(key))?.version ?? -1
  }

  has(key: string): boolean {
    return this.#protected.has(key) || this.#probation.has(key)
  }

  /**
   * Insert or replace. Returns false, storing nothing, when `version` is older than the version
   * held, or when the entry (after compression) is larger than the whole budget — in that case
   * any older version held is dropped (it is stale) and the new entry is handed to `onEvict` so
   * the hierarchy can still demote it. Victims are reported to `onEvict` before `set` returns.
   */
  set(key: string, bytes: Uint8Array, version: Version): boolean {
    const existing = this.#protected.get(key) ?? this.#probation.get(key)
    if (existing !== undefined && version < existing.version) return false

    const encoded = this.#encode(bytes)
    if (encoded.stored.byteLength > this.#maxBytes) {
      if (existing !== undefined) this.delete(key)
      this.#counters.evictions++
      this.#onEvict?.(key, bytes, version)
      return false
    }

    if (existing !== undefined) {
      this.#account(existing, -1)
      existing.stored = encoded.stored
      existing.rawLength = bytes.byteLength
      existing.compressed = encoded.compressed
      existing.version = version
      this.#account(existing, +1)
      const segment = existing.protected ? this.#protected : this.#probation
      segment.delete(key)
      segment.set(key, existing)
      if (existing.protected) this.#rebalanceProtected()
    } else {
      const entry: L2Entry = { ...encoded, rawLength: bytes.byteLength, version, protected: false }
      this.#probation.set(key, entry)
      this.#account(entry, +1)
      this.#counters.entries++
    }
    this.#evictOverBudget(key)
    return true
  }

  /** Remove without calling onEvict. */
  delete(key: string): boolean {
    const entry = this.#protected.get(key) ?? this.#probation.get(key)
    if (entry === undefined) return false
    this.#remove(key, entry)
    return true
  }

  /** Remove everything without calling onEvict. */
  clear(): void {
    this.#probation.clear()
    this.#protected.clear()
    this.#protectedBytes = 0
    const c = this.#counters
    c.entries = 0
    c.bytes = 0
    c.compressedEntries = 0
    c.rawBytes = 0
  }

  get size(): number {
    return this.#counters.entries
  }

  /** Stored (compressed where it paid off) bytes held. */
  get bytes(): number {
    return this.#counters.bytes
  }

  /** Live counters (the same object on every read). `rawBytes` = serialized size of what is held. */
  get counters(): L2Counters {
    return this.#counters
  }

  /** The compressor in use (its `name` identifies it in stats and benchmarks). */
  get compressor(): Compressor {
    return this.#compressor
  }

  #encode(bytes: Uint8Array): { stored: Uint8Array; compressed: boolean } {
    if (bytes.byteLength >= this.#compressThreshold && bytes.byteLength > 0) {
      const compressed = this.#compressor.compress(bytes)
      // Keep the compressed form only when it actually saves space (random or already
      // compressed data can grow when compressed).
      if (compressed.byteLength < bytes.byteLength) return { stored: compressed, compressed: true }
    }
    return { stored: bytes.slice(), compressed: false }
  }

  #decode(entry: L2Entry): Uint8Array {
    return entry.compressed ? this.#compressor.decompress(entry.stored) : entry.stored
  }

  #account(entry: L2Entry, sign: 1 | -1): void {
    const c = this.#counters
    c.bytes += sign * entry.stored.byteLength
    c.rawBytes += sign * entry.rawLength
    if (entry.compressed) c.compressedEntries += sign
    if (entry.protected) this.#protectedBytes += sign * entry.stored.byteLength
  }

  #promote(key: string, entry: L2Entry): void {
    this.#probation.delete(key)
    this.#account(entry, -1)
    entry.protected = true
    this.#account(entry, +1)
    this.#protected.set(key, entry)
    this.#rebalanceProtected()
  }

  /** Demote protected LRU entries to probation's MRU end until protected fits its share. */
  #rebalanceProtected(): void {
    while (this.#protectedBytes > this.#protectedMaxBytes && this.#protected.size > 1) {
      const [key, entry] = this.#protected.entries().next().value as [string, L2Entry]
      this.#protected.delete(key)
      this.#account(entry, -1)
      entry.protected = false
      this.#account(entry, +1)
      this.#probation.set(key, entry)
    }
  }

  #remove(key: string, entry: L2Entry): void {
    ;(entry.protected ? this.#protected : this.#probation).delete(key)
    this.#account(entry, -1)
    this.#counters.entries--
  }

  /** Evict until the budget holds, never choosing `keep` (the entry just written). */
  #evictOverBudget(keep: string): void {
    let victims: Victim[] | undefined
    while (this.#counters.bytes > this.#maxBytes) {
      const victim = this.#pickVictim(keep)
      if (victim === undefined) break
      this.#remove(victim.key, victim.entry)
      this.#counters.evictions++
      ;(victims ??= []).push(victim)
    }
    // Report after the store is consistent, so a handler may safely call back into L2.
    if (victims !== undefined && this.#onEvict !== undefined) {
      for (const { key, entry } of victims) this.#onEvict(key, this.#decode(entry), entry.version)
    }
  }

  /** Probation's LRU, else protected's LRU, skipping `keep` (always at the MRU end of its segment). */
  #pickVictim(keep: string): Victim | undefined {
    for (const segment of [this.#probation, this.#protected]) {
      for (const [key, entry] of segment) if (key !== keep) return { key, entry }
    }
    return undefined
  }
}
