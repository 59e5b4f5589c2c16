/**
 * L3: the verified disk tier.
 *
 * Folder layout:
 *
 *     index.log            append-only log of checksummed records (record.ts), group-committed
 *     index.log.compact    a compaction in progress (deleted on open if a crash left it)
 *     blobs/ab/cdef…       content-addressed blobs (blob.ts); `*.tmp` = a write in progress
 *     quarantine/          blobs that failed verification, kept for inspection
 *
 * Write order for a put (what makes it crash-safe):
 *   1. blob → temp file, fsync, rename into `blobs/ab/` (skipped when the hash is already stored);
 *   2. before the next log batch, fsync the touched `blobs/ab/` folders (batched across puts);
 *   3. the index record (plus any eviction records) → log, one write + one fsync per batch;
 *   4. only then is the in-memory index updated and the promise resolved.
 * A crash before 3 leaves at worst an orphan blob or temp file, removed on the next open; a crash
 * during 3 leaves a torn record, cut off on the next open. Blob files are deleted only after the
 * record that drops their last reference is durable.
 */
import { join } from "node:path"
import { StorageError } from "../../errors.js"
import type { Compressor, Version } from "../../types.js"
import type { L3Tier, StoredBytes, TierCounters } from "../contracts.js"
import { BLOBS_DIR, QUARANTINE_DIR, blobDir, blobPath, encodeBlob, hashBytes, verifyBlob } from "./blob.js"
import { BlobTable } from "./blob-table.js"
import { isNotFound, type L3FileHandle, type L3FileSystem } from "./fs.js"
import { IndexState, type IndexEntry } from "./index-state.js"
import { LogWriter, type LogWriterStats } from "./log-writer.js"
import { encodeRecord, type LogRecord, type RemoveReason } from "./record.js"

export const LOG_FILE = "index.log"
export const COMPACT_FILE = "index.log.compact"

/** L3's counters: the common tier counters plus verification and dedupe figures. */
export type L3Counters = TierCounters & { quarantined: number; dedupedPuts: number }

/** Operational figures beyond the contract's counters (group commit, compaction, recovery). */
export interface L3Stats extends LogWriterStats {
  compactions: number
  compactionFailures: number
  /** Bytes of torn / corrupt log tail cut off when the store was opened. */
  tornBytesTruncated: number
  /** Unreferenced blobs and temp files deleted when the store was opened. */
  orphansRemoved: number
}

/** Everything the store needs, resolved by `openL3`. */
export interface L3StoreConfig {
  readonly dir: string
  readonly fs: L3FileSystem
  readonly maxBytes: number
  readonly fsync: boolean
  readonly compressThreshold: number
  readonly compressor: Compressor
  readonly compactRatio: number
  readonly minCompactBytes: number
  readonly syncReadMaxBytes: number
}

/** What recovery hands over to a new store. */
export interface RecoveredState {
  readonly state: IndexState
  readonly blobs: BlobTable
  readonly log: L3FileHandle
  readonly logLength: number
  readonly tornBytesTruncated: number
  readonly orphansRemoved: number
}

/** Evictions chosen for one put, undone if its batch fails. */
interface PlannedEviction {
  readonly key: string
  readonly entry: IndexEntry
  readonly frees: number
}

let tempCounter = 0

export class L3Store implements L3Tier {
  readonly #config: L3StoreConfig
  readonly #state: IndexState
  readonly #blobs: BlobTable
  readonly #log: LogWriter
  /** maxVersion recovered at open: tombstones at or below it may be retired by compaction. */
  readonly #openedAtVersion: Version
  /** Highest version claimed per key by an operation still in flight. */
  readonly #claims = new Map<string, Version>()
  /** Per-blob serialization of write / delete / quarantine (a chain of promises). */
  readonly #blobLocks = new Map<string, Promise<unknown>>()
  /** `blobs/ab` folders with renames not yet made durable by a folder fsync. */
  readonly #dirtyDirs = new Set<string>()
  readonly #createdDirs = new Set<string>()
  /** Keys chosen for eviction whose records are not durable yet. */
  readonly #evicting = new Map<string, PlannedEviction>()
  #pendingFreeBytes = 0
  readonly #inflight = new Set<Promise<unknown>>()
  #compaction: Promise<void> | undefined
  /** After a failed compaction, wait for the log to grow this far before trying again. */
  #nextCompactionAt = 0
  #closing: Promise<void> | undefined
  readonly #counters: L3Counters = { hits: 0, misses: 0, evictions: 0, entries: 0, bytes: 0, quarantined: 0, dedupedPuts: 0 }
  readonly #stats: L3Stats

