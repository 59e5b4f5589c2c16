/**
 * Shared value and option types. Kept dependency-free so every layer (tiers, hierarchy, CLI,
 * properties) can import them without pulling in Effect or xstate.
 */

/** A JSON-like state object: what agents store. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue }

/** Anything tiercache stores: JSON-like state or raw bytes. */
export type CacheValue = JsonValue | Uint8Array

/**
 * A version token. Every acknowledged `put` and every `invalidate` draws the next number from one
 * monotonic counter (recovered from L3 on reopen), so "newer" is a plain `>` comparison.
 * This is the `ver` of spec/TierCoherency.tla.
 */
export type Version = number

/**
 * A pluggable compressor for L2 and L3 bytes. L2 defaults to LZ4 (fast to decode, for the hit path);
 * L3 defaults to pako deflate (smaller files). `node:zlib` is offered too.
 */
export interface Compressor {
  readonly name: string
  compress(bytes: Uint8Array): Uint8Array
  decompress(bytes: Uint8Array): Uint8Array
  /**
   * Optional: decompresses and hands the result to `use` as a view valid only during the call, so
   * a reader that consumes the bytes at once (L2's hit path) needs no output array. When absent,
   * `use(decompress(bytes))` is used.
   */
  withDecompressed?<T>(bytes: Uint8Array, use: (raw: Uint8Array) => T): T
}

/** The user's loader: the source of truth consulted on a miss in every tier. */
export type Loader = (key: string, agentId: string | undefined) => Promise<CacheValue | undefined>

export interface L1Options {
  /** Budget in serialized bytes of the values held. */
  readonly maxBytes: number
  /** Entry-count bound (default: derived from maxBytes / 64, at least 16). Sizes the typed arrays. */
  readonly maxEntries?: number
}

export interface L2Options {
  /** Budget in stored (compressed) bytes. */
  readonly maxBytes: number
  /** Values whose serialized form is at least this many bytes are compressed (default 1024). */
  readonly compressThreshold?: number
  /** Compressor (default LZ4: `lz4Compressor`; `pakoCompressor` / `zlibCompressor` compress more, decode slower). */
  readonly compressor?: Compressor
}

export interface L3Options {
  /** Budget in blob bytes on disk. */
  readonly maxBytes: number
  /** fsync blobs and index records before acknowledging (default true). */
  readonly fsync?: boolean
}

/** Options of the branch layer (fork / collapse, src/branches/). */
export interface BranchOptions {
  /** Most branches one fork may create (default 16). */
  readonly maxBranches?: number
  /** How JSON branches are encoded: "structural" path ops (default), "bytes" (copy/insert delta), or "smallest" of both. */
  readonly deltaStrategy?: "structural" | "bytes" | "smallest"
  /** Compressor for branch blobs (default pako deflate). */
  readonly compressor?: Compressor
}

export interface TierCacheOptions {
  /** L3 folder. Default: a fresh folder under the OS temp dir (removed on close). */
  readonly dir?: string
  readonly l1?: L1Options
  readonly l2?: L2Options
  readonly l3?: L3Options
  /** Largest accepted serialized value (default 8 MiB). */
  readonly maxEntryBytes?: number
  /** Longest accepted key in UTF-16 code units (default 1024). */
  readonly maxKeyLength?: number
  /** Consulted on a miss in every tier; concurrent misses on one key share one call. */
  readonly load?: Loader
  /** Branch (superposition) options. */
  readonly branches?: BranchOptions
}
