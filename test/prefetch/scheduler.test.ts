import { describe, expect, it } from "vitest"
import { PrefetchBudget } from "../../src/prefetch/prefetch-budget.js"
import { PrefetchScheduler } from "../../src/prefetch/prefetch-scheduler.js"
import type { PrefetchTarget } from "../../src/prefetch/prefetch-target.js"

/** A target whose loads stay pending until the test resolves them. */
class ManualTarget implements PrefetchTarget {
  readonly resident = new Set<string>()
  readonly calls: { key: string; agentId: string; signal?: AbortSignal; resolve: (v: boolean) => void; reject: (e: unknown) => void }[] = []
  prefetch(key: string, agentId: string, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve, reject) => this.calls.push({ key, agentId, signal, resolve, reject }))
  }
  isResident(key: string): boolean {
    return this.resident.has(key)
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

describe("PrefetchBudget", () => {
  it("caps concurrent prefetches and refuses duplicates", () => {
    const b = new PrefetchBudget({ maxInFlight: 2 })
    expect(b.tryAcquire("a", 1)).toBe("ok")
    expect(b.tryAcquire("a", 1)).toBe("duplicate")
    expect(b.tryAcquire("b", 1)).toBe("ok")
    expect(b.tryAcquire("c", 1)).toBe("in-flight-limit")
    b.release("a")
    expect(b.tryAcquire("c", 1)).toBe("ok")
    expect(b.dropped).toEqual({ duplicate: 1, inFlightLimit: 1, byteLimit: 0 })
  })

  it("limits bytes per second with a token bucket", () => {
    let now = 0
    const b = new PrefetchBudget({ maxInFlight: 100, bytesPerSecond: 1000, now: () => now })
    expect(b.tryAcquire("a", 600)).toBe("ok")
    expect(b.tryAcquire("b", 600)).toBe("byte-limit")
    now = 500 // half a second refills 500 bytes: 900 available
    expect(b.tryAcquire("b", 600)).toBe("ok")
    expect(b.tryAcquire("c", 400)).toBe("byte-limit")
    now = 10_000
    // A value larger than the whole burst still goes when the bucket is full.
    expect(b.tryAcquire("huge", 5000)).toBe("ok")
  })
})

describe("PrefetchScheduler", () => {
  it("skips resident keys, issues others and reports completion once", async () => {
    const t = new ManualTarget()
    t.resident.add("r")
    const done: [string, boolean][] = []
    const s = new PrefetchScheduler(t, new PrefetchBudget({ maxInFlight: 4 }), (k, _a, ok) => done.push([k, ok]))
    expect(s.submit("r", "a1", 10)).toBe("resident")
    expect(s.submit("k", "a1", 10)).toBe("issued")
    expect(s.submit("k", "a1", 10)).toBe("duplicate")
    expect(s.active).toBe(1)
    t.calls[0].resolve(true)
    await tick()
    expect(done).toEqual([["k", true]])
    expect(s.active).toBe(0)
  })

  it("cancels an agent's prefetches through its AbortSignal and reports them as not loaded", async () => {
    const t = new ManualTarget()
    const done: [string, boolean][] = []
    const s = new PrefetchScheduler(t, new PrefetchBudget(), (k, _a, ok) => done.push([k, ok]))
    s.submit("x", "a1", 1)
    s.submit("y", "a2", 1)
    s.cancelAgent("a1")
    expect(t.calls[0].signal!.aborted).toBe(true)
    expect(t.calls[1].signal!.aborted).toBe(false)
    // A target that ignores the signal and installs anyway is still reported as cancelled.
    t.calls[0].resolve(true)
    await tick()
    expect(done).toEqual([["x", false]])
  })

  it("contains target errors and refuses work after close", async () => {
    const t = new ManualTarget()
    const done: [string, boolean][] = []
    const s = new PrefetchScheduler(t, new PrefetchBudget(), (k, _a, ok) => done.push([k, ok]))
    s.submit("boom", "a", 1)
    t.calls[0].reject(new Error("disk on fire"))
    await tick()
    expect(done).toEqual([["boom", false]])
    expect(s.errors).toBe(1)
    s.submit("later", "a", 1)
    s.close()
    expect(t.calls[1].signal!.aborted).toBe(true)
    expect(s.submit("after", "a", 1)).toBe("closed")
  })
})