  constructor(config: L3StoreConfig, recovered: RecoveredState) {
    this.#config = config
    this.#state = recovered.state
    this.#blobs = recovered.blobs
    this.#openedAtVersion = recovered.state.maxVersion
    this.#log = new LogWriter({
      handle: recovered.log,
      offset: recovered.logLength,
      fsync: config.fsync,
      beforeFlush: () => this.#syncDirtyDirs(),
      toError: (op, cause) => this.#error(op, LOG_FILE, cause)
    })
    this.#stats = Object.assign(this.#log.stats, {
      compactions: 0,
      compactionFailures: 0,
      tornBytesTruncated: recovered.tornBytesTruncated,
      orphansRemoved: recovered.orphansRemoved
    })
    this.#refreshCounters()
  }

  // ---------------------------------------------------------------- reads

  async get(key: string): Promise<StoredBytes | undefined> {
    this.#assertOpen("get", key)
    return this.#track(this.#get(key))
  }

  async #get(key: string): Promise<StoredBytes | undefined> {
    // A concurrent put or delete can retire the blob we are reading; retry with the new entry.
    for (let attempt = 0; attempt < 3; attempt++) {
      const entry = this.#state.entries.get(key)
      if (entry === undefined) break
      const slot = this.#blobs.get(entry.hash)
      const path = blobPath(entry.hash)
      let file: Uint8Array | undefined
      try {
        const read = this.#readBlob(this.#abs(path), entry.storedSize)
        file = read instanceof Promise ? await read : read
      } catch (cause) {
        if (!isNotFound(cause)) throw this.#error("read blob", path, cause)
      }
      const check = file === undefined ? ({ ok: false, reason: "blob file missing" } as const) : verifyBlob(file, entry, this.#config.compressor)
      if (check.ok) {
        this.#state.touch(key, entry)
        this.#counters.hits++
        return { bytes: check.raw, version: entry.version }
      }
      if (this.#state.entries.get(key) !== entry) continue
      // The entry still names this blob and the blob is bad: never return it; quarantine it.
      if (slot !== undefined && this.#blobs.get(entry.hash) === slot) await this.#quarantine(entry.hash, slot)
      break
    }
    this.#counters.misses++
    return undefined
  }

  /**
   * A blob's file: synchronously when it is small and the file system offers it (a warm read of
   * a few KiB blocks for a few µs, less than the thread-pool round trips it saves), else async.
   */
  #readBlob(path: string, storedSize: number): Uint8Array | Promise<Uint8Array> {
    const fs = this.#config.fs
    if (fs.readFileSync !== undefined && storedSize <= this.#config.syncReadMaxBytes) return fs.readFileSync(path, storedSize)
    return fs.readFile(path, storedSize)
  }

  versionOf(key: string): Version {
    return this.#state.entries.get(key)?.version ?? -1
  }

  /** The version of the tombstone the index holds for `key` (a removal not yet retired), or -1. */
  tombstoneOf(key: string): Version {
    return this.#state.tombstones.get(key) ?? -1
  }

  has(key: string): boolean {
    return this.#state.entries.has(key)
  }

  // ---------------------------------------------------------------- writes

  /**
   * Durably store `bytes` at `version`. Resolves false (nothing stored) when the key holds a
   * version, tombstone or in-flight operation at or above `version`, when a newer operation's
   * record overtook this one, or when the blob alone exceeds `maxBytes`.
   */
  async put(key: string, bytes: Uint8Array, version: Version): Promise<boolean> {
    this.#assertOpen("put", key)
    this.#assertVersion("put", key, version)
    if (!this.#claimable(key, version)) return false
    return this.#track(this.#withClaim(key, version, () => this.#put(key, bytes, version)))
  }

  async #put(key: string, raw: Uint8Array, version: Version): Promise<boolean> {
    const hash = hashBytes(raw)
    const stored = encodeBlob(raw, this.#config.compressThreshold, this.#config.compressor)
    if (stored.byteLength > this.#config.maxBytes) return false
    const storedSize = stored.byteLength

    await this.#withBlobLock(hash, async () => {
      if (this.#blobs.get(hash) !== undefined) {
        this.#blobs.pin(hash, storedSize)
        this.#counters.dedupedPuts++
        return
      }
      await this.#writeBlob(hash, stored)
      this.#blobs.pin(hash, storedSize)
    })

    const evictions = this.#planEvictions(key)
    const records: LogRecord[] = evictions.map((v) => ({ type: "remove", key: v.key, version: v.entry.version, reason: "evict" }))
    const putRecord = { type: "put", key, version, hash, rawSize: raw.byteLength, storedSize } as const
    records.push(putRecord)
    let applied: boolean
    try {
      applied = await this.#log.append(records.map(encodeRecord), () => {
        this.#finishEvictions(evictions, true)
        const previous = this.#state.applyPut(putRecord)
        if (previous === undefined) {
          this.#releaseBlob(this.#blobs.unpin(hash), hash)
          return false
        }
        this.#blobs.pinToRef(hash, storedSize)
        if (previous !== null) this.#releaseBlob(this.#blobs.unref(previous.hash), previous.hash)
        return true
      })
    } catch (error) {
      this.#finishEvictions(evictions, false)
      // If the log is poisoned the failed record may still be on disk: keep the blob (an orphan
      // is removed on the next open; a referenced blob must not vanish).
      const unused = this.#blobs.unpin(hash)
      if (!this.#log.poisoned) this.#releaseBlob(unused, hash)
      throw error
    }
    // Puts that were in flight together could not evict each other (none was in the index when
    // the others planned), so re-check the budget once this put is applied.
    // The put itself is durable: a failure here must not report it failed (the next write
    // re-checks the budget, and a poisoned log reports itself on that write).
    if (applied) await this.#enforceBudget().catch(() => undefined)
    this.#afterMutation()
    return applied
  }

  /** Durably evict LRU entries until the blob bytes (with pending evictions) fit the budget. */
  async #enforceBudget(): Promise<void> {
    const evictions = this.#planEvictions(undefined)
    if (evictions.length === 0) return
    const records = evictions.map((v) => encodeRecord({ type: "remove", key: v.key, version: v.entry.version, reason: "evict" }))
    try {
      await this.#log.append(records, () => this.#finishEvictions(evictions, true))
    } catch (error) {
      this.#finishEvictions(evictions, false)
      throw error
    }
  }

  /**
   * Durably remove `key`, leaving a tombstone at `version`. A delete older than the version held
   * changes nothing; a delete of an absent key still records the tombstone (it blocks older puts
   * that are still in flight).
   */
  async delete(key: string, version: Version): Promise<void> {
    this.#assertOpen("delete", key)
    this.#assertVersion("delete", key, version)
    const entry = this.#state.entries.get(key)
    if (entry !== undefined && entry.version > version) return
    const tombstone = this.#state.tombstones.get(key)
    if (tombstone !== undefined && tombstone >= version) return
    if (entry === undefined && tombstone === undefined && version <= this.#state.floor && !this.#claims.has(key)) return
    await this.#track(
      this.#withClaim(key, version, () =>
        this.#log.append([encodeRecord({ type: "remove", key, version, reason: "delete" })], () => this.#applyRemove(key, version, "delete"))
      )
    )
    this.#afterMutation()
  }

  get maxVersion(): Version {
    return this.#state.maxVersion
  }

  get size(): number {
    return this.#state.entries.size
  }

  /** Bytes of unique live blobs on disk. */
  get bytes(): number {
    return this.#blobs.bytes
  }

  get counters(): L3Counters {
    return this.#counters
  }

  /** Group-commit, compaction and recovery figures. */
  get stats(): Readonly<L3Stats> {
    return this.#stats
  }

  /** Wait for in-flight operations, flush the log, close it. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#inflight.size > 0 || this.#compaction !== undefined) {
        await Promise.allSettled([...this.#inflight, this.#compaction])
      }
      try {
        await this.#log.close()
      } catch (cause) {
        throw this.#error("close", LOG_FILE, cause)
      }
    })()
    return this.#closing
  }

  // ---------------------------------------------------------------- internals

  #assertOpen(op: string, key: string): void {
    if (this.#closing !== undefined) throw this.#error(op, key, new Error("L3 store is closed"))
  }

  /** Versions are non-negative safe integers (the hierarchy's counter); anything else would break ordering. */
  #assertVersion(op: string, key: string, version: Version): void {
    if (!Number.isSafeInteger(version) || version < 0) throw this.#error(op, key, new RangeError(`version must be a non-negative safe integer, got ${version}`))
  }

  #error(op: string, path: string, cause: unknown): StorageError {
    return cause instanceof StorageError ? cause : new StorageError({ op, path: join(this.#config.dir, path), cause })
  }

  #abs(path: string): string {
    return join(this.#config.dir, path)
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inflight.add(promise)
    const done = () => this.#inflight.delete(promise)
    promise.then(done, done)
    return promise
  }

  #claimable(key: string, version: Version): boolean {
    if (!this.#state.accepts(key, version)) return false
    const claim = this.#claims.get(key)
    return claim === undefined || version > claim
  }

  async #withClaim<T>(key: string, version: Version, fn: () => Promise<T>): Promise<T> {
    const previous = this.#claims.get(key)
    if (previous === undefined || version > previous) this.#claims.set(key, version)
    try {
      return await fn()
    } catch (cause) {
      throw this.#error("write", key, cause)
    } finally {
      if (this.#claims.get(key) === version) this.#claims.delete(key)
    }
  }

  /** Run `fn` after every earlier operation on blob `hash` (write, delete, quarantine). */
  #withBlobLock<T>(hash: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#blobLocks.get(hash) ?? Promise.resolve()
    const next = previous.then(fn, fn)
    const tail = next.catch(() => undefined)
    this.#blobLocks.set(hash, tail)
    void tail.then(() => {
      if (this.#blobLocks.get(hash) === tail) this.#blobLocks.delete(hash)
    })
    return next
  }

  async #writeBlob(hash: string, stored: Uint8Array): Promise<void> {
    const { fs, fsync } = this.#config
    const dir = blobDir(hash)
    const final = blobPath(hash)
    if (!this.#createdDirs.has(dir)) {
      try {
        await fs.mkdir(this.#abs(dir))
      } catch (cause) {
        throw this.#error("mkdir", dir, cause)
      }
      this.#createdDirs.add(dir)
      this.#dirtyDirs.add(BLOBS_DIR)
    }
    const temp = `${final}.${process.pid}-${++tempCounter}.tmp`
    try {
      const handle = await fs.open(this.#abs(temp), "create")
      try {
        await handle.write(stored, 0)
        if (fsync) await handle.sync()
      } finally {
        await handle.close()
      }
      await fs.rename(this.#abs(temp), this.#abs(final))
    } catch (cause) {
      await fs.unlink(this.#abs(temp)).catch(() => undefined)
      throw this.#error("write blob", final, cause)
    }
    this.#dirtyDirs.add(dir)
  }

  async #syncDirtyDirs(): Promise<void> {
    if (!this.#config.fsync || this.#dirtyDirs.size === 0) return
    const dirs = [...this.#dirtyDirs]
    this.#dirtyDirs.clear()
    try {
      await Promise.all(dirs.map((d) => this.#config.fs.syncDir(this.#abs(d))))
    } catch (cause) {
      for (const d of dirs) this.#dirtyDirs.add(d)
      throw cause
    }
  }

  /** Delete a blob file once nothing references or pins it (serialized with writes of the hash). */
  #releaseBlob(unused: boolean, hash: string): void {
    if (!unused) return
    // Tracked so close() waits for it; a failed unlink only leaves an orphan, removed on open.
    void this.#track(
      this.#withBlobLock(hash, async () => {
        if (this.#blobs.get(hash) !== undefined) return // written again since
        await this.#config.fs.unlink(this.#abs(blobPath(hash))).catch(() => undefined)
      })
    )
  }

  /** Apply a durable REMOVE to memory and release the blob it referenced. */
  #applyRemove(key: string, version: Version, reason: RemoveReason): IndexEntry | undefined {
    const removed = this.#state.applyRemove(key, version)
    if (removed !== undefined && reason !== "quarantine") this.#releaseBlob(this.#blobs.unref(removed.hash), removed.hash)
    if (removed !== undefined && reason === "evict") this.#counters.evictions++
    return removed
  }

  /**
   * Choose least-recently-used victims so the blob bytes (including blobs of puts in flight) fit
   * the budget once their records are durable. Shared blobs free nothing until their last key goes.
   */
  #planEvictions(keep: string | undefined): PlannedEviction[] {
    const budget = this.#config.maxBytes
    let projected = this.#blobs.bytes - this.#pendingFreeBytes
    if (projected <= budget) return []
    const pendingUnrefs = new Map<string, number>()
    for (const planned of this.#evicting.values()) pendingUnrefs.set(planned.entry.hash, (pendingUnrefs.get(planned.entry.hash) ?? 0) + 1)
    const plan: PlannedEviction[] = []
    for (const [key, entry] of this.#state.entries) {
      if (projected <= budget) break
      if (key === keep || this.#evicting.has(key)) continue
      const slot = this.#blobs.get(entry.hash)
      const unrefs = (pendingUnrefs.get(entry.hash) ?? 0) + 1
      pendingUnrefs.set(entry.hash, unrefs)
      const frees = slot !== undefined && slot.pins === 0 && slot.refs - unrefs === 0 ? slot.storedSize : 0
      const planned = { key, entry, frees }
      this.#evicting.set(key, planned)
      this.#pendingFreeBytes += frees
      projected -= frees
      plan.push(planned)
    }
    return plan
  }

  /** The eviction records became durable (apply them) or failed (forget the plan). */
  #finishEvictions(plan: readonly PlannedEviction[], durable: boolean): void {
    for (const planned of plan) {
      this.#evicting.delete(planned.key)
      this.#pendingFreeBytes -= planned.frees
      if (durable) this.#applyRemove(planned.key, planned.entry.version, "evict")
    }
  }

  /**
   * Move a blob that failed verification to `quarantine/` and durably drop every entry naming it.
   * Serialized with writes of the same hash, so a fresh copy written later is never moved.
   */
  async #quarantine(hash: string, slot: ReturnType<BlobTable["get"]>): Promise<void> {
    await this.#withBlobLock(hash, async () => {
      if (this.#blobs.get(hash) !== slot) return // already handled by a concurrent reader
      const from = blobPath(hash)
      const to = `${QUARANTINE_DIR}/${hash}.${Date.now()}-${++tempCounter}`
      try {
        await this.#config.fs.rename(this.#abs(from), this.#abs(to))
      } catch (cause) {
        if (!isNotFound(cause)) throw this.#error("quarantine blob", from, cause)
      }
      this.#blobs.forget(hash)
      this.#counters.quarantined++
      const victims = [...this.#state.entries].filter(([, e]) => e.hash === hash)
      if (victims.length === 0) return
      const records = victims.map(([key, e]) => encodeRecord({ type: "remove", key, version: e.version, reason: "quarantine" }))
      await this.#log.append(records, () => {
        for (const [key, e] of victims) this.#applyRemove(key, e.version, "quarantine")
      })
    })
    this.#afterMutation()
  }

  #afterMutation(): void {
    this.#refreshCounters()
    const log = this.#log.offset
    const { compactRatio, minCompactBytes } = this.#config
    if (
      this.#compaction === undefined &&
      this.#closing === undefined &&
      log > Math.max(minCompactBytes, this.#nextCompactionAt) &&
      log > compactRatio * this.#state.liveRecordBytes
    ) {
      this.#compaction = this.#compact().finally(() => (this.#compaction = undefined))
    }
  }

  #refreshCounters(): void {
    this.#counters.entries = this.#state.entries.size
    this.#counters.bytes = this.#blobs.bytes
  }

  /**
   * Rewrite the log as one record per live entry and tombstone: write `index.log.compact`,
   * fsync it, rename it over `index.log`, fsync the folder. Appends wait meanwhile (the log
   * writer's exclusive section), so the snapshot is exactly the applied state.
   */
  async #compact(): Promise<void> {
    const { fs } = this.#config
    const logPath = this.#abs(LOG_FILE)
    const tempPath = this.#abs(COMPACT_FILE)
    try {
      await this.#log.exclusive(async (handle) => {
        this.#state.retireTombstones(this.#openedAtVersion)
        const records = this.#state.snapshot().map(encodeRecord)
        const data = new Uint8Array(records.reduce((n, r) => n + r.byteLength, 0))
        let at = 0
        for (const r of records) {
          data.set(r, at)
          at += r.byteLength
        }
        try {
          const temp = await fs.open(tempPath, "create")
          try {
            await temp.write(data, 0)
            await temp.sync()
          } finally {
            await temp.close()
          }
          await fs.rename(tempPath, logPath)
        } catch (cause) {
          await fs.unlink(tempPath).catch(() => undefined)
          throw cause
        }
        // The old file is unlinked now: from here on, failing to switch to the new one is fatal.
        try {
          await fs.syncDir(this.#config.dir)
          const next = await fs.open(logPath, "existing")
          await handle.close().catch(() => undefined)
          return { handle: next, offset: data.byteLength }
        } catch (cause) {
          this.#log.poison(cause)
          throw cause
        }
      })
      this.#stats.compactions++
      this.#nextCompactionAt = 0
    } catch {
      // A failed compaction loses nothing (the old log is intact, or the writer is poisoned and
      // every later write reports the StorageError); it is retried after the next write.
      this.#stats.compactionFailures++
      this.#nextCompactionAt = this.#log.offset + this.#config.minCompactBytes
    }
  }
}
