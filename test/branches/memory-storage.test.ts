/**
 * TieredMemoryStorage (src/branches/memory-storage.ts), the spec's tier model for branch blobs:
 * puts land in L1 and durably in L3, demote/promote/evict move between tiers as the spec says, and
 * `bytes()` accounts per tier and in total (a blob in L1 and L3 counts in both tiers, once in total).
 */
import { describe, expect, it } from "vitest"
import { TieredMemoryStorage } from "../../src/branches/memory-storage.js"

const bytes = (n: number) => new Uint8Array(n).fill(n)

describe("TieredMemoryStorage", () => {
  it("accounts bytes per tier and distinct bytes in total as blobs move", async () => {
    const s = new TieredMemoryStorage()
    await s.put("a", bytes(10))
    await s.put("b", bytes(20))
    expect(s.bytes()).toEqual({ l1: 30, l2: 0, l3: 30, total: 30 })
    expect(await s.demote("a")).toBe(true) // L1 → L2
    expect(s.tierOf("a")).toBe("l2")
    expect(s.bytes()).toEqual({ l1: 20, l2: 10, l3: 30, total: 30 })
    expect(await s.demote("a")).toBe(true) // L2 → L3 (already there)
    expect(s.tierOf("a")).toBe("l3")
    expect(await s.demote("a")).toBe(false) // nothing below L3
    expect(s.keys("l1")).toEqual(["b"])
    expect(s.keys().sort()).toEqual(["a", "b"])
    expect(s.bytes()).toEqual({ l1: 20, l2: 0, l3: 30, total: 30 })
  })

  it("promote copies from L3 or moves from L2; evict drops from memory tiers only", async () => {
    const s = new TieredMemoryStorage()
    await s.put("a", bytes(4))
    expect(await s.promote("a")).toBe(false) // already in L1
    expect(await s.evict("a")).toBe(true) // L1 dropped, L3 keeps it
    expect(s.tierOf("a")).toBe("l3")
    expect(await s.evict("a")).toBe(false)
    expect(await s.promote("a")).toBe(true)
    expect(s.tierOf("a")).toBe("l1")
    expect(await s.evict("a", "l2")).toBe(false) // not in L2
    expect(await s.promote("missing")).toBe(false)
    expect(await s.get("a")).toEqual(bytes(4))
  })

  it("lose and tamper are faults: a lost blob reads as undefined, a tampered one as the new bytes", async () => {
    const s = new TieredMemoryStorage()
    await s.put("a", bytes(3))
    await s.put("b", bytes(5))
    s.tamper("a", bytes(7))
    s.tamper("nope", bytes(1)) // nothing to tamper with: no effect
    expect(await s.get("a")).toEqual(bytes(7))
    expect(s.tierOf("nope")).toBeUndefined()
    s.lose("b")
    expect(await s.get("b")).toBeUndefined()
    expect(s.bytes()).toEqual({ l1: 7, l2: 0, l3: 7, total: 7 })
    await s.delete("a")
    expect(s.bytes()).toEqual({ l1: 0, l2: 0, l3: 0, total: 0 })
  })
})
