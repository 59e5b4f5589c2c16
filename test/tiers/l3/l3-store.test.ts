import { existsSync, readdirSync, statSync, writeFileSync, mkdirSync, readFileSync, appendFileSync, truncateSync } from "node:fs"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { StorageError } from "../../../src/errors.js"
import { COMPACT_FILE, LOG_FILE, blobPath, hashBytes, openL3, type OpenL3Options } from "../../../src/tiers/l3/index.js"
import { FaultyFs, fsError, randomBytes, removeTempDirs, tempDir, textBytes } from "./helpers.js"

afterEach(removeTempDirs)

const MiB = 1 << 20

function open(dir: string, extra: Partial<OpenL3Options> = {}) {
  return openL3({ dir, maxBytes: 16 * MiB, ...extra })
}

function blobFiles(dir: string): string[] {
  const root = join(dir, "blobs")
  return readdirSync(root).flatMap((fan) => readdirSync(join(root, fan)).map((name) => fan + name))
}

describe("L3 put / get / delete", () => {
  it("stores, reads back, reports versions and misses", async () => {
    const l3 = await open(tempDir())
    expect(await l3.put("a", randomBytes(100, 1), 1)).toBe(true)
    expect(await l3.get("a")).toEqual({ bytes: randomBytes(100, 1), version: 1 })
    expect(await l3.get("nope")).toBeUndefined()
    expect(l3.versionOf("a")).toBe(1)
    expect(l3.versionOf("nope")).toBe(-1)
    expect(l3.has("a")).toBe(true)
    expect(l3.maxVersion).toBe(1)
    expect(l3.counters).toMatchObject({ hits: 1, misses: 1, entries: 1, bytes: 101 })
    await l3.close()
  })

  it("stores the empty value", async () => {
    const l3 = await open(tempDir())
    expect(await l3.put("e", new Uint8Array(0), 1)).toBe(true)
    expect(await l3.get("e")).toEqual({ bytes: new Uint8Array(0), version: 1 })
    await l3.close()
  })

  it("ignores a put at or below the held version and replaces on a newer one", async () => {
    const l3 = await open(tempDir())
    await l3.put("k", randomBytes(10, 1), 5)
    expect(await l3.put("k", randomBytes(10, 2), 5)).toBe(false)
    expect(await l3.put("k", randomBytes(10, 3), 4)).toBe(false)
    expect((await l3.get("k"))!.bytes).toEqual(randomBytes(10, 1))
    expect(await l3.put("k", randomBytes(10, 4), 6)).toBe(true)
    expect(await l3.get("k")).toEqual({ bytes: randomBytes(10, 4), version: 6 })
    await l3.close()
  })

  it("a tombstone blocks older puts but not newer ones, also after reopen", async () => {
    const dir = tempDir()
    let l3 = await open(dir)
    await l3.put("k", randomBytes(10, 1), 1)
    await l3.delete("k", 3)
    expect(l3.has("k")).toBe(false)
    expect(await l3.get("k")).toBeUndefined()
    expect(await l3.put("k", randomBytes(10, 2), 2)).toBe(false)
    expect(await l3.put("k", randomBytes(10, 3), 3)).toBe(false)
    // A delete of an absent key still leaves a tombstone (blocks an older in-flight put).
    await l3.delete("never", 7)
    expect(await l3.put("never", randomBytes(10, 4), 6)).toBe(false)
    await l3.close()
    l3 = await open(dir)
    expect(l3.maxVersion).toBe(7)
    expect(await l3.put("k", randomBytes(10, 2), 2)).toBe(false)
    expect(await l3.put("never", randomBytes(10, 4), 6)).toBe(false)
    expect(await l3.put("k", randomBytes(10, 5), 8)).toBe(true)
    expect(await l3.get("k")).toEqual({ bytes: randomBytes(10, 5), version: 8 })
    await l3.close()
  })

  it("a delete older than the held version changes nothing", async () => {
    const l3 = await open(tempDir())
    await l3.put("k", randomBytes(10, 1), 5)
    await l3.delete("k", 4)
    expect(await l3.get("k")).toEqual({ bytes: randomBytes(10, 1), version: 5 })
    await l3.close()
  })

  it("an older put racing a newer delete never wins, whatever order the records land in", async () => {
    const l3 = await open(tempDir())
    await l3.put("k", randomBytes(10, 1), 1)
    const slowPut = l3.put("k", randomBytes(5000, 2), 2) // starts first, has a blob to write
    const del = l3.delete("k", 3)
    const [putResult] = await Promise.all([slowPut, del])
    expect(typeof putResult).toBe("boolean")
    expect(await l3.get("k")).toBeUndefined()
    expect(l3.has("k")).toBe(false)
    await l3.close()
  })

  it("concurrent puts of one key: the highest version wins", async () => {
    const l3 = await open(tempDir())
    const results = await Promise.all([3, 1, 4, 2, 5].map((v) => l3.put("k", randomBytes(200 * v, v), v)))
    expect(results[4]).toBe(true)
    expect(await l3.get("k")).toEqual({ bytes: randomBytes(1000, 5), version: 5 })
    await l3.close()
  })

  it("rejects invalid versions with StorageError", async () => {
    const l3 = await open(tempDir())
    for (const bad of [Number.NaN, -1, 1.5, Infinity]) {
      await expect(l3.put("k", randomBytes(5), bad)).rejects.toBeInstanceOf(StorageError)
      await expect(l3.delete("k", bad)).rejects.toBeInstanceOf(StorageError)
    }
    expect(l3.size).toBe(0)
    await l3.close()
  })

  it("close is idempotent and later operations reject with StorageError", async () => {
    const l3 = await open(tempDir())
    await l3.put("a", randomBytes(10), 1)
    await Promise.all([l3.close(), l3.close()])
    await l3.close()
    await expect(l3.get("a")).rejects.toBeInstanceOf(StorageError)
    await expect(l3.put("b", randomBytes(10), 2)).rejects.toBeInstanceOf(StorageError)
    await expect(l3.delete("a", 3)).rejects.toBeInstanceOf(StorageError)
  })

  it("close waits for puts in flight", async () => {
    const dir = tempDir()
    const l3 = await open(dir)
    const puts = Array.from({ length: 20 }, (_, i) => l3.put(`k${i}`, randomBytes(3000, i), i + 1))
    await l3.close()
    expect(await Promise.all(puts)).toEqual(Array(20).fill(true))
    const again = await open(dir)
    expect(again.size).toBe(20)
    await again.close()
  })
})

