import { beforeEach, describe, expect, it } from "vitest"
import { TieredMemoryStorage } from "../../src/branches/memory-storage.js"
import { SuperpositionManager } from "../../src/branches/superposition.js"
import { contentHash } from "../../src/branches/content-store.js"
import { encodeValue } from "../../src/branches/value-bytes.js"
import { BranchError, InvalidKey, SerializationError, ValueTooLarge } from "../../src/errors.js"
import type { JsonValue } from "../../src/types.js"
import { MemoryBase } from "./memory-base.js"

function bigState(seed: number): { readonly [k: string]: JsonValue } {
  return {
    agent: `agent-${seed}`,
    steps: Array.from({ length: 300 }, (_, i) => ({ i, note: `step ${i} of agent ${seed}`, score: (i * 37 + seed) % 101 })),
  }
}

let base: MemoryBase
let storage: TieredMemoryStorage
let sp: SuperpositionManager

beforeEach(() => {
  base = new MemoryBase()
  storage = new TieredMemoryStorage()
  sp = new SuperpositionManager(base, storage, { maxBranches: 4 })
})

/** Everything an erroring operation must leave as it was. */
async function snapshot(key: string) {
  await sp.idle()
  return {
    info: sp.superposition(key),
    base: base.values.get(key),
    blobs: storage.keys().sort(),
    stats: sp.store.stats(),
    branches: await Promise.all(sp.branches(key).map((b) => sp.getBranch(key, b))),
  }
}

async function expectBranchError(p: Promise<unknown>, reason: RegExp): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(BranchError)
  expect((err as BranchError).reason).toMatch(reason)
}

describe("quiet (the public getIfPresent's shortcut)", () => {
  it("is false from the moment a fork starts until the key's record is gone and no operation runs", async () => {
    base.values.set("k", { a: 1 })
    expect(sp.quiet).toBe(true)
    const forking = sp.fork("k", 2)
    // The fork holds the key's lock before it has read anything.
    expect(sp.quiet).toBe(false)
    expect(sp.involves("k")).toBe(true)
    expect(sp.involves("other")).toBe(false)
    await forking
    await sp.idle()
    expect(sp.quiet).toBe(false)
    expect(sp.involves("k")).toBe(true)
    await sp.collapse("k", "1")
    await sp.idle()
    // The collapsed record stays (its status is readable) until the key is invalidated.
    expect(sp.quiet).toBe(false)
    await sp.invalidate("k")
    await sp.idle()
    expect(sp.quiet).toBe(true)
    expect(sp.involves("k")).toBe(false)
  })
})

describe("fork / getBranch / putBranch", () => {
  it("forks n branches equal to the base, holding only the base snapshot", async () => {
    base.values.set("k", { a: 1 })
    expect(await sp.fork("k", 3)).toEqual(["0", "1", "2"])
    expect(sp.branches("k")).toEqual(["0", "1", "2"])
    expect(sp.superposition("k").status).toBe("superposed")
    for (const b of ["0", "1", "2"]) expect(await sp.getBranch("k", b)).toEqual({ a: 1 })
    expect(await sp.get("k")).toEqual({ a: 1 })
    expect(sp.store.stats().blobs).toBe(1)
  })

  it("stores a branch as a small delta and reads it back; get(key) stays the base", async () => {
    const doc = bigState(1)
    base.values.set("k", doc)
    await sp.fork("k", ["plan-a", "plan-b"])
    const changed = { ...doc, agent: "changed" }
    await sp.putBranch("k", "plan-a", changed)
    expect(await sp.getBranch("k", "plan-a")).toEqual(changed)
    expect(await sp.getBranch("k", "plan-b")).toEqual(doc)
    expect(await sp.get("k")).toEqual(doc)
    const stats = sp.store.stats()
    expect(stats.blobs).toBe(2)
    const baseBytes = JSON.stringify(doc).length
    // The delta blob is tiny next to the base: total stored ≈ compressed base + a few dozen bytes.
    expect(stats.rawBytes - (baseBytes + 1)).toBeLessThan(100)
  })

  it("returns frozen JSON values and fresh byte copies", async () => {
    base.values.set("j", { a: [1] })
    base.values.set("b", new Uint8Array([1, 2, 3]))
    await sp.fork("j", 1)
    await sp.fork("b", 1)
    expect(Object.isFrozen(await sp.getBranch("j", "0"))).toBe(true)
    await sp.putBranch("b", "0", new Uint8Array([1, 2, 4]))
    const bytes = (await sp.getBranch("b", "0")) as Uint8Array
    bytes[0] = 99
    expect(await sp.getBranch("b", "0")).toEqual(new Uint8Array([1, 2, 4]))
  })

  it("replacing a branch value frees the previous delta", async () => {
    base.values.set("k", bigState(2))
    await sp.fork("k", 1)
    await sp.putBranch("k", "0", { v: 1 })
    await sp.putBranch("k", "0", { v: 2 })
    await sp.idle()
    expect(sp.store.stats().blobs).toBe(2)
    expect(storage.keys()).toHaveLength(2)
    await sp.putBranch("k", "0", bigState(2))
    await sp.idle()
    expect(sp.store.stats().blobs).toBe(1) // equal to the base again: no delta blob at all
  })

  it("stores identical branches and identical states of different agents once", async () => {
    const doc = bigState(3)
    base.values.set("agent-1/state", doc)
    base.values.set("agent-2/state", structuredClone(doc))
    await sp.fork("agent-1/state", 2)
    await sp.fork("agent-2/state", 2)
    const changed = { ...doc, agent: "same change" }
    for (const k of ["agent-1/state", "agent-2/state"]) for (const b of ["0", "1"]) await sp.putBranch(k, b, changed)
    const stats = sp.store.stats()
    expect(stats.blobs).toBe(2) // one base, one delta
    expect(stats.references).toBe(6) // 2 bases + 4 branches
    expect(stats.dedupHits).toBe(4)
  })
})

