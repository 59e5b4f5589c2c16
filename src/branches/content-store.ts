/**
 * Content-addressed, reference-counted, compressed blob store for branch data (fork bases and
 * deltas), on top of any byte storage — in the real cache, the tiers themselves.
 *
 * - Address: BLAKE3-256 of the uncompressed bytes, hex. Identical deltas (two branches making the
 *   same change, or two agents holding the same state) are stored once.
 * - Refcount: each superposition record that points at a blob holds one reference; the blob is
 *   deleted from storage when the last one is released, so a discarded branch's bytes — in every
 *   tier, L3 included — are freed.
 * - Compression: a blob is stored as one flag byte (0 raw, 1 compressed) + payload; compressed only
 *   when that is smaller.
 * - Verification: a read re-hashes what it decoded; a mismatch or a missing blob reads as
 *   `undefined` (the cache may forget, never lie).
 *
 * Operations on one address are chained, so a delete of a released blob can never overtake (or be
 * overtaken by) a later re-store of the same content.
 */
import { blake3 } from "@noble/hashes/blake3.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import { deflate, inflate } from "pako"
import type { Compressor } from "../types.js"

/** Async byte storage by internal key: what the content store needs from the tiers. */
export interface BlobStorage {
  get(internalKey: string): Promise<Uint8Array | undefined>
  put(internalKey: string, bytes: Uint8Array): Promise<void>
  delete(internalKey: string): Promise<void>
}

/** pako deflate, the project default compressor. */
export const pakoCompressor: Compressor = {
  name: "pako",
  compress: (bytes) => deflate(bytes),
  decompress: (bytes) => inflate(bytes),
}

export interface ContentStoreOptions {
  readonly compressor?: Compressor
  /** Blobs shorter than this are stored raw (default 64 bytes: deflate's header would not pay). */
  readonly compressThreshold?: number
  /** Prefix of the internal keys (default `"\u0000branch\u0000"`; NUL keeps them apart from user keys). */
  readonly keyPrefix?: string
}

export interface ContentStoreStats {
  /** Distinct blobs currently referenced. */
  readonly blobs: number
  /** Sum of reference counts. */
  readonly references: number
  /** Bytes as stored (flag byte + possibly compressed payload). */
  readonly storedBytes: number
  /** Bytes before compression. */
  readonly rawBytes: number
  /** Retains that found the content already stored. */
  readonly dedupHits: number
  /** Reads whose bytes failed verification (treated as missing). */
  readonly corruptReads: number
}

interface Entry {
  refs: number
  readonly storedBytes: number
  readonly rawBytes: number
  /** Settles when the blob's store has finished (rejects if it failed). */
  readonly written: Promise<void>
}

const FLAG_RAW = 0
const FLAG_COMPRESSED = 1

/** BLAKE3-256 of `bytes`, hex: a blob's address. */
export function contentHash(bytes: Uint8Array): string {
  return bytesToHex(blake3(bytes))
}

export class ContentStore {
  private readonly entries = new Map<string, Entry>()
  private readonly tails = new Map<string, Promise<unknown>>()
  private readonly compressor: Compressor
  private readonly threshold: number
  private readonly prefix: string
  private references = 0
  private storedTotal = 0
  private rawTotal = 0
  private dedupHits = 0
  private corruptReads = 0

  constructor(private readonly storage: BlobStorage, options: ContentStoreOptions = {}) {
    this.compressor = options.compressor ?? pakoCompressor
    this.threshold = options.compressThreshold ?? 64
    this.prefix = options.keyPrefix ?? "\u0000branch\u0000"
  }

  /** The internal storage key of a blob. */
  keyOf(hash: string): string {
    return this.prefix + hash
  }

  /**
   * Takes one reference to `bytes` and resolves with their address once they are stored. The
   * reference is counted synchronously (before the first await), so a concurrent release of the
   * same content cannot delete it in between. On a storage failure the reference is dropped again
   * and the error is rethrown.
   */
  async retain(bytes: Uint8Array, hash: string = contentHash(bytes)): Promise<string> {
    let entry = this.entries.get(hash)
    if (entry !== undefined) {
      entry.refs++
      this.dedupHits++
    } else {
      const stored = this.encode(bytes)
      const written = this.chain(hash, () => this.storage.put(this.keyOf(hash), stored))
      entry = { refs: 1, storedBytes: stored.length, rawBytes: bytes.length, written }
      this.entries.set(hash, entry)
      this.storedTotal += entry.storedBytes
      this.rawTotal += entry.rawBytes
    }
    this.references++
    try {
      await entry.written
    } catch (error) {
      this.release(hash)
      throw error
    }
    return hash
  }

  /** Drops one reference; the last one deletes the blob from storage (in the background, in order). */
  release(hash: string): Promise<void> {
    const entry = this.entries.get(hash)
    if (entry === undefined || entry.refs === 0) throw new Error(`content store: release of unreferenced blob ${hash}`)
    entry.refs--
    this.references--
    if (entry.refs > 0) return Promise.resolve()
    this.entries.delete(hash)
    this.storedTotal -= entry.storedBytes
    this.rawTotal -= entry.rawBytes
    return this.chain(hash, () => this.storage.delete(this.keyOf(hash)))
  }

  /** The blob's bytes, verified; `undefined` if unreferenced, forgotten by storage, or corrupt. */
  async read(hash: string): Promise<Uint8Array | undefined> {
    const entry = this.entries.get(hash)
    if (entry === undefined) return undefined
    await entry.written
    const stored = await this.storage.get(this.keyOf(hash))
    if (stored === undefined || stored.length === 0) return undefined
    let bytes: Uint8Array
    try {
      bytes = stored[0] === FLAG_COMPRESSED ? this.compressor.decompress(stored.subarray(1)) : stored.subarray(1)
    } catch {
      this.corruptReads++
      return undefined
    }
    if (stored[0] > FLAG_COMPRESSED || contentHash(bytes) !== hash) {
      this.corruptReads++
      return undefined
    }
    return bytes
  }

  /** Internal storage keys of every referenced blob (diagnostics and tests). */
  keys(): string[] {
    return [...this.entries.keys()].map((h) => this.keyOf(h))
  }

  /** References currently held on `hash` (0 when unknown). */
  refCount(hash: string): number {
    return this.entries.get(hash)?.refs ?? 0
  }

  /** Resolves when every queued store and delete has finished (for close, tests and benchmarks). */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.allSettled([...this.tails.values()])
  }

  stats(): ContentStoreStats {
    return {
      blobs: this.entries.size,
      references: this.references,
      storedBytes: this.storedTotal,
      rawBytes: this.rawTotal,
      dedupHits: this.dedupHits,
      corruptReads: this.corruptReads,
    }
  }

  private encode(bytes: Uint8Array): Uint8Array {
    if (bytes.length >= this.threshold) {
      const packed = this.compressor.compress(bytes)
      if (packed.length + 1 < bytes.length + 1) return withFlag(FLAG_COMPRESSED, packed)
    }
    return withFlag(FLAG_RAW, bytes)
  }

  /** Runs `op` after every earlier operation on the same address has settled. */
  private chain(hash: string, op: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(hash) ?? Promise.resolve()
    const next = previous.then(op, op)
    this.tails.set(hash, next)
    const cleanup = (): void => {
      if (this.tails.get(hash) === next) this.tails.delete(hash)
    }
    next.then(cleanup, cleanup)
    return next
  }
}

function withFlag(flag: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 1)
  out[0] = flag
  out.set(payload, 1)
  return out
}