describe("L3 dedupe and refcounts", () => {
  it("identical values from different keys are stored once", async () => {
    const dir = tempDir()
    const l3 = await open(dir)
    const value = randomBytes(5000, 9)
    await l3.put("a", value, 1)
    await l3.put("b", value, 2)
    await l3.put("c", randomBytes(100, 1), 3)
    expect(l3.counters.dedupedPuts).toBe(1)
    expect(l3.bytes).toBe(5001 + 101)
    expect(blobFiles(dir).sort()).toEqual([hashBytes(value), hashBytes(randomBytes(100, 1))].sort())
    expect((await l3.get("b"))!.bytes).toEqual(value)
    await l3.close()
  })

  it("a shared blob lives until its last reference goes, also across reopen", async () => {
    const dir = tempDir()
    const value = textBytes(9000)
    let l3 = await open(dir)
    await l3.put("a", value, 1)
    await l3.put("b", value, 2)
    await l3.put("c", value, 3)
    await l3.delete("a", 4)
    await l3.close()
    expect(blobFiles(dir)).toEqual([hashBytes(value)])
    l3 = await open(dir) // refcount rebuilt from the index: 2
    await l3.delete("b", 5)
    await l3.close()
    expect(blobFiles(dir)).toEqual([hashBytes(value)])
    l3 = await open(dir)
    expect((await l3.get("c"))!.bytes).toEqual(value)
    await l3.put("c", randomBytes(10), 6) // replace: the old blob loses its last reference
    await l3.close()
    expect(blobFiles(dir)).toEqual([hashBytes(randomBytes(10))])
  })

  it("concurrent puts of the same new value write one blob", async () => {
    const dir = tempDir()
    const fs = new FaultyFs()
    const l3 = await open(dir, { fs })
    const value = randomBytes(4000, 3)
    await Promise.all(Array.from({ length: 10 }, (_, i) => l3.put(`k${i}`, value, i + 1)))
    expect(l3.counters.dedupedPuts).toBe(9)
    expect(fs.count("rename", "/blobs/")).toBe(1)
    expect(blobFiles(dir)).toEqual([hashBytes(value)])
    await l3.close()
  })

  it("compresses large compressible blobs and verifies the raw bytes", async () => {
    const dir = tempDir()
    const l3 = await open(dir, { compressThreshold: 1024 })
    const value = textBytes(50_000)
    await l3.put("big", value, 1)
    const file = join(dir, blobPath(hashBytes(value)))
    expect(statSync(file).size).toBeLessThan(5000)
    expect(l3.bytes).toBe(statSync(file).size)
    expect((await l3.get("big"))!.bytes).toEqual(value)
    await l3.close()
  })
})

