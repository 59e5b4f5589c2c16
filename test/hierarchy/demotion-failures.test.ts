/**
 * A demotion whose L3 write fails (L2 victim → L3): the failure is counted, nothing is invented,
 * and the key reads as forgotten (the loader answers again) — a cache may forget, never lie.
 */
import { describe, expect, it } from "vitest"
import { settle } from "./fakes/deferred.js"
import { openFake, sized } from "./helpers.js"

describe("demotion write failures", () => {
  it("are counted; the demoted key is forgotten and reloaded, never served stale", async () => {
    const loads: string[] = []
    const { h, built, disk } = await openFake({ l1Entries: 1, l2Bytes: 150 }, async (key) => {
      loads.push(key)
      return sized(100, Number(key.slice(1)))
    })
    await h.read("k0") // L1: k0
    await h.read("k1") // L1: k1, L2: k0
    built.l3.failNextPut = new Error("EIO")
    await h.read("k2") // L1: k2, L2: k1, k0 demoted to L3 — and that write fails
    await settle()
    expect(h.counters.demotionsFromL2).toBe(1)
    expect(h.counters.demotionWriteErrors).toBe(1)
    expect(disk.entries.has("k0")).toBe(false)
    expect(built.l2.has("k0")).toBe(false)
    expect(await h.read("k0")).toEqual(sized(100, 0))
    expect(loads).toEqual(["k0", "k1", "k2", "k0"])
    expect(h.counters.loads).toBe(4)
  })
})
