/**
 * What the Promise facade and agent views do once closed / ended, and how the facade cleans up
 * when it cannot open: every operation fails with `CacheClosed` (synchronously for
 * `getIfPresent`), nothing is released twice, and a temp folder the facade made is removed.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { CacheClosed, createTierCache, StorageError, type TierCacheClient } from "../../src/index.js"
import { fakeTiers } from "../hierarchy/fakes/fake-tiers.js"

const open: TierCacheClient[] = []
const dirs: string[] = []
const savedTmp = process.env.TMPDIR
afterEach(async () => {
  if (savedTmp === undefined) delete process.env.TMPDIR
  else process.env.TMPDIR = savedTmp
  await Promise.all(open.splice(0).map((c) => c.close()))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function fakeCache(): Promise<TierCacheClient> {
  const c = await createTierCache({ tierFactory: fakeTiers().factory })
  open.push(c)
  return c
}

/** Every asynchronous operation of a cache or view, named, on key `k` and branch `b`. */
function asyncOps(target: Pick<TierCacheClient, "get" | "put" | "invalidate" | "prefetch" | "fork" | "getBranch" | "putBranch" | "collapse" | "discard" | "branches">) {
  return [
    ["get", () => target.get("k")],
    ["put", () => target.put("k", 1)],
    ["invalidate", () => target.invalidate("k")],
    ["prefetch", () => target.prefetch("k")],
    ["fork", () => target.fork("k", 2)],
    ["getBranch", () => target.getBranch("k", "b")],
    ["putBranch", () => target.putBranch("k", "b", 1)],
    ["collapse", () => target.collapse("k", "b")],
    ["discard", () => target.discard("k", "b")],
    ["branches", () => target.branches("k")],
  ] as const
}

describe("a closed cache", () => {
  it("rejects every operation with CacheClosed naming the cache", async () => {
    const c = await fakeCache()
    await c.put("k", 1)
    await c.close()
    for (const [name, op] of asyncOps(c)) {
      const err = await op().then(
        () => `${name} resolved`,
        (e: unknown) => e,
      )
      expect(err, name).toBeInstanceOf(CacheClosed)
    }
    expect(() => c.getIfPresent("k")).toThrow(CacheClosed)
    expect(() => c.agent("a1")).toThrow("the cache is closed")
  })

  it("ends its live views without releasing their keys; endAgent afterwards is a no-op", async () => {
    const fake = fakeTiers()
    const c = await createTierCache({ tierFactory: fake.factory })
    const a1 = c.agent("a1")
    await a1.put("a1:x", 1)
    await c.close()
    expect(a1.ended).toBe(true)
    await expect(a1.get("a1:x")).rejects.toMatchObject({ _tag: "CacheClosed", message: "agent view a1 is closed" })
    await expect(a1.end()).resolves.toBeUndefined()
    await expect(c.endAgent("a1")).resolves.toBeUndefined()
    await expect(c.endAgent("never-registered")).resolves.toBeUndefined()
    // the private key was not invalidated by the close: it is still on the (fake) disk
    expect(fake.disk.entries.has("a1:x")).toBe(true)
  })
})

describe("an ended agent view", () => {
  it("rejects every operation with CacheClosed naming the view; the cache stays usable", async () => {
    const c = await fakeCache()
    const a1 = c.agent("a1")
    await a1.put("shared", 1)
    await a1.end()
    for (const [name, op] of asyncOps(a1)) {
      const err = await op().then(
        () => `${name} resolved`,
        (e: unknown) => e,
      )
      expect(err, name).toMatchObject({ _tag: "CacheClosed", what: "agent view a1" })
    }
    expect(() => a1.getIfPresent("shared")).toThrow("agent view a1 is closed")
    expect(await c.get("shared")).toBe(1)
  })

  it("a view ended directly is replaced by a fresh one; the old one stays ended", async () => {
    const c = await fakeCache()
    const first = c.agent("a1")
    await first.end()
    const second = c.agent("a1")
    expect(second).not.toBe(first)
    expect(second.ended).toBe(false)
    // ending the new view must not be confused with the old one
    await c.endAgent("a1")
    expect(second.ended).toBe(true)
    expect(first.ended).toBe(true)
  })

  it("endAgent without a live view releases the agent's private keys", async () => {
    const c = await fakeCache()
    const a1 = c.agent("a1")
    await a1.put("a1:x", 1)
    await a1.end()
    // the agent registers again through a new view, stores a key, and the view object is dropped
    await c.agent("a1").put("a1:y", 2)
    await c.endAgent("a1")
    expect(await c.get("a1:y")).toBeUndefined()
    // an id that never had a view: nothing to release, resolves
    await expect(c.endAgent("ghost")).resolves.toBeUndefined()
  })
})