describe("L3 byte budget", () => {
  it("evicts least recently used entries durably and keeps within budget", async () => {
    const dir = tempDir()
    let l3 = await open(dir, { maxBytes: 10_100 })
    for (let i = 0; i < 10; i++) await l3.put(`k${i}`, randomBytes(999, i), i + 1) // 1000 B each with the format byte
    expect(l3.bytes).toBe(10_000)
    await l3.get("k0") // k0 becomes most recent: k1 is the LRU now
    await l3.put("k10", randomBytes(999, 10), 11)
    expect(l3.has("k1")).toBe(false)
    expect(l3.has("k0")).toBe(true)
    expect(l3.counters.evictions).toBe(1)
    expect(l3.bytes).toBeLessThanOrEqual(10_100)
    await l3.put("k11", randomBytes(2999, 11), 12)
    expect(l3.bytes).toBeLessThanOrEqual(10_100)
    expect([l3.has("k2"), l3.has("k3"), l3.has("k4")]).toEqual([false, false, false])
    await l3.close()
    expect(blobFiles(dir).length).toBe(8)
    l3 = await open(dir, { maxBytes: 10_100 })
    expect(l3.has("k1")).toBe(false)
    expect(l3.size).toBe(8)
    // An evicted version leaves a tombstone: an older in-flight put cannot bring it back.
    expect(await l3.put("k1", randomBytes(10), 2)).toBe(false)
    await l3.close()
  })

  it("evicting a key whose blob is shared frees nothing until the blob's last key goes", async () => {
    const dir = tempDir()
    const l3 = await open(dir, { maxBytes: 3000 })
    const shared = randomBytes(999, 1) // 1000 bytes stored with the format byte
    await l3.put("a", shared, 1)
    await l3.put("b", shared, 2)
    await l3.put("c", randomBytes(999, 3), 3)
    await l3.put("d", randomBytes(999, 4), 4)
    expect(l3.bytes).toBe(3000)
    expect(l3.counters.evictions).toBe(0)
    await l3.put("e", randomBytes(999, 5), 5)
    // LRU order a, b, c, d: evicting a alone frees nothing (b still uses the blob), so b goes too.
    expect([..."abcde"].map((k) => l3.has(k))).toEqual([false, false, true, true, true])
    expect(l3.counters.evictions).toBe(2)
    expect(l3.bytes).toBe(3000)
    await l3.close()
    expect(blobFiles(dir)).not.toContain(hashBytes(shared))
  })

  it("budget holds under concurrent puts", async () => {
    const l3 = await open(tempDir(), { maxBytes: 50_000 })
    await Promise.all(Array.from({ length: 100 }, (_, i) => l3.put(`k${i}`, randomBytes(1000 + i, i), i + 1)))
    expect(l3.bytes).toBeLessThanOrEqual(50_000)
    expect(l3.has("k99") || l3.has("k98")).toBe(true)
    await l3.close()
  })

  it("a value larger than the whole budget is refused", async () => {
    const l3 = await open(tempDir(), { maxBytes: 1000 })
    expect(await l3.put("huge", randomBytes(5000), 1)).toBe(false)
    expect(l3.has("huge")).toBe(false)
    await l3.close()
  })
})

