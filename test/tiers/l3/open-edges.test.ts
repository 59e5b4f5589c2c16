/**
 * L3 error and edge paths: bad options, unexpected things in the folder (a stray entry in blobs/,
 * a folder where the index or a leftover compaction file should be), a torn tail recovered
 * without fsync, over-long keys, version ordering and tombstone queries.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { COMPACT_FILE, LOG_FILE, openL3 } from "../../../src/tiers/l3/index.js"
import { encodeRecord, hexToBytes } from "../../../src/tiers/l3/record.js"
import { FaultyFs, randomBytes, removeTempDirs, tempDir } from "./helpers.js"

afterEach(removeTempDirs)

describe("openL3 refuses what it cannot use", () => {
  it.each([[0], [-1], [Number.NaN]])("maxBytes %s → StorageError(open) with the reason", async (maxBytes) => {
    const dir = tempDir()
    await expect(openL3({ dir, maxBytes })).rejects.toMatchObject({
      _tag: "StorageError",
      op: "open",
      path: dir,
      cause: new RangeError(`maxBytes must be > 0, got ${maxBytes}`),
    })
  })

  it("an index that is a folder is a StorageError naming the read", async () => {
    const dir = tempDir()
    mkdirSync(join(dir, LOG_FILE))
    await expect(openL3({ dir, maxBytes: 1e6, fsync: false })).rejects.toMatchObject({ _tag: "StorageError", op: "read index", path: join(dir, LOG_FILE) })
  })

  it("a leftover compaction path that cannot be removed is a StorageError, not ignored", async () => {
    const dir = tempDir()
    mkdirSync(join(dir, COMPACT_FILE)) // unlink(2) of a folder fails with EISDIR, not ENOENT
    const err = await openL3({ dir, maxBytes: 1e6, fsync: false }).catch((e: unknown) => e)
    expect(err).toMatchObject({ _tag: "StorageError", op: "remove stale compaction", path: join(dir, COMPACT_FILE) })
    expect((err as { cause: { code: string } }).cause.code).toMatch(/^(EISDIR|EPERM)$/)
  })
})

describe("openL3 recovery", () => {
  it("leaves entries of blobs/ that are not fan-out folders alone", async () => {
    const dir = tempDir()
    let store = await openL3({ dir, maxBytes: 1e6, fsync: false })
    expect(await store.put("k", randomBytes(100, 1), 1)).toBe(true)
    await store.close()
    writeFileSync(join(dir, "blobs", "README"), "not a blob")
    mkdirSync(join(dir, "blobs", "tmp"))
    store = await openL3({ dir, maxBytes: 1e6, fsync: false })
    expect(store.stats.orphansRemoved).toBe(0)
    expect((await store.get("k"))?.bytes).toEqual(randomBytes(100, 1))
    await store.close()
  })

  it("cuts a torn index tail without fsync when fsync is off (and with it when on)", async () => {
    const dir = tempDir()
    let store = await openL3({ dir, maxBytes: 1e6, fsync: false })
    await store.put("a", randomBytes(50, 1), 1)
    await store.put("b", randomBytes(50, 2), 2)
    await store.close()
    appendFileSync(join(dir, LOG_FILE), Uint8Array.of(0xde, 0xad, 0xbe))
    const fs = new FaultyFs()
    store = await openL3({ dir, maxBytes: 1e6, fsync: false, fs })
    expect(store.stats.tornBytesTruncated).toBe(3)
    expect(fs.count("truncate")).toBe(1)
    expect(fs.count("sync")).toBe(0)
    expect((await store.get("b"))?.version).toBe(2)
    await store.close()

    appendFileSync(join(dir, LOG_FILE), Uint8Array.of(0xde, 0xad))
    const synced = new FaultyFs()
    store = await openL3({ dir, maxBytes: 1e6, fsync: true, fs: synced })
    expect(store.stats.tornBytesTruncated).toBe(2)
    expect(synced.count("sync", LOG_FILE)).toBeGreaterThanOrEqual(1)
    await store.close()
  })
})

describe("L3 versions, tombstones and keys", () => {
  it("an older put is refused and keeps the newer value; tombstoneOf is -1 until a delete", async () => {
    const store = await openL3({ dir: tempDir(), maxBytes: 1e6, fsync: false })
    expect(store.tombstoneOf("k")).toBe(-1)
    expect(await store.put("k", randomBytes(10, 1), 5)).toBe(true)
    expect(await store.put("k", randomBytes(10, 2), 4)).toBe(false)
    expect(await store.get("k")).toMatchObject({ bytes: randomBytes(10, 1), version: 5 })
    await store.delete("k", 6)
    expect(store.tombstoneOf("k")).toBe(6)
    expect(await store.put("k", randomBytes(10, 3), 6)).toBe(false) // not newer than the delete
    expect(await store.get("k")).toBeUndefined()
    expect(await store.put("k", randomBytes(10, 3), 7)).toBe(true)
    await store.close()
  })

  it("a key too long for an index record fails the put with a StorageError and leaves the store usable", async () => {
    const store = await openL3({ dir: tempDir(), maxBytes: 1e6, fsync: false })
    const err = await store.put("k".repeat((1 << 20) + 1), randomBytes(10, 1), 1).catch((e: unknown) => e)
    expect(err).toMatchObject({ _tag: "StorageError" })
    expect(String((err as { cause: unknown }).cause)).toContain("index record for a 1048577-byte key is too large")
    expect([store.size, store.bytes]).toEqual([0, 0])
    expect(await store.put("short", randomBytes(10, 2), 1)).toBe(true)
    expect(store.size).toBe(1)
    await store.close()
  })

  it("record encoding refuses a hash that is not a BLAKE3 hex digest", () => {
    expect(() => hexToBytes("abc")).toThrow(/not a BLAKE3 hex digest: abc/)
    expect(() => hexToBytes("Z".repeat(64))).toThrow(RangeError)
    expect(hexToBytes("0f".repeat(32))).toEqual(new Uint8Array(32).fill(15))
    expect(() => encodeRecord({ type: "put", key: "k", version: 1, hash: "nothex", storedSize: 1, rawSize: 1, flags: 0 } as never)).toThrow(RangeError)
  })
})