describe("agent view operations", () => {
  it("prefetch loads into L1 on the agent's behalf (the loader sees the agent id)", async () => {
    const loads: [string, string | undefined][] = []
    const c = await createTierCache({
      tierFactory: fakeTiers().factory,
      load: async (key, agentId) => {
        loads.push([key, agentId])
        return { key }
      },
    })
    open.push(c)
    const a1 = c.agent("a1")
    expect(c.getIfPresent("p")).toBeUndefined()
    expect(await a1.prefetch("p")).toBe(true)
    expect(loads).toEqual([["p", "a1"]])
    expect(a1.getIfPresent("p")).toEqual({ key: "p" })
    expect(c.stats().loads).toBe(1)
  })

  it("forks, writes, reads and collapses branches as the agent", async () => {
    const c = await fakeCache()
    const a1 = c.agent("a1")
    await a1.put("plan", { step: 0 })
    const ids = await a1.fork("plan", ["x", "y", "z"])
    expect(ids).toEqual(["x", "y", "z"])
    await a1.putBranch("plan", "x", { step: 1 })
    await a1.putBranch("plan", "y", { step: 2 })
    expect(await a1.getBranch("plan", "x")).toEqual({ step: 1 })
    await a1.discard("plan", "z")
    expect(await a1.branches("plan")).toEqual(["x", "y"])
    await a1.collapse("plan", "y")
    expect(await a1.branches("plan")).toEqual([])
    expect(await a1.get("plan")).toEqual({ step: 2 })
    expect(c.getIfPresent("plan")).toEqual({ step: 2 })
  })

  it("another agent's private key is denied for the branch API too", async () => {
    const c = await fakeCache()
    const a1 = c.agent("a1")
    const a2 = c.agent("a2")
    await a1.put("a1:plan", 1)
    await expect(a2.fork("a1:plan", 2)).rejects.toMatchObject({ _tag: "AccessDenied", owner: "a1", agentId: "a2" })
    await expect(a2.branches("a1:plan")).rejects.toMatchObject({ _tag: "AccessDenied" })
    await expect(a2.prefetch("a1:plan")).rejects.toMatchObject({ _tag: "AccessDenied" })
  })
})

describe("facade wiring", () => {
  it("stats().prefetch comes from the registered source and disappears when it is removed", async () => {
    const c = await fakeCache()
    const prefetch = { issued: 4, used: 3, accuracy: 0.75, coverage: 0.5, timeliness: 1, falsePositiveRate: 0.25, wastedBytes: 10 }
    c.setPrefetchStatsSource(() => prefetch)
    expect(c.stats().prefetch).toEqual(prefetch)
    c.setPrefetchStatsSource(undefined)
    expect(c.stats()).not.toHaveProperty("prefetch")
  })

  it("the access observer can be removed", async () => {
    const c = await fakeCache()
    const seen: string[] = []
    c.onAccess = (_agent, key) => seen.push(key)
    await c.put("k", 1)
    await c.get("k")
    c.onAccess = undefined
    await c.get("k")
    expect(seen).toEqual(["k"])
  })
})

describe("createTierCache failures", () => {
  it("a temp folder that cannot be created is a StorageError naming mkdtemp", async () => {
    const parent = mkdtempSync(join(tmpdir(), "tc-closed-"))
    dirs.push(parent)
    process.env.TMPDIR = join(parent, "does-not-exist")
    const err = await createTierCache({ tierFactory: fakeTiers().factory }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StorageError)
    expect(err).toMatchObject({ op: "mkdtemp", path: join(parent, "does-not-exist") })
    expect((err as StorageError).message).toContain("storage mkdtemp failed on")
  })

  it("removes the temp folder it made when the tiers cannot open, and rethrows their error", async () => {
    const parent = mkdtempSync(join(tmpdir(), "tc-closed-"))
    dirs.push(parent)
    process.env.TMPDIR = parent
    const failure = new StorageError({ op: "open", path: "l3", cause: new Error("EACCES") })
    const err = await createTierCache({
      tierFactory: async () => {
        // the facade made its folder before building the tiers
        expect(readdirSync(parent)).toHaveLength(1)
        throw failure
      },
    }).catch((e: unknown) => e)
    expect(err).toBe(failure)
    expect(readdirSync(parent)).toEqual([])
  })

  it("keeps a caller-given folder when the tiers cannot open", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tc-closed-own-"))
    dirs.push(dir)
    const err = await createTierCache({
      dir,
      tierFactory: async () => {
        throw new StorageError({ op: "open", path: dir, cause: "busy" })
      },
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({ _tag: "StorageError", op: "open" })
    expect(existsSync(dir)).toBe(true)
  })
})
