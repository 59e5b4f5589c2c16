import { describe, expect, it } from "vitest"
import { generaliseKey } from "../../src/prefetch/agent-template.js"
import { KeyInterner } from "../../src/prefetch/key-interner.js"
import { PrefetchEngine } from "../../src/prefetch/prefetch-engine.js"

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe("KeyInterner bound", () => {
  it("holds at most `capacity` keys however many distinct keys stream through", () => {
    const k = new KeyInterner(64)
    let bytesAtBound = 0
    for (let i = 0; i < 20_000; i++) {
      k.intern(`fresh-${i}`)
      expect(k.size).toBeLessThanOrEqual(64)
      if (i === 64) bytesAtBound = k.byteSize
    }
    expect(k.capacity).toBe(64)
    expect(k.evictions).toBe(20_000 - 64)
    expect(k.stemCount).toBe(1)
    // Same key lengths throughout, so the bytes held do not grow past the bound (± digits).
    expect(k.byteSize).toBeLessThanOrEqual(bytesAtBound * 1.1)
  })

  it("a recycled slot's old handle is stale; live handles name their own key", () => {
    const k = new KeyInterner(16)
    const first = k.intern("a-1")
    for (let i = 0; i < 100; i++) k.intern(`b-${i}`)
    expect(k.lookup("a-1")).toBe(-1)
    expect(k.isLive(first)).toBe(false)
    for (let i = 84; i < 100; i++) {
      const h = k.lookup(`b-${i}`)
      expect(k.isLive(h)).toBe(true)
      expect(k.keyAt(h)).toBe(`b-${i}`)
      expect(k.numberedId(k.stemOf(h), i, 0)).toBe(h)
    }
    // The evicted number is no longer found by number either (no string built, no stale handle).
    expect(k.numberedId(k.stemOf(k.lookup("b-99")), 3, 0)).toBe(-1)
  })

  it("CLOCK keeps a key that keeps being accessed while one-shot keys stream past", () => {
    const k = new KeyInterner(32)
    const hot = k.intern("hot")
    for (let i = 0; i < 5_000; i++) {
      k.intern(`scan-${i}`)
      if (i % 8 === 0) expect(k.intern("hot")).toBe(hot)
    }
    expect(k.isLive(hot)).toBe(true)
  })

  it("more distinct stems than the capacity start a new epoch (all handles void)", () => {
    const k = new KeyInterner(16)
    const h = k.intern("x-1")
    for (let i = 0; i < 40; i++) k.intern(`s${"ab".repeat(i)}-1`)
    expect(k.epoch).toBeGreaterThan(0)
    expect(k.stemCount).toBeLessThanOrEqual(16)
    expect(k.lookup("x-1")).toBe(-1)
    expect(k.isLive(h) && k.keyAt(h) === "x-1").toBe(false)
  })
})

/**
 * The oracle test: a churning population of agents streams far more distinct keys than the bound
 * (fresh one-shot keys, a recurring pool larger than the bound, a hot workflow, private keys, and
 * fresh stems that force epoch clears). Every prediction (as a template) must be a key that
 * actually followed the current key (lookahead 1) — or followed one that did (lookahead 2) — at
 * some point in the stream: a model must never name a key it did not learn there, which is what a
 * recycled interner slot read without its generation would make it do.
 */
describe.each([1, 2])("PrefetchEngine with a bounded interner (lookahead %i)", (lookahead) => {
  it("stays bounded and never predicts a key that did not follow the context", () => {
    const bound = 256
    const engine = new PrefetchEngine({
      maxInternedKeys: bound,
      lookahead,
      strideDegree: 0, // stride continuations extrapolate keys never seen: not what the oracle checks
      threshold: 0.05,
      gateTarget: 0,
      minSamples: 1,
      maxPredictions: 4,
    })
    const next = rng(42)
    /** Template → templates that ever followed it (in any agent's stream: kind tables are shared). */
    const succ = new Map<string, Set<string>>()
    const prevOf = new Map<string, string>()
    let fresh = 0
    let predictions = 0
    let violations: string[] = []
    let agentSerial = 0
    const live: string[] = []
    const keyFor = (agent: string, step: number): string => {
      const r = next()
      if (step % 4 === 0) return `hub-${(step / 4) % 6}`
      if (r < 0.35) return `fresh-${fresh++}`
      if (r < 0.7) return `pool-${Math.floor(next() * 1_500)}`
      if (r < 0.85) return `${agent}:notes`
      if (r < 0.9) return `st${fresh++}x-1`
      return `hub-${Math.floor(next() * 6)}`
    }
    // Bytes held peak just before each epoch clear: the peak of the second half must not outgrow the first's.
    let peakFirstHalf = 0
    let peakSecondHalf = 0
    const total = 60_000
    for (let i = 0; i < total; i++) {
      if (live.length < 8 || next() < 0.004) live.push(`agent-${agentSerial++}`)
      const slot = Math.floor(next() * live.length)
      const agent = live[slot]
      const key = keyFor(agent, i)
      const template = generaliseKey(key, agent)
      const prev = prevOf.get(agent)
      if (prev !== undefined) {
        let s = succ.get(prev)
        if (s === undefined) succ.set(prev, (s = new Set()))
        s.add(template)
      }
      prevOf.set(agent, template)
      engine.registerAgent(agent, "k")
      const out = engine.observe(agent, key, "miss", 100)
      const direct = succ.get(template) ?? new Set<string>()
      for (const p of out) {
        predictions++
        const t = generaliseKey(p.key, agent)
        let ok = direct.has(t)
        if (!ok && lookahead > 1) for (const m of direct) if (succ.get(m)?.has(t)) ok = true
        if (!ok && violations.length < 10) violations.push(`${agent} after ${template} predicted ${t} (${p.source})`)
      }
      if (next() < 0.003 && live.length > 8) {
        engine.endAgent(agent)
        prevOf.delete(agent)
        live.splice(slot, 1)
      }
      const st = engine.internerStats()
      expect(st.keys).toBeLessThanOrEqual(bound)
      expect(st.stems).toBeLessThanOrEqual(bound)
      if (i < total / 2) peakFirstHalf = Math.max(peakFirstHalf, st.bytes)
      else peakSecondHalf = Math.max(peakSecondHalf, st.bytes)
    }
    const st = engine.internerStats()
    expect(violations).toEqual([])
    // Not vacuous: the bound was hit many times over, epochs were cleared, and the models still predicted.
    expect(st.evictions).toBeGreaterThan(20 * bound)
    expect(st.epochs).toBeGreaterThan(0)
    expect(predictions).toBeGreaterThan(total / 10)
    expect(peakSecondHalf).toBeLessThanOrEqual(peakFirstHalf * 1.1)
    expect(agentSerial).toBeGreaterThan(100)
  })
})
