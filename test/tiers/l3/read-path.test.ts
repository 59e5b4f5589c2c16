/**
 * Which read a hit takes: blobs up to `syncReadMaxBytes` stored bytes through `readFileSync`
 * (when the file system has one), larger ones — and every read on a file system without it —
 * through `readFile`. Both paths must map errors the same way.
 */
import { afterEach, describe, expect, it } from "vitest"
import { StorageError } from "../../../src/errors.js"
import { DEFAULT_SYNC_READ_MAX_BYTES, nodeFileSystem, openL3, type L3FileSystem } from "../../../src/tiers/l3/index.js"
import { fsError, randomBytes, removeTempDirs, tempDir } from "./helpers.js"

afterEach(removeTempDirs)

/** nodeFileSystem with blob reads counted per path; `failWith` makes blob reads throw. */
function countingFs(options: { sync: boolean }) {
  const counts = { sync: 0, async: 0 }
  let failWith: string | undefined
  const fs: L3FileSystem = {
    ...nodeFileSystem,
    readFile(path, expectedSize) {
      if (path.includes("/blobs/")) {
        counts.async++
        if (failWith) return Promise.reject(fsError(failWith))
      }
      return nodeFileSystem.readFile(path, expectedSize)
    },
    readFileSync: options.sync
      ? (path, expectedSize) => {
          counts.sync++
          if (failWith) throw fsError(failWith)
          return nodeFileSystem.readFileSync!(path, expectedSize)
        }
      : undefined
  }
  return { fs, counts, fail: (code: string | undefined) => (failWith = code) }
}

describe("L3 blob read path", () => {
  it("reads blobs up to the cut-off synchronously and larger ones asynchronously", async () => {
    const { fs, counts } = countingFs({ sync: true })
    const l3 = await openL3({ dir: tempDir(), maxBytes: 1 << 24, fs, compressThreshold: Infinity, syncReadMaxBytes: 1000 })
    const small = randomBytes(999, 1) // stored as 1000 bytes (format byte + data): at the cut-off
    const large = randomBytes(1000, 2) // stored as 1001 bytes: just above it
    await l3.put("small", small, 1)
    await l3.put("large", large, 2)
    expect((await l3.get("small"))!.bytes).toEqual(small)
    expect(counts).toEqual({ sync: 1, async: 0 })
    expect((await l3.get("large"))!.bytes).toEqual(large)
    expect(counts).toEqual({ sync: 1, async: 1 })
    await l3.close()
  })

  it("defaults to a 64 KiB cut-off; 0 makes every read asynchronous", async () => {
    expect(DEFAULT_SYNC_READ_MAX_BYTES).toBe(64 * 1024)
    for (const [syncReadMaxBytes, want] of [
      [undefined, { sync: 1, async: 1 }],
      [0, { sync: 0, async: 2 }]
    ] as const) {
      const { fs, counts } = countingFs({ sync: true })
      const l3 = await openL3({ dir: tempDir(), maxBytes: 1 << 24, fs, compressThreshold: Infinity, syncReadMaxBytes })
      await l3.put("at", randomBytes(64 * 1024 - 1, 3), 1)
      await l3.put("above", randomBytes(64 * 1024, 4), 2)
      expect((await l3.get("at"))!.bytes).toEqual(randomBytes(64 * 1024 - 1, 3))
      expect((await l3.get("above"))!.bytes).toEqual(randomBytes(64 * 1024, 4))
      expect(counts, `syncReadMaxBytes ${syncReadMaxBytes}`).toEqual(want)
      await l3.close()
    }
  })

  it("a file system without readFileSync gets every read through readFile", async () => {
    const { fs, counts } = countingFs({ sync: false })
    const l3 = await openL3({ dir: tempDir(), maxBytes: 1 << 24, fs })
    await l3.put("k", randomBytes(100, 5), 1)
    expect((await l3.get("k"))!.bytes).toEqual(randomBytes(100, 5))
    expect(counts).toEqual({ sync: 0, async: 1 })
    await l3.close()
  })

  for (const sync of [true, false]) {
    const path = sync ? "sync" : "async"
    it(`${path} read: an I/O error surfaces as StorageError and keeps the entry; ENOENT is a quarantined miss`, async () => {
      const { fs, fail } = countingFs({ sync })
      const l3 = await openL3({ dir: tempDir(), maxBytes: 1 << 24, fs })
      await l3.put("k", randomBytes(100, 6), 1)
      fail("EIO")
      const error = await l3.get("k").catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StorageError)
      expect(l3.has("k")).toBe(true)
      expect(l3.counters.quarantined).toBe(0)
      fail("ENOENT")
      expect(await l3.get("k")).toBeUndefined()
      expect(l3.has("k")).toBe(false)
      expect(l3.counters.quarantined).toBe(1)
      fail(undefined)
      await l3.close()
    })
  }

  it("many concurrent synchronous-path hits each return their own bytes", async () => {
    const l3 = await openL3({ dir: tempDir(), maxBytes: 1 << 24 })
    const values = Array.from({ length: 200 }, (_, i) => randomBytes(100 + i * 37, i + 10))
    await Promise.all(values.map((v, i) => l3.put(`k${i}`, v, i + 1)))
    const got = await Promise.all(values.map((_, i) => l3.get(`k${i}`)))
    got.forEach((g, i) => expect(g?.bytes, `k${i}`).toEqual(values[i]))
    expect(l3.counters.hits).toBe(values.length)
    await l3.close()
  })
})