describe("L3 persistence, compaction and log recovery", () => {
  it("reopen finds every acknowledged write", async () => {
    const dir = tempDir()
    let l3 = await open(dir)
    const expected = new Map<string, { bytes: Uint8Array; version: number }>()
    let version = 0
    for (let i = 0; i < 300; i++) {
      const key = `k${i % 120}`
      const bytes = i % 3 === 0 ? textBytes(100 + i * 37, i) : randomBytes(i * 11, i)
      version++
      if (i % 17 === 0) {
        await l3.delete(key, version)
        expected.delete(key)
      } else {
        await l3.put(key, bytes, version)
        expected.set(key, { bytes, version })
      }
    }
    await l3.close()
    l3 = await open(dir)
    expect(l3.size).toBe(expected.size)
    expect(l3.maxVersion).toBe(version)
    for (const [key, value] of expected) expect(await l3.get(key)).toEqual(value)
    await l3.close()
  })

  it("compacts the log when it outgrows the live records, and the result replays identically", async () => {
    const dir = tempDir()
    let l3 = await open(dir, { minCompactBytes: 2000, compactRatio: 2 })
    let version = 0
    for (let round = 0; round < 40; round++) {
      for (let k = 0; k < 5; k++) await l3.put(`k${k}`, randomBytes(50, round * 10 + k), ++version)
      await l3.delete(`gone${round}`, ++version)
    }
    expect(l3.stats.compactions).toBeGreaterThan(0)
    await l3.close()
    const logSize = statSync(join(dir, LOG_FILE)).size
    expect(logSize).toBeLessThan(4000 * 2)
    expect(existsSync(join(dir, COMPACT_FILE))).toBe(false)
    l3 = await open(dir)
    expect(l3.maxVersion).toBe(version)
    for (let k = 0; k < 5; k++) expect(await l3.get(`k${k}`)).toEqual({ bytes: randomBytes(50, 390 + k), version: version - 5 + k })
    // Tombstones written before this open may be retired at the next compaction, but a put at an
    // old version still cannot resurrect the key.
    expect(await l3.put("gone3", randomBytes(5), 10)).toBe(false)
    await l3.close()
  })

  it("retired tombstones keep refusing old versions after a compaction in a later session", async () => {
    const dir = tempDir()
    let l3 = await open(dir)
    await l3.put("x", randomBytes(20, 1), 1)
    await l3.delete("x", 2)
    await l3.close()
    l3 = await open(dir, { minCompactBytes: 300, compactRatio: 1.5 })
    let v = 10
    for (let i = 0; i < 30; i++) await l3.put("churn", randomBytes(20, i), ++v)
    expect(l3.stats.compactions).toBeGreaterThan(0)
    await l3.close()
    l3 = await open(dir)
    expect(await l3.put("x", randomBytes(20, 2), 2)).toBe(false)
    expect(await l3.put("x", randomBytes(20, 3), v + 1)).toBe(true)
    await l3.close()
  })

  it("an entry older than the retired-tombstone floor survives compaction and reopen", async () => {
    // Found by the crash test: the floor must not refuse live entries when a compacted log replays.
    const dir = tempDir()
    let l3 = await open(dir)
    await l3.put("old", randomBytes(20, 1), 1)
    await l3.put("x", randomBytes(20, 2), 2)
    await l3.delete("x", 3)
    await l3.close()
    l3 = await open(dir, { minCompactBytes: 300, compactRatio: 1.5 })
    let v = 10
    for (let i = 0; i < 30; i++) await l3.put("churn", randomBytes(20, i), ++v) // compaction retires x's tombstone: floor 3
    expect(l3.stats.compactions).toBeGreaterThan(0)
    await l3.close()
    for (let session = 0; session < 2; session++) {
      l3 = await open(dir)
      expect(await l3.get("old")).toEqual({ bytes: randomBytes(20, 1), version: 1 })
      await l3.close()
    }
  })

  it("cuts off a torn tail and keeps every complete record", async () => {
    const dir = tempDir()
    let l3 = await open(dir)
    for (let i = 1; i <= 10; i++) await l3.put(`k${i}`, randomBytes(30, i), i)
    await l3.close()
    const logPath = join(dir, LOG_FILE)
    const full = statSync(logPath).size
    truncateSync(logPath, full - 5) // the last record (k10) is torn
    l3 = await open(dir)
    expect(l3.stats.tornBytesTruncated).toBeGreaterThan(0)
    expect(l3.has("k10")).toBe(false)
    for (let i = 1; i <= 9; i++) expect((await l3.get(`k${i}`))!.bytes).toEqual(randomBytes(30, i))
    // New records go right after the last good one, and survive another reopen.
    await l3.put("k11", randomBytes(30, 11), 11)
    await l3.close()
    l3 = await open(dir)
    expect(l3.stats.tornBytesTruncated).toBe(0)
    expect((await l3.get("k11"))!.bytes).toEqual(randomBytes(30, 11))
    expect(l3.size).toBe(10)
    await l3.close()
  })

  it("ignores garbage appended after the last record", async () => {
    const dir = tempDir()
    let l3 = await open(dir)
    await l3.put("a", randomBytes(30), 1)
    await l3.close()
    appendFileSync(join(dir, LOG_FILE), randomBytes(100, 5))
    l3 = await open(dir)
    expect(l3.stats.tornBytesTruncated).toBe(100)
    expect((await l3.get("a"))!.bytes).toEqual(randomBytes(30))
    await l3.close()
  })

  it("removes orphan blobs, temp files and a stale compaction file on open", async () => {
    const dir = tempDir()
    let l3 = await open(dir)
    await l3.put("a", randomBytes(30), 1)
    await l3.close()
    const orphan = hashBytes(randomBytes(40, 2))
    mkdirSync(join(dir, "blobs", orphan.slice(0, 2)), { recursive: true })
    writeFileSync(join(dir, blobPath(orphan)), randomBytes(41, 2))
    writeFileSync(join(dir, blobPath(orphan)) + ".123-4.tmp", randomBytes(10))
    writeFileSync(join(dir, COMPACT_FILE), randomBytes(10))
    l3 = await open(dir)
    expect(l3.stats.orphansRemoved).toBe(2)
    expect(blobFiles(dir)).toEqual([hashBytes(randomBytes(30))])
    expect(existsSync(join(dir, COMPACT_FILE))).toBe(false)
    await l3.close()
  })
})