describe("collapse", () => {
  it("installs the winner as the base, ends every branch, and frees all branch bytes in every tier", async () => {
    const doc = bigState(4)
    base.values.set("k", doc)
    await sp.fork("k", ["a", "b", "c"])
    await sp.putBranch("k", "a", { ...doc, agent: "A" })
    await sp.putBranch("k", "b", { ...doc, agent: "B" })
    // Spread the branch data over the tiers: the base snapshot to L3, one delta to L2, one left in L1.
    const [first, second] = storage.keys()
    await storage.demote(first)
    await storage.demote(first)
    await storage.demote(second)
    expect(new Set(storage.keys().map((k) => storage.tierOf(k)))).toEqual(new Set(["l1", "l2", "l3"]))
    await sp.collapse("k", "b")
    expect(await sp.get("k")).toEqual({ ...doc, agent: "B" })
    expect(sp.superposition("k")).toMatchObject({ status: "collapsed", winner: "b", branches: [] })
    await expectBranchError(sp.getBranch("k", "a"), /not superposed \(status collapsed\)/)
    await sp.idle()
    expect(storage.keys()).toEqual([])
    expect(sp.store.stats()).toMatchObject({ blobs: 0, references: 0, storedBytes: 0 })
  })

  it("can fork again after a collapse, with a new epoch", async () => {
    base.values.set("k", { n: 1 })
    await sp.fork("k", 2)
    const first = sp.superposition("k").epoch
    await sp.putBranch("k", "1", { n: 2 })
    await sp.collapse("k", "1")
    await sp.fork("k", 2)
    expect(sp.superposition("k").epoch).toBeGreaterThan(first)
    expect(await sp.getBranch("k", "0")).toEqual({ n: 2 })
  })

  it("leaves everything as it was when the base write fails", async () => {
    base.values.set("k", { n: 1 })
    await sp.fork("k", 2)
    await sp.putBranch("k", "1", { n: 2 })
    const before = await snapshot("k")
    base.failNextWrite = true
    await expect(sp.collapse("k", "1")).rejects.toThrow("disk full")
    expect(await snapshot("k")).toEqual(before)
    expect(await sp.get("k")).toEqual({ n: 1 })
  })
})

describe("discard", () => {
  it("frees the branch's bytes from every tier and keeps the others", async () => {
    base.values.set("k", bigState(5))
    await sp.fork("k", ["x", "y"])
    await sp.putBranch("k", "x", { other: true })
    await sp.putBranch("k", "y", { other: false })
    expect(storage.keys()).toHaveLength(3)
    await sp.discard("k", "x")
    await sp.idle()
    expect(sp.branches("k")).toEqual(["y"])
    expect(storage.keys()).toHaveLength(2)
    expect(sp.store.stats().blobs).toBe(2)
    await expectBranchError(sp.getBranch("k", "x"), /the branch is discarded/)
    expect(await sp.getBranch("k", "y")).toEqual({ other: false })
    expect(await sp.get("k")).toEqual(bigState(5))
  })
})

