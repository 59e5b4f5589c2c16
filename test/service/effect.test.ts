import { Effect, Exit, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { createTierCache, TierCache } from "../../src/index.js"
import { fakeTiers } from "../hierarchy/fakes/fake-tiers.js"

describe("TierCache Effect service", () => {
  it("the layer opens the cache, the scope closes it (and L3 with it)", async () => {
    const fake = fakeTiers()
    const program = Effect.gen(function* () {
      const cache = yield* TierCache
      yield* cache.put("k", { v: 1 })
      const v = yield* cache.get("k")
      const hit = yield* cache.getIfPresent("k")
      const stats = yield* cache.stats
      return { v, hit, puts: stats.puts, closedInside: fake.built.l3.closed }
    })
    const out = await Effect.runPromise(Effect.provide(program, TierCache.layer({ tierFactory: fake.factory })))
    expect(out).toEqual({ v: { v: 1 }, hit: { v: 1 }, puts: 1, closedInside: false })
    expect(fake.built.l3.closed).toBe(true)
  })

  it("puts tiercache errors in the error channel with their _tag", async () => {
    const program = Effect.gen(function* () {
      const cache = yield* TierCache
      const bad = yield* Effect.flip(cache.put("", 1))
      const ser = yield* Effect.flip(cache.put("k", { f: (() => 1) as never }))
      const a1 = yield* cache.agent("a1")
      const a2 = yield* cache.agent("a2")
      yield* a1.put("a1:s", 1)
      const denied = yield* Effect.flip(a2.get("a1:s"))
      const recovered = yield* cache.get("").pipe(Effect.catchTag("InvalidKey", () => Effect.succeed("caught")))
      yield* a1.end
      const closed = yield* Effect.flip(a1.get("x"))
      return [bad._tag, ser._tag, denied._tag, recovered, closed._tag]
    })
    const out = await Effect.runPromise(Effect.provide(program, TierCache.layer({ tierFactory: fakeTiers().factory })))
    expect(out).toEqual(["InvalidKey", "SerializationError", "AccessDenied", "caught", "CacheClosed"])
  })

  it("a loader failure is a LoaderError; a layer with bad options fails with InvalidOptions", async () => {
    const failing = Effect.gen(function* () {
      const cache = yield* TierCache
      return yield* Effect.flip(cache.get("k"))
    })
    const layer = TierCache.layer({
      tierFactory: fakeTiers().factory,
      load: async () => {
        throw new Error("down")
      },
    })
    const err = await Effect.runPromise(Effect.provide(failing, layer))
    expect(err._tag).toBe("LoaderError")

    const useIt = Effect.gen(function* () {
      return yield* TierCache
    })
    const exit = await Effect.runPromiseExit(Effect.provide(useIt, TierCache.layer({ l1: { maxBytes: -1 } })))
    expect(Exit.isFailure(exit)).toBe(true)
    const opened = await Effect.runPromise(Effect.flip(Effect.provide(useIt, TierCache.layer({ l1: { maxBytes: -1 } }))))
    expect(opened).toMatchObject({ _tag: "InvalidOptions", option: "l1.maxBytes" })
  })

  it("has the same semantics as the Promise facade over one cache", async () => {
    const client = await createTierCache({ tierFactory: fakeTiers().factory })
    const service = TierCache.fromClient(client)
    await Effect.runPromise(service.put("k", [1, 2]))
    expect(await client.get("k")).toEqual([1, 2])
    await client.invalidate("k")
    expect(await Effect.runPromise(service.get("k"))).toBeUndefined()
    await client.close()
    const err = await Effect.runPromise(Effect.flip(service.get("k")))
    expect(err._tag).toBe("CacheClosed")
    expect(Layer.isLayer(TierCache.layer())).toBe(true)
  })
})
