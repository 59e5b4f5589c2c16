/**
 * Branch blobs that the tiers forgot, read through the real cache wiring (CacheBranches over the
 * hierarchy, fake tiers): the loader is asked for the blob key like any key; whatever it answers
 * other than the exact bytes — JSON, a failure — the branch reads as forgotten (`undefined`), never
 * as a wrong value. Plus base operations on a forked key and bad input through the same wiring.
 */
import { afterEach, describe, expect, it } from "vitest"
import { createTierCache, type TierCacheClient } from "../../src/service/index.js"
import { fakeTiers } from "../hierarchy/fakes/fake-tiers.js"
import type { Loader } from "../../src/types.js"

let cache: TierCacheClient | undefined
afterEach(async () => {
  await cache?.close()
  cache = undefined
})

const doc = (tag: string) => ({ tag, log: Array.from({ length: 50 }, (_, i) => `entry ${i}`) })

/** A cache whose branch "x" of "plan" has a delta blob, and a way to make the tiers forget a blob. */
async function forkedCache(load: Loader) {
  const fake = fakeTiers()
  cache = await createTierCache({ tierFactory: fake.factory, load })
  await cache.put("plan", doc("root"))
  await cache.fork("plan", ["x", "y"])
  await cache.putBranch("plan", "x", doc("x"))
  const c = cache
  const forget = (blobKey: string) => {
    c.hierarchy.crash() // L1 / L2 lost
    fake.disk.entries.delete(blobKey) // and L3 lost the blob
  }
  const deltaKey = c.branchLayer.manager.branchBlobKey("plan", "x")!
  return { c, fake, forget, deltaKey }
}

describe("forgotten branch blobs", () => {
  it("a loader answering JSON for a blob key reads as forgotten", async () => {
    const asked: string[] = []
    const { c, forget, deltaKey } = await forkedCache(async (key) => {
      asked.push(key)
      return { not: "bytes" }
    })
    forget(deltaKey)
    expect(await c.getBranch("plan", "x")).toBeUndefined()
    expect(asked).toContain(deltaKey)
    // the other branch needs only the fork base, which L3 still holds
    expect(await c.getBranch("plan", "y")).toEqual(doc("root"))
  })

  it("a loader failing for a blob key reads as forgotten, not as a LoaderError", async () => {
    const { c, forget, deltaKey } = await forkedCache(async () => {
      throw new Error("backend down")
    })
    forget(deltaKey)
    expect(await c.getBranch("plan", "x")).toBeUndefined()
    // an ordinary key still reports the loader's failure
    await expect(c.get("elsewhere")).rejects.toMatchObject({ _tag: "LoaderError", key: "elsewhere" })
  })
})

describe("base operations on a forked key through the cache", () => {
  it("put and invalidate go through the superposition layer", async () => {
    const { c } = await forkedCache(async () => undefined)
    await c.put("plan", doc("newer"))
    expect(await c.get("plan")).toEqual(doc("newer"))
    expect(await c.getBranch("plan", "x")).toEqual(doc("x")) // branches keep their fork base + delta
    await c.invalidate("plan")
    expect(await c.branches("plan")).toEqual([])
    expect(await c.get("plan")).toBeUndefined()
    expect(c.getIfPresent("plan")).toBeUndefined()
  })

  it("bad keys are InvalidKey for fork and branches; a closed cache is CacheClosed", async () => {
    const { c } = await forkedCache(async () => undefined)
    await expect(c.fork("", 2)).rejects.toMatchObject({ _tag: "InvalidKey" })
    await expect(c.branches("")).rejects.toMatchObject({ _tag: "InvalidKey" })
    await expect(c.branches("bad\u0000key")).rejects.toMatchObject({ _tag: "InvalidKey" })
    await c.close()
    await expect(c.fork("plan", 2)).rejects.toMatchObject({ _tag: "CacheClosed" })
    await expect(c.branches("plan")).rejects.toMatchObject({ _tag: "CacheClosed" })
  })
})
