/**
 * The branch content store (src/branches/content-store.ts) over a memory storage: reads verify
 * every blob against its address (forgotten, corrupt or undecodable bytes read as missing and are
 * counted), a failed store drops the reference it took, and releasing an unreferenced blob is a
 * programming error that is reported, not ignored.
 */
import { describe, expect, it } from "vitest"
import { contentHash, ContentStore, type BlobStorage } from "../../src/branches/content-store.js"
import { TieredMemoryStorage } from "../../src/branches/memory-storage.js"
import type { Compressor } from "../../src/types.js"

const text = (s: string) => new TextEncoder().encode(s)
const big = text("branch state ".repeat(20)) // compressible and above the 64-byte threshold

describe("ContentStore reads", () => {
  it("round-trips raw and compressed blobs; an unknown address reads as missing", async () => {
    const storage = new TieredMemoryStorage()
    const store = new ContentStore(storage)
    const small = text("tiny")
    const hSmall = await store.retain(small)
    const hBig = await store.retain(big)
    expect(await store.read(hSmall)).toEqual(small)
    expect(await store.read(hBig)).toEqual(big)
    expect(store.stats().storedBytes).toBeLessThan(store.stats().rawBytes) // the big one was compressed
    expect(await store.read(contentHash(text("never stored")))).toBeUndefined()
    expect(store.stats().corruptReads).toBe(0)
  })

  it("a blob the storage forgot reads as missing (not corrupt)", async () => {
    const storage = new TieredMemoryStorage()
    const store = new ContentStore(storage)
    const h = await store.retain(big)
    storage.lose(store.keyOf(h))
    expect(await store.read(h)).toBeUndefined()
    expect(store.stats().corruptReads).toBe(0)
  })

  it.each([
    ["empty stored bytes", () => new Uint8Array(0), 0],
    ["bytes whose hash does not match the address", () => Uint8Array.of(0, ...text("other content")), 1],
    ["an unknown flag byte", () => Uint8Array.of(7, ...big), 1],
    ["a compressed payload that does not inflate", () => Uint8Array.of(1, 0xde, 0xad, 0xbe, 0xef), 1],
  ])("%s read as missing; corrupt ones are counted", async (_name, tampered, corrupt) => {
    const storage = new TieredMemoryStorage()
    const store = new ContentStore(storage)
    const h = await store.retain(big)
    storage.tamper(store.keyOf(h), tampered())
    expect(await store.read(h)).toBeUndefined()
    expect(store.stats().corruptReads).toBe(corrupt)
  })

  it("stores raw when the compressor does not make the blob smaller", async () => {
    const identity: Compressor = { name: "identity", compress: (b) => b.slice(), decompress: (b) => b.slice() }
    const storage = new TieredMemoryStorage()
    const store = new ContentStore(storage, { compressor: identity, compressThreshold: 1, keyPrefix: "blob:" })
    const h = await store.retain(big)
    expect(store.keyOf(h)).toBe(`blob:${h}`)
    expect(store.stats().storedBytes).toBe(big.length + 1)
    expect(await store.read(h)).toEqual(big)
  })
})

describe("ContentStore references", () => {
  it("a failed store rejects, drops the reference it took and queues the delete", async () => {
    const deleted: string[] = []
    const failing: BlobStorage = {
      get: async () => undefined,
      put: async () => {
        throw new Error("disk full")
      },
      delete: async (key) => {
        deleted.push(key)
      },
    }
    const store = new ContentStore(failing)
    await expect(store.retain(big)).rejects.toThrow("disk full")
    await store.idle()
    expect(store.stats()).toMatchObject({ blobs: 0, references: 0, storedBytes: 0, rawBytes: 0 })
    expect(store.refCount(contentHash(big))).toBe(0)
    expect(deleted).toEqual([store.keyOf(contentHash(big))])
  })

  it("releasing an unreferenced blob throws; the last release deletes from storage", async () => {
    const storage = new TieredMemoryStorage()
    const store = new ContentStore(storage)
    expect(() => store.release("0".repeat(64))).toThrow(`content store: release of unreferenced blob ${"0".repeat(64)}`)
    const h = await store.retain(big)
    await store.retain(big)
    expect(store.stats()).toMatchObject({ blobs: 1, references: 2, dedupHits: 1 })
    await store.release(h)
    expect(storage.tierOf(store.keyOf(h))).toBe("l1")
    await store.release(h)
    await store.idle()
    expect(storage.tierOf(store.keyOf(h))).toBeUndefined()
    expect(store.keys()).toEqual([])
    expect(() => store.release(h)).toThrow("release of unreferenced blob")
  })
})
