/**
 * Outcome accounting past the useful window (copies waiting for a late demand), agent end, and the
 * per-model throttle.
 */
import { describe, expect, it } from "vitest"
import { PrefetchEngine } from "../../src/prefetch/prefetch-engine.js"
import { WaitingPrefetches } from "../../src/prefetch/waiting-prefetches.js"

/** Issues and completes a prefetch of `key` for `agent`. */
function prefetched(e: PrefetchEngine, agent: string, key: string, bytes = 10): void {
  e.recordIssued(agent, key, bytes)
  e.recordCompleted(key, true)
}

/** `n` accesses of distinct filler keys by `agent` (no digits: nothing for the stride detector). */
function idle(e: PrefetchEngine, agent: string, n: number, tag = "f"): void {
  for (let i = 0; i < n; i++) e.observe(agent, `${tag}-${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`, "miss")
}

describe("prefetches past their useful window", () => {
  it("counts a late demand hit on the waiting copy as used (timely, after the window)", () => {
    const e = new PrefetchEngine({ usefulWindow: 4 })
    e.registerAgent("a")
    prefetched(e, "a", "late")
    idle(e, "a", 10)
    expect(e.counters()).toMatchObject({ windowMisses: 1, used: 0, unused: 0 })
    e.observe("b", "late", "l1") // any agent's demand
    expect(e.counters()).toMatchObject({ used: 1, timely: 1, usedAfterWindow: 1, unused: 0 })
    expect(e.stats().accuracy).toBe(1)
  })

  it("counts a late demand that misses as unused (the copy was gone), and a write as overwritten", () => {
    const e = new PrefetchEngine({ usefulWindow: 2 })
    e.registerAgent("a")
    prefetched(e, "a", "gone")
    prefetched(e, "a", "written")
    idle(e, "a", 5)
    e.observe("a", "gone", "l2")
    e.observe("a", "written", "l1", 10, true)
    expect(e.counters()).toMatchObject({ used: 0, unused: 2, unusedOverwritten: 1, windowMisses: 2 })
  })

  it("bounds the waiting copies: the oldest is pushed out as unused", () => {
    const e = new PrefetchEngine({ usefulWindow: 1, waitingLimit: 2 })
    e.registerAgent("a")
    for (const k of ["w1", "w2", "w3"]) prefetched(e, "a", k)
    idle(e, "a", 4)
    expect(e.counters()).toMatchObject({ windowMisses: 3, unused: 1 })
    e.observe("a", "w1", "l1") // pushed out: no longer credited
    e.observe("a", "w3", "l1")
    expect(e.counters()).toMatchObject({ used: 1, unused: 1 })
  })

  it("settles a waiting copy as evicted when it is issued again (its eviction went unreported)", () => {
    const e = new PrefetchEngine({ usefulWindow: 1 })
    e.registerAgent("a")
    prefetched(e, "a", "again")
    idle(e, "a", 3)
    expect(e.isPending("again")).toBe(false)
    e.recordIssued("a", "again", 10)
    expect(e.counters()).toMatchObject({ issued: 2, unused: 1, unusedEvicted: 1 })
    expect(e.isPending("again")).toBe(true)
  })

  it("with waitingLimit 0, a window miss is simply unused (the old accounting)", () => {
    const e = new PrefetchEngine({ usefulWindow: 2, waitingLimit: 0 })
    e.registerAgent("a")
    prefetched(e, "a", "x", 30)
    idle(e, "a", 4)
    e.observe("a", "x", "l1")
    expect(e.counters()).toMatchObject({ used: 0, unused: 1, wastedBytes: 30, windowMisses: 1 })
  })
})

describe("agent end", () => {
  it("keeps the ended agent's completed shared prefetches for others, drops its private and in-flight ones", () => {
    const e = new PrefetchEngine()
    e.registerAgent("a1")
    e.observe("a1", "a1:notes", "miss")
    prefetched(e, "a1", "shared:doc")
    prefetched(e, "a1", "a1:scratch")
    e.recordIssued("a1", "shared:slow", 10)
    expect(e.endAgent("a1").sort()).toEqual(["a1:scratch", "shared:slow"])
    expect(e.agentCount).toBe(0)
    expect(e.counters()).toMatchObject({ unused: 2 })
    e.observe("a2", "shared:doc", "l1")
    expect(e.counters()).toMatchObject({ used: 1, unused: 2 })
  })
})

describe("per-model throttle", () => {
  /**
   * A scan striding by 3: the kind's stem-delta model predicts +3 correctly, but every copy is
   * evicted before its demand, so that model's record is all failures. Returns prefetches issued.
   */
  const evictedScan = (e: PrefetchEngine, n: number): number => {
    let issued = 0
    for (let i = 0; i < n; i++) {
      for (const p of e.observe("a", `s:${1000 + i * 3}`, "miss")) {
        if (e.isPending(p.key)) continue
        e.recordIssued("a", p.key, 10, p.source)
        e.recordCompleted(p.key, true)
        e.recordEvicted(p.key)
        issued++
      }
    }
    return issued
  }
  // The agent/kind accuracy throttle is switched off so that only the per-model one acts.
  const options = { minSamples: 4, strideDegree: 1, lookahead: 1, gateTarget: 0, accuracyTarget: 0 }

  it("raises the failing model's threshold only, and cuts its prefetches", () => {
    const on = new PrefetchEngine(options)
    const off = new PrefetchEngine({ ...options, sourceThrottle: false })
    const issuedOn = evictedScan(on, 400)
    const issuedOff = evictedScan(off, 400)
    expect(issuedOff).toBeGreaterThan(350)
    expect(issuedOn).toBeLessThan(issuedOff / 4)
    const t = on.kindThrottle("default")!
    expect(t.sources.kind).toBeGreaterThan(0.9)
    expect(t.sources.agent).toBe(on.options.threshold)
    expect(off.kindThrottle("default")!.sources.kind).toBe(off.options.threshold)
  })

  it("probes a held-back model: its threshold steps back down while it keeps being blocked", () => {
    const e = new PrefetchEngine(options)
    evictedScan(e, 200)
    const raised = e.kindThrottle("default")!.sources.kind
    // Same pattern, no outcomes at all now (nothing is issued): only blocked candidates.
    for (let i = 0; i < 2000; i++) e.observe("a", `t:${5000 + i * 3}`, "miss")
    expect(e.kindThrottle("default")!.sources.kind).toBeLessThan(raised)
  })
})

describe("WaitingPrefetches", () => {
  it("is a bounded FIFO keyed by key", () => {
    const w = new WaitingPrefetches(2)
    const entry = (key: string) => ({ key, agentId: "a", source: "agent" as const, kind: undefined as never, bytes: 1, counters: [] })
    expect(w.add(entry("x"))).toBeUndefined()
    expect(w.add(entry("y"))).toBeUndefined()
    expect(w.add(entry("z"))?.key).toBe("x")
    expect(w.take("y")?.key).toBe("y")
    expect(w.take("y")).toBeUndefined()
    expect(w.size).toBe(1)
  })
})
