import { describe, expect, it } from "vitest"
import { PrefetchEngine } from "../../src/prefetch/prefetch-engine.js"
import { TemplateMemo } from "../../src/prefetch/template-memo.js"

const cycle = (n: number, times: number): string[] => Array.from({ length: n * times }, (_, i) => `doc:${String.fromCharCode(97 + (i % n))}`)

describe("PrefetchEngine update path", () => {
  it("a new agent that reuses an ended agent's model starts with an empty one", () => {
    const e = new PrefetchEngine({ gateTarget: 0, minSamples: 1 })
    e.registerAgent("agent-one", "k1")
    for (const k of cycle(4, 30)) e.observe("agent-one", k, "miss")
    expect(e.observe("agent-one", "doc:a", "miss").map((p) => p.key)).toContain("doc:b")
    e.endAgent("agent-one")
    // Another kind, so its shared model is empty too: any prediction would come from stale state.
    e.registerAgent("agent-two", "k2")
    expect(e.observe("agent-two", "doc:a", "miss")).toEqual([])
    expect(e.observe("agent-two", "doc:b", "miss")).toEqual([])
  })

  it("predicts an agent's private keys in its own spelling", () => {
    const e = new PrefetchEngine({ gateTarget: 0, minSamples: 1 })
    const seq = (id: string): string[] => Array.from({ length: 60 }, (_, i) => `${id}:${["plan", "notes", "summary"][i % 3]}`)
    for (const k of seq("agent-007")) e.observe("agent-007", k, "miss")
    const p = e.observe("agent-007", "agent-007:plan", "miss")
    expect(p.map((x) => x.key)).toContain("agent-007:notes")
  })
})

describe("TemplateMemo", () => {
  it("answers a templated key only for the agent it was computed for", () => {
    const m = new TemplateMemo()
    m.set("agent-100:notes", "agent-100", 7)
    expect(m.get("agent-100:notes", "agent-100")).toBe(7)
    expect(m.get("agent-100:notes", "agent-200")).toBe(-1)
  })

  it("answers a shared key for any agent whose id it does not contain", () => {
    const m = new TemplateMemo()
    m.set("repo:file", "", 3)
    expect(m.get("repo:file", "agent-1")).toBe(3)
    m.set("team:agent-5:board", "", 4)
    expect(m.get("team:agent-5:board", "agent-9")).toBe(4)
    expect(m.get("team:agent-5:board", "agent-5")).toBe(-1)
  })

  it("stays within its capacity", () => {
    const m = new TemplateMemo(100)
    for (let i = 0; i < 1000; i++) m.set(`k${i}`, "", i)
    expect(m.size).toBeLessThanOrEqual(100)
    expect(m.get("k999", "a")).toBe(999)
  })
})
