/**
 * The contracts between the hierarchy (src/hierarchy/) and the three tiers.
 *
 * Tiers know nothing of each other: the hierarchy reads L1 → L2 → L3, promotes on a lower-tier hit
 * and demotes victims downward through the `onEvict` callbacks below. Every stored entry carries
 * the `Version` it was written with, so the hierarchy can refuse to let an older version overwrite
 * a newer one (spec/TierCoherency.tla, NoResurrection).
 */
import type { Version } from "../types.js"

/** Why an entry left a tier. `"rejected"` = W-TinyLFU admission refused a new candidate. */
export type EvictionReason = "evicted" | "rejected"

/** Per-tier counters, kept as plain numbers (no allocation when updated). */
export interface TierCounters {
  hits: number
  misses: number
  /** Entries removed for capacity (victims and rejected candidates). */
  evictions: number
  /** Entries currently held. */
  entries: number
  /** Bytes currently held (L1: serialized bytes of the values; L2: compressed bytes; L3: blob bytes). */
  bytes: number
}

/** Called synchronously when L1 drops an entry for capacity; the hierarchy demotes it to L2. */
export type L1EvictHandler<V> = (key: string, value: V, bytes: number, version: Version, reason: EvictionReason) => void

/**
 * L1: in-process, count- and byte-bounded, W-TinyLFU-family admission, typed-array slots.
 * All methods are synchronous. `get` on a hit must not allocate.
 */
export interface L1Tier<V> {
  /** The value on a hit (records the access for the policy), `undefined` on a miss. */
  get(key: string): V | undefined
  /** The value without touching policy state or counters. */
  peek(key: string): V | undefined
  /** The stored version, or -1 when absent. */
  versionOf(key: string): Version
  has(key: string): boolean
  /**
   * Insert or replace. A replacement keeps the slot. A new key may be rejected by admission, or
   * may evict others; every displaced entry (including a rejected candidate) is reported to
   * `onEvict` before `set` returns. Returns true when the key is resident afterwards.
   */
  set(key: string, value: V, bytes: number, version: Version): boolean
  /** Remove without calling onEvict. Returns true if it was present. */
  delete(key: string): boolean
  /** Remove everything without calling onEvict (used by Crash in tests and by close). */
  clear(): void
  readonly size: number
  readonly bytes: number
  readonly counters: TierCounters
}

/** What L2 and L3 hand back: the serialized (uncompressed) bytes and their version. */
export interface StoredBytes {
  readonly bytes: Uint8Array
  readonly version: Version
}

/** Called synchronously when L2 drops an entry for capacity; the hierarchy demotes it to L3. */
export type L2EvictHandler = (key: string, bytes: Uint8Array, version: Version) => void

/**
 * L2: serialized bytes in memory, compressed above a threshold, with its own byte budget.
 * Synchronous. `bytes` passed to `set` are the serialized form; `get` returns them decompressed.
 */
export interface L2Tier {
  get(key: string): StoredBytes | undefined
  /** A hit whose bytes are lent to `use` for the call only (no copy); `undefined` on a miss. */
  read<T>(key: string, use: (bytes: Uint8Array, version: Version) => T): T | undefined
  versionOf(key: string): Version
  has(key: string): boolean
  /** Insert or replace (an older version than the one held is ignored; returns false then). */
  set(key: string, bytes: Uint8Array, version: Version): boolean
  delete(key: string): boolean
  clear(): void
  readonly size: number
  readonly bytes: number
  readonly counters: TierCounters & { compressedEntries: number; rawBytes: number }
}

/**
 * L3: a folder on disk, blobs content-addressed by BLAKE3, a crash-safe key → (hash, version) index.
 * Asynchronous; every promise rejects only with `StorageError` (src/errors.ts).
 * A read verifies the hash: a mismatch (or a missing / truncated blob) resolves `undefined` and
 * quarantines the blob — corrupt bytes are never returned.
 */
export interface L3Tier {
  /** Verified bytes, or undefined on a miss / failed verification. */
  get(key: string): Promise<StoredBytes | undefined>
  /** From the in-memory index, no I/O. -1 when absent. */
  versionOf(key: string): Version
  has(key: string): boolean
  /**
   * Durably store (resolved = survives SIGKILL). Ignored (resolves false) if the index already
   * holds this key at a version >= `version`, or a tombstone >= `version`.
   */
  put(key: string, bytes: Uint8Array, version: Version): Promise<boolean>
  /** Durably remove, leaving a tombstone at `version` so an older in-flight put cannot resurrect it. */
  delete(key: string, version: Version): Promise<void>
  /** Highest version found in the index (recovered on open); the hierarchy resumes its counter above it. */
  readonly maxVersion: Version
  readonly size: number
  readonly bytes: number
  readonly counters: TierCounters & { quarantined: number; dedupedPuts: number }
  /** Flush and release file handles. Idempotent. */
  close(): Promise<void>
}
