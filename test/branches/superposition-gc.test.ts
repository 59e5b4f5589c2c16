/**
 * The superposition manager's lazy frees (GcSibling) and its options: a free that fails in storage
 * does not undo a collapse — it is counted and recorded for diagnosis — and a manager configured
 * with its own compressor, threshold and decoded-base memo size stores and reads branches exactly.
 */
import { describe, expect, it } from "vitest"
import { pakoCompressor } from "../../src/branches/content-store.js"
import { TieredMemoryStorage } from "../../src/branches/memory-storage.js"
import { SuperpositionManager } from "../../src/branches/superposition.js"
import type { Compressor, JsonValue } from "../../src/types.js"
import { MemoryBase } from "./memory-base.js"

const state = (tag: string): JsonValue => ({ tag, steps: Array.from({ length: 100 }, (_, i) => ({ i, note: `step ${i}` })) })

describe("GcSibling failures", () => {
  it("a failing storage delete leaves the collapse done; the failure is counted and kept", async () => {
    const storage = new TieredMemoryStorage(async (op) => {
      if (op === "delete") throw new Error("EIO on delete")
    })
    const base = new MemoryBase()
    base.values.set("k", state("root"))
    const sp = new SuperpositionManager(base, storage)
    await sp.fork("k", ["a", "b"])
    await sp.putBranch("k", "a", state("a"))
    await sp.putBranch("k", "b", state("b"))
    await sp.collapse("k", "a")
    await sp.idle()
    expect(await sp.get("k")).toEqual(state("a"))
    expect(sp.branches("k")).toEqual([])
    const stats = sp.stats()
    expect(stats.gcFailures).toBeGreaterThan(0)
    expect(stats.references).toBe(0) // the references are gone even though the bytes stayed
    expect(sp.lastGcFailure?.error).toMatchObject({ message: "EIO on delete" })
    expect(storage.keys().length).toBeGreaterThan(0) // unreachable bytes left in storage
  })
})

describe("SuperpositionManager options", () => {
  it("uses the given compressor and threshold, and a one-entry decoded-base memo", async () => {
    let compressed = 0
    let decompressed = 0
    // The project's deflate, counted: the manager must hand its blobs to this compressor.
    const counted: Compressor = {
      name: "counted-pako",
      compress: (b) => {
        compressed++
        return pakoCompressor.compress(b)
      },
      decompress: (b) => {
        decompressed++
        return pakoCompressor.decompress(b)
      },
    }
    const base = new MemoryBase()
    const storage = new TieredMemoryStorage()
    const sp = new SuperpositionManager(base, storage, { compressor: counted, compressThreshold: 1, decodedBases: 1 })
    base.values.set("k1", state("one"))
    base.values.set("k2", state("two"))
    await sp.fork("k1", ["a"])
    await sp.fork("k2", ["a"])
    expect(compressed).toBeGreaterThan(0)
    // alternate between the two keys: the memo holds one base, so each switch decodes again
    for (let round = 0; round < 3; round++) {
      expect(await sp.getBranch("k1", "a")).toEqual(state("one"))
      expect(await sp.getBranch("k2", "a")).toEqual(state("two"))
    }
    expect(decompressed).toBeGreaterThanOrEqual(6)
    const stats = sp.stats()
    expect(stats.storedBytes).toBeLessThan(stats.rawBytes)
  })

  it("decodedBases: 0 disables the memo and reads stay exact", async () => {
    const base = new MemoryBase()
    const storage = new TieredMemoryStorage()
    const sp = new SuperpositionManager(base, storage, { decodedBases: 0 })
    base.values.set("k", state("root"))
    await sp.fork("k", ["a", "b"])
    await sp.putBranch("k", "a", state("changed"))
    expect(await sp.getBranch("k", "a")).toEqual(state("changed"))
    expect(await sp.getBranch("k", "b")).toEqual(state("root"))
    expect(await sp.getBranch("k", "b")).toEqual(state("root"))
  })
})
