import { describe, expect, it } from "vitest"
import { CacheClosed, InvalidKey, LoaderError, SerializationError, StorageError, ValueTooLarge } from "../../src/errors.js"
import { newDisk } from "./fakes/fake-tiers.js"
import { openFake, sized } from "./helpers.js"

describe("hierarchy: read path per tier", () => {
  it("serves a put from L1, then from L2 after demotion (promoting it back), then from L3 after a crash", async () => {
    const { h, built, lastServed } = await openFake({ l1Entries: 1 })
    await h.put("a", { v: 1 })
    expect(await h.read("a")).toEqual({ v: 1 })
    expect(lastServed()).toBe("l1")

    await h.put("b", { v: 2 }) // L1 holds one entry: a is demoted to L2
    expect(built.l1.has("a")).toBe(false)
    h.flushToL2() // L2's copy is made in a later macrotask; make it now
    expect(built.l2.has("a")).toBe(true)
    expect(await h.read("a")).toEqual({ v: 1 })
    expect(lastServed()).toBe("l2")
    // promotion moved a up (L1/L2 are exclusive) and pushed b down
    h.flushToL2()
    expect(built.l1.has("a")).toBe(true)
    expect(built.l2.has("a")).toBe(false)
    expect(built.l2.has("b")).toBe(true)
    expect(h.counters.promotionsFromL2).toBe(1)

    h.crash()
    expect(await h.read("b")).toEqual({ v: 2 })
    expect(lastServed()).toBe("l3")
    expect(built.l1.has("b")).toBe(true)
    expect(h.counters.promotionsFromL3).toBe(1)
    expect(await h.read("b")).toEqual({ v: 2 })
    expect(lastServed()).toBe("l1")
  })

  it("asks the loader on a miss everywhere, installs the result, and reports a miss when the loader has nothing", async () => {
    const calls: [string, string | undefined][] = []
    const { h, built, lastServed } = await openFake({}, async (key, agent) => {
      calls.push([key, agent])
      return key === "known" ? { from: "source" } : undefined
    })
    expect(await h.read("known", "a1")).toEqual({ from: "source" })
    expect(lastServed()).toBe("load")
    expect(calls).toEqual([["known", "a1"]])
    expect(built.l1.has("known")).toBe(true)
    expect(await h.read("known")).toEqual({ from: "source" })
    expect(calls.length).toBe(1)
    expect(await h.read("unknown")).toBeUndefined()
    expect(lastServed()).toBe("miss")
    expect(h.counters).toMatchObject({ loads: 2, misses: 1, gets: 3 })
  })

  it("wraps loader failures and unstorable loader results in LoaderError", async () => {
    const { h } = await openFake({}, async (key) => {
      if (key === "throws") throw new Error("backend down")
      return { bad: () => 1 } as never
    })
    const e1 = await h.read("throws").catch((e) => e)
    expect(e1).toBeInstanceOf(LoaderError)
    expect(e1.message).toContain("backend down")
    const e2 = await h.read("fn").catch((e) => e)
    expect(e2).toBeInstanceOf(LoaderError)
    expect(e2.cause).toBeInstanceOf(SerializationError)
    expect(h.counters.loadErrors).toBe(2)
    expect(h.inFlightKeys).toBe(0)
  })

  it("returns frozen JSON (the live L1 object) and private copies of bytes", async () => {
    const { h } = await openFake()
    const input = { a: { b: [1] } }
    await h.put("j", input)
    expect(Object.isFrozen(input)).toBe(false) // the caller's object is never frozen or kept
    const got = (await h.read("j")) as { a: { b: number[] } }
    expect(Object.isFrozen(got.a.b)).toBe(true)
    expect(h.getIfPresent("j")).toBe(got) // no copy on a hit
    const bytes = new Uint8Array([1, 2, 3])
    await h.put("bin", bytes)
    bytes[0] = 99
    const b1 = h.getIfPresent("bin") as Uint8Array
    b1[1] = 99
    expect([...((await h.read("bin")) as Uint8Array)]).toEqual([1, 2, 3])
  })

  it("rejects bad input with typed errors and changes nothing", async () => {
    const { h, built } = await openFake()
    await h.put("k", { v: 1 })
    const snapshot = () => [built.l1.size, built.l2.size, built.l3.size, built.l3.calls.put, h.counters.puts]
    const before = snapshot()
    await expect(h.put("", 1)).rejects.toBeInstanceOf(InvalidKey)
    await expect(h.put("k", { f: () => 1 })).rejects.toBeInstanceOf(SerializationError)
    await expect(h.put("k", "x".repeat(9 * 1024 * 1024))).rejects.toBeInstanceOf(ValueTooLarge)
    await expect(h.read("x".repeat(2000))).rejects.toBeInstanceOf(InvalidKey)
    expect(() => h.getIfPresent("")).toThrow(InvalidKey)
    await expect(h.invalidate("a\u0000b")).rejects.toBeInstanceOf(InvalidKey)
    expect(snapshot()).toEqual(before)
    expect(await h.read("k")).toEqual({ v: 1 })
  })

  it("a failed L3 write rejects the put with StorageError and keeps the previous value", async () => {
    const { h, built } = await openFake()
    await h.put("k", { v: 1 })
    built.l3.failNextPut = new Error("ENOSPC")
    const err = await h.put("k", { v: 2 }).catch((e) => e)
    expect(err).toBeInstanceOf(StorageError)
    expect(await h.read("k")).toEqual({ v: 1 })
    h.crash()
    expect(await h.read("k")).toEqual({ v: 1 })
  })

  it("after close every op fails with CacheClosed; close is idempotent and closes L3", async () => {
    const { h, built } = await openFake()
    await h.put("k", 1)
    await h.close()
    await h.close()
    expect(built.l3.closed).toBe(true)
    await expect(h.read("k")).rejects.toBeInstanceOf(CacheClosed)
    await expect(h.put("k", 2)).rejects.toBeInstanceOf(CacheClosed)
    await expect(h.invalidate("k")).rejects.toBeInstanceOf(CacheClosed)
    expect(() => h.getIfPresent("k")).toThrow(CacheClosed)
  })

  it("close waits for a put in flight, which stays durable", async () => {
    const disk = newDisk()
    const { h, built } = await openFake({ disk })
    const gate = built.l3.hold("put")
    const put = h.put("k", { v: 1 })
    const closing = h.close()
    gate.resolve()
    await put
    await closing
    const again = await openFake({ disk })
    expect(await again.h.read("k")).toEqual({ v: 1 })
  })

  it("close does not wait for a read stuck in the loader", async () => {
    const { h, built } = await openFake({}, () => new Promise(() => undefined))
    void h.read("hangs").catch(() => undefined)
    await h.close()
    expect(built.l3.closed).toBe(true)
  })

  it("reopening the same disk finds every acknowledged put and continues versions above it", async () => {
    const disk = newDisk()
    const first = await openFake({ disk, l1Entries: 2, l2Bytes: 200 })
    const want = new Map<string, unknown>()
    for (let i = 0; i < 30; i++) {
      const key = `k${i % 12}`
      const value = i % 5 === 0 ? new Uint8Array([i, i + 1]) : sized(40 + i, i)
      await first.h.put(key, value)
      want.set(key, value)
    }
    await first.h.invalidate("k3")
    want.delete("k3")
    await first.h.close()
    const second = await openFake({ disk })
    for (const [key, value] of want) {
      const got = await second.h.read(key)
      expect(value instanceof Uint8Array ? [...(got as Uint8Array)] : got).toEqual(value instanceof Uint8Array ? [...value] : value)
    }
    expect(await second.h.read("k3")).toBeUndefined()
    await second.h.put("k0", "newer")
    expect(disk.entries.get("k0")!.version).toBeGreaterThan(31)
  })
})
