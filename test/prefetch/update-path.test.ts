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
  it("a memoised template is not applied to another agent's read of the same raw key", () => {
    const e = new PrefetchEngine({ gateTarget: 0, minSamples: 1 })
    for (let i = 0; i < 5; i++) e.observe("agent-100", "agent-100:notes", "miss") // memo: raw key → {agent}:notes
    // For agent-200, `agent-100:notes` is someone else's key: a plain shared key.
    for (let i = 0; i < 30; i++) for (const k of ["shared:a", "agent-100:notes", "shared:b"]) e.observe("agent-200", k, "miss")
    const keys = e.observe("agent-200", "shared:a", "miss").map((p) => p.key)
    expect(keys).toContain("agent-100:notes")
    expect(keys).not.toContain("agent-200:notes")
    // What agent-200 taught the shared model is that exact key, not "its own notes": a newcomer that
    // has notes of its own is still offered agent-100's.
    e.observe("agent-300", "agent-300:notes", "miss")
    const offered = e.observe("agent-300", "shared:a", "miss").map((p) => p.key)
    expect(offered).toContain("agent-100:notes")
    expect(offered).not.toContain("agent-300:notes")
    // And the owner still gets its own template.
    for (let i = 0; i < 30; i++) for (const k of ["shared:c", "agent-100:notes"]) e.observe("agent-100", k, "miss")
    expect(e.observe("agent-100", "shared:c", "miss").map((p) => p.key)).toContain("agent-100:notes")
  })

  it("stays within its capacity", () => {
    const m = new TemplateMemo(100)
    for (let i = 0; i < 1000; i++) m.set(`k${i}`, i)
    expect(m.size).toBeLessThanOrEqual(100)
    expect(m.get("k999")).toBe(999)
    expect(m.get("k0")).toBe(-1)
  })
})
