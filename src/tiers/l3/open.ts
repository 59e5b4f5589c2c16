/**
 * Opening (and recovering) an L3 folder.
 *
 * 1. Create the folder, `blobs/` and `quarantine/` if missing.
 * 2. Delete a leftover `index.log.compact` (a compaction that crashed before its rename: the old
 *    log is still complete).
 * 3. Read `index.log`, replay its valid prefix, and cut off a torn or corrupt tail (truncate +
 *    fsync), so new records are never appended after garbage.
 * 4. Rebuild the blob reference counts from the index.
 * 5. Delete temp files and orphan blobs (written by puts whose record never became durable, or
 *    whose deletion a crash interrupted).
 */
import { join } from "node:path"
import { StorageError } from "../../errors.js"
import type { Compressor, L3Options } from "../../types.js"
import type { L3Tier } from "../contracts.js"
import { pakoCompressor } from "../l2/compressors.js"
import { BLOBS_DIR, QUARANTINE_DIR, TEMP_SUFFIX, isBlobName } from "./blob.js"
import { blake3Ready } from "./blake3.js"
import { BlobTable } from "./blob-table.js"
import { isNotFound, nodeFileSystem, type L3FileHandle, type L3FileSystem } from "./fs.js"
import { IndexState } from "./index-state.js"
import { COMPACT_FILE, L3Store, LOG_FILE, type RecoveredState } from "./l3-store.js"
import { decodeLog } from "./record.js"

/** Options of {@link openL3}: the public `L3Options` plus the folder and tuning knobs. */
export interface OpenL3Options extends L3Options {
  /** The store folder (created if missing). */
  readonly dir: string
  /** File-system calls (default: node:fs/promises); tests inject faults here. */
  readonly fs?: L3FileSystem
  /** Blobs whose raw size is at least this are stored deflated when that saves space (default 4096). */
  readonly compressThreshold?: number
  /** Compressor for blobs (default pako raw deflate). */
  readonly compressor?: Compressor
  /** Compact when the log exceeds this many times the size of a compacted log (default 4). */
  readonly compactRatio?: number
  /** ...and is larger than this many bytes (default 1 MiB). */
  readonly minCompactBytes?: number
  /**
   * Blobs of at most this many stored bytes are read synchronously when the file system offers
   * `readFileSync` (default 64 KiB; 0 = always asynchronous). With a warm page cache such a read
   * blocks the event loop for ~3–10 µs; on a cold cache it blocks for one device read, so set 0
   * for slow or network disks.
   */
  readonly syncReadMaxBytes?: number
}

export const DEFAULT_L3_COMPRESS_THRESHOLD = 4096
export const DEFAULT_COMPACT_RATIO = 4
export const DEFAULT_MIN_COMPACT_BYTES = 1 << 20
export const DEFAULT_SYNC_READ_MAX_BYTES = 64 * 1024

/** Open (creating or recovering) the L3 store in `options.dir`. Rejects only with `StorageError`. */
export async function openL3(options: OpenL3Options): Promise<L3Store & L3Tier> {
  const fs = options.fs ?? nodeFileSystem
  const dir = options.dir
  if (!(options.maxBytes > 0)) throw new StorageError({ op: "open", path: dir, cause: new RangeError(`maxBytes must be > 0, got ${options.maxBytes}`) })
  const config = {
    dir,
    fs,
    maxBytes: options.maxBytes,
    fsync: options.fsync ?? true,
    compressThreshold: options.compressThreshold ?? DEFAULT_L3_COMPRESS_THRESHOLD,
    compressor: options.compressor ?? pakoCompressor,
    compactRatio: options.compactRatio ?? DEFAULT_COMPACT_RATIO,
    minCompactBytes: options.minCompactBytes ?? DEFAULT_MIN_COMPACT_BYTES,
    syncReadMaxBytes: options.syncReadMaxBytes ?? DEFAULT_SYNC_READ_MAX_BYTES
  }
  // Verify on the WASM BLAKE3 from the first read (it falls back to pure JS by itself).
  await blake3Ready()
  return new L3Store(config, await recover(fs, dir, config.fsync))
}

async function step<T>(op: string, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (cause) {
    throw cause instanceof StorageError ? cause : new StorageError({ op, path, cause })
  }
}

async function recover(fs: L3FileSystem, dir: string, fsync: boolean): Promise<RecoveredState> {
  const logPath = join(dir, LOG_FILE)
  await step("mkdir", dir, async () => {
    await fs.mkdir(join(dir, BLOBS_DIR))
    await fs.mkdir(join(dir, QUARANTINE_DIR))
  })
  await step("remove stale compaction", join(dir, COMPACT_FILE), () => fs.unlink(join(dir, COMPACT_FILE)).catch(ignoreNotFound))

  const existing = await step("read index", logPath, () => fs.readFile(logPath).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e))))
  const { records, validLength } = existing === undefined ? { records: [], validLength: 0 } : decodeLog(existing)
  const tornBytesTruncated = existing === undefined ? 0 : existing.byteLength - validLength

  let log: L3FileHandle
  if (existing === undefined) {
    log = await step("create index", logPath, () => fs.open(logPath, "create"))
    if (fsync) await step("sync folder", dir, () => fs.syncDir(dir))
  } else {
    log = await step("open index", logPath, () => fs.open(logPath, "existing"))
    if (tornBytesTruncated > 0) {
      await step("truncate torn index tail", logPath, async () => {
        await log.truncate(validLength)
        if (fsync) await log.sync()
      })
    }
  }

  const state = new IndexState()
  for (const record of records) state.apply(record)
  const blobs = new BlobTable()
  for (const entry of state.entries.values()) blobs.addRef(entry.hash, entry.storedSize)

  const orphansRemoved = await step("remove orphans", join(dir, BLOBS_DIR), () => removeOrphans(fs, dir, blobs))
  return { state, blobs, log, logLength: validLength, tornBytesTruncated, orphansRemoved }
}

/** Delete temp files and blobs no index entry references. Returns how many files were deleted. */
async function removeOrphans(fs: L3FileSystem, dir: string, blobs: BlobTable): Promise<number> {
  let removed = 0
  const root = join(dir, BLOBS_DIR)
  for (const fan of await fs.readdir(root)) {
    if (!/^[0-9a-f]{2}$/.test(fan)) continue
    const fanDir = join(root, fan)
    for (const name of await fs.readdir(fanDir)) {
      const orphan = name.endsWith(TEMP_SUFFIX) || (isBlobName(name) && blobs.get(fan + name) === undefined)
      if (!orphan) continue
      await fs.unlink(join(fanDir, name)).catch(ignoreNotFound)
      removed++
    }
  }
  return removed
}

function ignoreNotFound(error: unknown): void {
  if (!isNotFound(error)) throw error
}