describe("L3 group commit", () => {
  it("concurrent puts share log fsyncs", async () => {
    const fs = new FaultyFs()
    const l3 = await open(tempDir(), { fs })
    const n = 200
    const results = await Promise.all(Array.from({ length: n }, (_, i) => l3.put(`k${i}`, randomBytes(64, i), i + 1)))
    expect(results.every(Boolean)).toBe(true)
    const logSyncs = fs.count("sync", LOG_FILE)
    expect(logSyncs).toBe(l3.stats.fsyncs)
    expect(l3.stats.records).toBe(n)
    // Every record is durable with far fewer fsyncs than puts.
    expect(logSyncs).toBeLessThan(n / 4)
    // Blob folder fsyncs are batched too: at most one per touched folder per flush.
    expect(fs.count("syncDir", "/blobs")).toBeLessThan(n)
    await l3.close()
  })

  it("with fsync disabled nothing is fsynced", async () => {
    const fs = new FaultyFs()
    const l3 = await open(tempDir(), { fs, fsync: false })
    await Promise.all(Array.from({ length: 20 }, (_, i) => l3.put(`k${i}`, randomBytes(64, i), i + 1)))
    expect(fs.count("sync") + fs.count("syncDir")).toBe(0)
    await l3.close()
  })
})

describe("L3 I/O failures", () => {
  it("a failed blob write rejects with StorageError and keeps the previous value", async () => {
    const dir = tempDir()
    const fs = new FaultyFs()
    const l3 = await open(dir, { fs })
    await l3.put("k", randomBytes(100, 1), 1)
    fs.fault = (op, path) => {
      if (op === "write" && path.endsWith(".tmp")) throw fsError("ENOSPC")
    }
    const error = await l3.put("k", randomBytes(100, 2), 2).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StorageError)
    expect((error as StorageError).message).toMatch(/ENOSPC/)
    fs.fault = undefined
    expect(await l3.get("k")).toEqual({ bytes: randomBytes(100, 1), version: 1 })
    expect(await l3.put("k", randomBytes(100, 3), 3)).toBe(true)
    await l3.close()
    expect(readdirSync(join(dir, "blobs")).flatMap((f) => readdirSync(join(dir, "blobs", f))).some((n) => n.endsWith(".tmp"))).toBe(false)
  })

  it("a failure at any step of a put rejects with StorageError and keeps the previous value", async () => {
    const steps: [string, (op: string, path: string) => boolean][] = [
      ["open temp blob", (op, path) => op === "open" && path.endsWith(".tmp")],
      ["write temp blob", (op, path) => op === "write" && path.endsWith(".tmp")],
      ["fsync temp blob", (op, path) => op === "sync" && path.endsWith(".tmp")],
      ["rename blob", (op, path) => op === "rename" && path.endsWith(".tmp")],
      ["fsync blob folder", (op, path) => op === "syncDir" && path.includes("/blobs")],
      ["write log", (op, path) => op === "write" && path.endsWith(LOG_FILE)],
      ["fsync log", (op, path) => op === "sync" && path.endsWith(LOG_FILE)]
    ]
    for (const [name, matches] of steps) {
      const dir = tempDir()
      const fs = new FaultyFs()
      let l3 = await open(dir, { fs })
      await l3.put("k", randomBytes(100, 1), 1)
      let fired = false
      fs.fault = (op, path) => {
        if (!fired && matches(op, path)) {
          fired = true
          throw fsError("ENOSPC")
        }
      }
      const error = await l3.put("k", randomBytes(100, 2), 2).then(
        () => undefined,
        (e: unknown) => e
      )
      expect(fired, name).toBe(true)
      expect(error, name).toBeInstanceOf(StorageError)
      expect(await l3.get("k"), name).toEqual({ bytes: randomBytes(100, 1), version: 1 })
      expect(await l3.put("k", randomBytes(100, 3), 3), name).toBe(true)
      await l3.close()
      l3 = await open(dir)
      expect(await l3.get("k"), name).toEqual({ bytes: randomBytes(100, 3), version: 3 })
      expect(blobFiles(dir), name).toEqual([hashBytes(randomBytes(100, 3))])
      await l3.close()
    }
  })

  it("a failed log write or fsync is rolled back: the put is not replayed after reopen", async () => {
    for (const failing of ["write", "sync"] as const) {
      const dir = tempDir()
      const fs = new FaultyFs()
      let l3 = await open(dir, { fs })
      await l3.put("k", randomBytes(100, 1), 1)
      let injected = false
      fs.fault = (op, path) => {
        if (op === failing && path.endsWith(LOG_FILE) && !injected) {
          injected = true
          throw fsError("EIO")
        }
      }
      await expect(l3.put("k", randomBytes(100, 2), 2)).rejects.toBeInstanceOf(StorageError)
      expect(await l3.get("k")).toEqual({ bytes: randomBytes(100, 1), version: 1 })
      // The writer recovered: later puts work.
      expect(await l3.put("other", randomBytes(10), 3)).toBe(true)
      await l3.close()
      l3 = await open(dir)
      expect(await l3.get("k")).toEqual({ bytes: randomBytes(100, 1), version: 1 })
      expect(l3.has("other")).toBe(true)
      await l3.close()
    }
  })

  it("when the rollback fails too, the store refuses writes but never loses acknowledged data", async () => {
    const dir = tempDir()
    const fs = new FaultyFs()
    let l3 = await open(dir, { fs })
    await l3.put("k", randomBytes(100, 1), 1)
    fs.fault = (op, path) => {
      if ((op === "sync" || op === "truncate") && path.endsWith(LOG_FILE)) throw fsError("EIO")
    }
    await expect(l3.put("k", randomBytes(100, 2), 2)).rejects.toBeInstanceOf(StorageError)
    fs.fault = undefined
    await expect(l3.put("x", randomBytes(10), 3)).rejects.toBeInstanceOf(StorageError)
    await expect(l3.delete("k", 4)).rejects.toBeInstanceOf(StorageError)
    expect((await l3.get("k"))!.version).toBe(1)
    await l3.close()
    l3 = await open(dir)
    // The unacknowledged put may or may not have reached the disk; the bytes are whole either way.
    const got = await l3.get("k")
    expect(got).toBeDefined()
    expect(got!.bytes).toEqual(randomBytes(100, got!.version))
    await l3.close()
  })

  it("a failing close rejects with StorageError", async () => {
    const fs = new FaultyFs()
    const l3 = await open(tempDir(), { fs })
    await l3.put("k", randomBytes(10), 1)
    fs.fault = (op, path) => {
      if (op === "close" && path.endsWith(LOG_FILE)) throw fsError("EIO")
    }
    await expect(l3.close()).rejects.toBeInstanceOf(StorageError)
  })

  it("open on an unusable folder rejects with StorageError", async () => {
    const dir = tempDir()
    writeFileSync(join(dir, "file"), "x")
    await expect(open(join(dir, "file"))).rejects.toBeInstanceOf(StorageError)
    const fs = new FaultyFs()
    fs.fault = (op) => {
      if (op === "readFile") throw fsError("EACCES")
    }
    await expect(open(tempDir(), { fs })).rejects.toBeInstanceOf(StorageError)
  })

  it("a read error other than a missing file rejects with StorageError and quarantines nothing", async () => {
    const dir = tempDir()
    const fs = new FaultyFs()
    const l3 = await open(dir, { fs })
    await l3.put("k", randomBytes(100, 1), 1)
    fs.fault = (op, path) => {
      if (op === "readFile" && path.includes("/blobs/")) throw fsError("EIO")
    }
    await expect(l3.get("k")).rejects.toBeInstanceOf(StorageError)
    fs.fault = undefined
    expect(l3.counters.quarantined).toBe(0)
    expect((await l3.get("k"))!.bytes).toEqual(randomBytes(100, 1))
    await l3.close()
    expect(readFileSync(join(dir, LOG_FILE)).byteLength).toBeGreaterThan(0)
  })
})