describe("bad input: typed errors, nothing changed", () => {
  beforeEach(async () => {
    base.values.set("k", { n: 1 })
    base.values.set("single", { n: 0 })
    await sp.fork("k", ["a", "b"])
    await sp.putBranch("k", "a", { n: 2 })
  })

  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ["getBranch of an unknown branch", () => sp.getBranch("k", "zz"), /unknown branch; live branches are \["a","b"\]/],
    ["putBranch of an unknown branch", () => sp.putBranch("k", "zz", 1), /unknown branch/],
    ["collapse onto an unknown branch", () => sp.collapse("k", "zz"), /unknown branch/],
    ["discard of an unknown branch", () => sp.discard("k", "zz"), /unknown branch/],
    ["collapse of a key that is not superposed", () => sp.collapse("single", "a"), /cannot collapse a key that is not superposed \(status single\)/],
    ["getBranch of a key that is not superposed", () => sp.getBranch("single", "a"), /not superposed/],
    ["fork of a missing key", () => sp.fork("missing", 2), /cannot fork a missing key/],
    ["fork of too many branches (count)", () => sp.fork("single", 5), /exceeds maxBranches 4/],
    ["fork of too many branches (ids)", () => sp.fork("single", ["1", "2", "3", "4", "5"]), /exceeds maxBranches 4/],
    ["fork of no branches", () => sp.fork("single", []), /at least one branch/],
    ["fork with a repeated id", () => sp.fork("single", ["x", "x"]), /given twice/],
    ["fork with an empty id", () => sp.fork("single", [""]), /bad branch id/],
    ["fork of an already superposed key", () => sp.fork("k", 2), /already superposed/],
    ["fork with a fractional count", () => sp.fork("single", 1.5), /integer/],
  ]

  for (const [name, op, reason] of cases) {
    it(name, async () => {
      const before = [await snapshot("k"), await snapshot("single")]
      await expectBranchError(op(), reason)
      expect([await snapshot("k"), await snapshot("single")]).toEqual(before)
    })
  }

  it("discard of the last live branch", async () => {
    await sp.discard("k", "b")
    const before = await snapshot("k")
    await expectBranchError(sp.discard("k", "a"), /cannot discard the last live branch: collapse onto it/)
    expect(await snapshot("k")).toEqual(before)
  })

  it("putBranch of a non-JSON value or a too-large value", async () => {
    const before = await snapshot("k")
    await expect(sp.putBranch("k", "a", { x: NaN })).rejects.toBeInstanceOf(SerializationError)
    const small = new SuperpositionManager(base, storage, { maxEntryBytes: 10 })
    await expect(small.putBranch("k", "a", "x".repeat(20))).rejects.toBeInstanceOf(ValueTooLarge)
    await expect(sp.getBranch("", "a")).rejects.toBeInstanceOf(InvalidKey)
    expect(await snapshot("k")).toEqual(before)
  })

  it("rejects a maxBranches outside 1..250", () => {
    expect(() => new SuperpositionManager(base, storage, { maxBranches: 0 })).toThrow(RangeError)
  })
})

describe("forgetting, corruption, invalidation, base puts", () => {
  beforeEach(async () => {
    base.values.set("k", bigState(6))
    await sp.fork("k", ["a", "b"])
    await sp.putBranch("k", "a", { replaced: true })
  })

  /** The one blob that is not the fork base: branch a's delta. */
  const deltaKeyOf = (): string => {
    const baseKey = sp.store.keyOf(contentHash(encodeValue(bigState(6))))
    const others = storage.keys().filter((k) => k !== baseKey)
    expect(others).toHaveLength(1)
    return others[0]
  }

  it("a branch evicted from L1 is still read from L3 (and reinstalled in L1)", async () => {
    expect(await sp.evictBranch("k", "a")).toBe(true)
    expect(storage.tierOf(deltaKeyOf())).toBe("l3")
    expect(await sp.getBranch("k", "a")).toEqual({ replaced: true })
    expect(storage.tierOf(deltaKeyOf())).toBe("l1")
  })

  it("a branch whose bytes every tier lost reads as undefined and cannot win a collapse", async () => {
    storage.lose(deltaKeyOf())
    expect(await sp.getBranch("k", "a")).toBeUndefined()
    await expectBranchError(sp.collapse("k", "a"), /evicted from every tier/)
    expect(await sp.getBranch("k", "b")).toEqual(bigState(6))
  })

  it("a corrupt blob reads as undefined, never as wrong data", async () => {
    const key = deltaKeyOf()
    const bytes = (await storage.get(key))!.slice()
    bytes[bytes.length - 1] ^= 1
    storage.tamper(key, bytes)
    expect(await sp.getBranch("k", "a")).toBeUndefined()
    expect(sp.store.stats().corruptReads).toBe(1)
  })

  it("tier moves keep branch data readable", async () => {
    expect(await sp.demoteBranch("k", "a")).toBe(true)
    expect(await sp.demoteBranch("k", "a")).toBe(true)
    expect(storage.tierOf(deltaKeyOf())).toBe("l3")
    expect(await sp.getBranch("k", "a")).toEqual({ replaced: true })
    expect(storage.tierOf(deltaKeyOf())).toBe("l1") // the L3 read installed a copy in L1
    expect(await sp.evictBranch("k", "a")).toBe(true)
    expect(await sp.promoteBranch("k", "a")).toBe(true)
    expect(storage.tierOf(deltaKeyOf())).toBe("l1")
    expect(await sp.promoteBranch("k", "a")).toBe(false)
  })

  it("invalidate ends the superposition and frees its bytes", async () => {
    await sp.invalidate("k")
    await sp.idle()
    expect(storage.keys()).toEqual([])
    expect(sp.superposition("k").status).toBe("single")
    expect(await sp.get("k")).toBeUndefined()
  })

  it("a base put while superposed is visible to get; branches keep their fork base; collapse overwrites", async () => {
    await sp.put("k", { newer: 1 })
    expect(await sp.get("k")).toEqual({ newer: 1 })
    expect(await sp.getBranch("k", "b")).toEqual(bigState(6))
    await sp.collapse("k", "b")
    expect(await sp.get("k")).toEqual(bigState(6))
  })
})
