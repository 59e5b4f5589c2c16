/**
 * The hierarchy's error reporting and its closed state over fake tiers: an L3 failure surfaces as
 * a `StorageError` (wrapped if the tier threw something else) and leaves the previous value
 * readable; bad keys fail with `InvalidKey` on every entry point; a closed hierarchy refuses work.
 */
import { describe, expect, it } from "vitest"
import { CacheClosed, InvalidKey, StorageError } from "../../src/errors.js"
import { openFake } from "./helpers.js"

describe("L3 failures", () => {
  it("a put whose L3 write throws a plain Error rejects with StorageError(op put) and installs nothing", async () => {
    const { h, built } = await openFake()
    await h.put("k", { v: 1 })
    built.l3.failNextPut = new Error("EIO")
    const err = await h.put("k", { v: 2 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StorageError)
    expect(err).toMatchObject({ op: "put", path: "k", message: "storage put failed on k: EIO" })
    expect((err as StorageError).cause).toBeInstanceOf(Error)
    expect(h.getIfPresent("k")).toEqual({ v: 1 })
    expect(await h.read("k")).toEqual({ v: 1 })
  })

  it("a StorageError from L3 is passed through as it is", async () => {
    const { h, built } = await openFake()
    const original = new StorageError({ op: "fsync", path: "/d/blob", cause: "ENOSPC" })
    built.l3.failNextPut = original
    await expect(h.put("k", 1)).rejects.toBe(original)
  })

  it("an invalidate whose L3 delete throws rejects with StorageError(op delete)", async () => {
    const { h, built } = await openFake()
    await h.put("k", 1)
    built.l3.delete = async () => {
      throw new TypeError("bad handle")
    }
    const err = await h.invalidate("k").catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StorageError)
    expect(err).toMatchObject({ op: "delete", path: "k", message: "storage delete failed on k: bad handle" })
    // the durable copy is still there: a read after the failed invalidate finds it again
    expect(await h.read("k")).toBe(1)
  })
})

describe("bad keys and a closed hierarchy", () => {
  it("getIfPresent with a non-string key throws InvalidKey (not a miss)", async () => {
    const { h } = await openFake()
    expect(() => h.getIfPresent(42 as never)).toThrow(InvalidKey)
    expect(() => h.getIfPresent(undefined as never)).toThrow("must be a string")
  })

  it("prefetch and invalidate of a bad key reject with InvalidKey", async () => {
    const { h } = await openFake()
    await expect(h.prefetch("")).rejects.toBeInstanceOf(InvalidKey)
    await expect(h.invalidate("")).rejects.toBeInstanceOf(InvalidKey)
    expect(h.counters.invalidations).toBe(0)
  })

  it("endAgent after close rejects with CacheClosed; close twice is fine", async () => {
    const { h, built } = await openFake()
    h.agents.register("a1", undefined)
    await h.close()
    await h.close()
    expect(built.l3.closed).toBe(true)
    await expect(h.endAgent("a1")).rejects.toBeInstanceOf(CacheClosed)
    expect(h.isClosed).toBe(true)
  })

  it("prefetchCounters count started, installed and used prefetches", async () => {
    const { h } = await openFake({}, async (key) => ({ key }))
    expect(h.prefetchCounters).toEqual({ started: 0, installed: 0, used: 0 })
    expect(await h.prefetch("p")).toBe(true)
    expect(await h.prefetch("p")).toBe(true) // already in L1: not started again
    expect(h.prefetchCounters).toEqual({ started: 1, installed: 1, used: 0 })
    expect(h.getIfPresent("p")).toEqual({ key: "p" })
    expect(h.prefetchCounters).toEqual({ started: 1, installed: 1, used: 1 })
  })
})
