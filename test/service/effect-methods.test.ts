/**
 * Every method of the `TierCache` Effect service and of its agent views, used through the layer:
 * the success values, the tagged failures in the error channel, and defects for anything that is
 * not a tiercache error.
 */
import { Cause, Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { TierCache } from "../../src/index.js"
import { fakeTiers } from "../hierarchy/fakes/fake-tiers.js"

const run = <A, E>(program: Effect.Effect<A, E, TierCache>, options: Parameters<typeof TierCache.layer>[0] = {}) =>
  Effect.runPromise(Effect.provide(program, TierCache.layer({ tierFactory: fakeTiers().factory, ...options })))

describe("TierCache service methods", () => {
  it("invalidate, prefetch and the branch API on the root service", async () => {
    const out = await run(
      Effect.gen(function* () {
        const cache = yield* TierCache
        yield* cache.put("doc", { v: 0 })
        yield* cache.invalidate("doc")
        const afterInvalidate = yield* cache.get("doc")
        const prefetched = yield* cache.prefetch("loaded")
        const resident = yield* cache.getIfPresent("loaded")
        yield* cache.put("plan", { step: 0 })
        const ids = yield* cache.fork("plan", 3)
        yield* cache.putBranch("plan", ids[0], { step: 1 })
        yield* cache.putBranch("plan", ids[1], { step: 2 })
        const read = yield* cache.getBranch("plan", ids[1])
        yield* cache.discard("plan", ids[2])
        const live = yield* cache.branches("plan")
        yield* cache.collapse("plan", ids[0])
        const after = yield* cache.branches("plan")
        const value = yield* cache.get("plan")
        return { afterInvalidate, prefetched, resident, ids: ids.length, read, live: live.length, after, value }
      }),
      { load: async (key) => (key === "loaded" ? { loaded: true } : undefined) },
    )
    expect(out).toEqual({
      afterInvalidate: undefined,
      prefetched: true,
      resident: { loaded: true },
      ids: 3,
      read: { step: 2 },
      live: 2,
      after: [],
      value: { step: 1 },
    })
  })

  it("branch misuse is a BranchError in the error channel", async () => {
    const err = await run(
      Effect.gen(function* () {
        const cache = yield* TierCache
        yield* cache.put("k", 1)
        return yield* Effect.flip(cache.collapse("k", "nope"))
      }),
    )
    expect(err._tag).toBe("BranchError")
    expect(err.message).toContain("branch error on k")
  })

  it("agent views: every method, endAgent, and CacheClosed afterwards", async () => {
    const out = await run(
      Effect.gen(function* () {
        const cache = yield* TierCache
        const a1 = yield* cache.agent("a1", { kind: "planner" })
        yield* a1.put("a1:notes", "n")
        const own = yield* a1.get("a1:notes")
        const hit = yield* a1.getIfPresent("a1:notes")
        const prefetched = yield* a1.prefetch("shared")
        yield* a1.invalidate("shared")
        yield* a1.put("a1:plan", { s: 0 })
        const ids = yield* a1.fork("a1:plan", ["p", "q"])
        yield* a1.putBranch("a1:plan", "p", { s: 1 })
        const branchValue = yield* a1.getBranch("a1:plan", "p")
        yield* a1.discard("a1:plan", "q")
        const live = yield* a1.branches("a1:plan")
        yield* a1.collapse("a1:plan", "p")
        const collapsed = yield* a1.get("a1:plan")
        yield* cache.endAgent("a1")
        const closed = yield* Effect.flip(a1.put("a1:notes", "again"))
        const syncClosed = yield* Effect.flip(a1.getIfPresent("a1:notes"))
        const released = yield* cache.get("a1:notes")
        return { agentId: a1.agentId, own, hit, prefetched, ids, branchValue, live, collapsed, closed: closed._tag, syncClosed: syncClosed._tag, released }
      }),
      { load: async (key) => (key === "shared" ? 7 : undefined) },
    )
    expect(out).toEqual({
      agentId: "a1",
      own: "n",
      hit: "n",
      prefetched: true,
      ids: ["p", "q"],
      branchValue: { s: 1 },
      live: ["p"],
      collapsed: { s: 1 },
      closed: "CacheClosed",
      syncClosed: "CacheClosed",
      released: undefined,
    })
  })

  it("a bad agent id is InvalidOptions in the error channel", async () => {
    const err = await run(
      Effect.gen(function* () {
        const cache = yield* TierCache
        return yield* Effect.flip(cache.agent("a:b"))
      }),
    )
    expect(err).toMatchObject({ _tag: "InvalidOptions", option: "agentId" })
  })

  it("an error that is not a tiercache error is a defect, not a failure", async () => {
    const boom = new TypeError("not ours")
    const fake = fakeTiers()
    // A tier that throws something other than a tiercache error (a bug, not an outcome).
    const l3Get = async () => {
      throw boom
    }
    const defect = await Effect.runPromiseExit(
      Effect.provide(
        Effect.gen(function* () {
          const cache = yield* TierCache
          fake.built.l3.get = l3Get as never
          return yield* cache.get("k")
        }),
        TierCache.layer({ tierFactory: fake.factory }),
      ),
    )
    expect(Exit.isFailure(defect)).toBe(true)
    if (Exit.isFailure(defect)) {
      expect(Cause.hasDies(defect.cause)).toBe(true)
      expect(Cause.hasFails(defect.cause)).toBe(false)
      expect(Cause.squash(defect.cause)).toBe(boom)
    }
  })

  it("a synchronous call that throws something else is a defect too", async () => {
    const boom = new RangeError("l1 bug")
    const fake = fakeTiers()
    const exit = await Effect.runPromiseExit(
      Effect.provide(
        Effect.gen(function* () {
          const cache = yield* TierCache
          yield* cache.put("k", 1)
          fake.built.l1.get = () => {
            throw boom
          }
          return yield* cache.getIfPresent("k")
        }),
        TierCache.layer({ tierFactory: fake.factory }),
      ),
    )
    expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause) && !Cause.hasFails(exit.cause)).toBe(true)
    if (Exit.isFailure(exit)) expect(Cause.squash(exit.cause)).toBe(boom)
  })
})

describe("TierCache service event subscriptions", () => {
  it("onAgentEnd / onL1Evict listen while their Scope is open and are removed when it closes", async () => {
    const out = await run(
      Effect.gen(function* () {
        const cache = yield* TierCache
        const ended: string[] = []
        const during = yield* Effect.scoped(
          Effect.gen(function* () {
            yield* cache.onAgentEnd((id) => ended.push(id))
            yield* cache.onL1Evict(() => undefined)
            const listening = cache.client.events.hasL1EvictListeners
            const a = yield* cache.agent("agent-a")
            yield* a.end
            return listening
          }),
        )
        const b = yield* cache.agent("agent-b")
        yield* b.end
        return { during, after: cache.client.events.hasL1EvictListeners, ended }
      }),
    )
    // agent-b ended after the Scope closed: its listener was gone.
    expect(out).toEqual({ during: true, after: false, ended: ["agent-a"] })
  })
})
