import { describe, expect, it } from "vitest"
import { AgentWorkload, makeBytesValue, makeStateValue, sizeOfKey, type WorkloadOp } from "../../src/workload/index.js"
import { Prng } from "../../src/workload/prng.js"
import { ZipfSampler } from "../../src/workload/zipf.js"

const take = (w: AgentWorkload): WorkloadOp[] => w.toArray()

describe("AgentWorkload", () => {
  it("is deterministic: same seed, same op stream; another seed, another stream", () => {
    const a = take(new AgentWorkload({ seed: 42, ops: 20_000 }))
    const b = take(new AgentWorkload({ seed: 42, ops: 20_000 }))
    const c = take(new AgentWorkload({ seed: 43, ops: 20_000 }))
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
    // Iterating the same generator twice restarts from the seed.
    const w = new AgentWorkload({ seed: 5, ops: 2_000 })
    expect(take(w)).toEqual(take(w))
  })

  it("produces the requested number of well-formed ops from 850 concurrent agents of several kinds", () => {
    const ops = take(new AgentWorkload({ ops: 100_000 }))
    expect(ops).toHaveLength(100_000)
    const kinds = new Set(ops.map((o) => o.kind))
    expect(kinds).toEqual(new Set(["coder", "researcher", "planner"]))
    for (const o of ops) {
      expect(["get", "put", "end"]).toContain(o.op)
      if (o.op === "end") expect(o).toMatchObject({ key: "", size: 0 })
      else expect(o.size).toBeGreaterThan(0)
      expect(o.agentId.startsWith(o.kind + "-")).toBe(true)
    }
    // At any time 850 agents are live: the first 850 distinct agent ids are all seen early.
    const live = new Set<string>()
    for (const o of ops.slice(0, 20_000)) live.add(o.agentId)
    expect(live.size).toBeGreaterThanOrEqual(850)
  })

  it("churns agents: an ended agent never appears again and new ones replace it", () => {
    const ops = take(new AgentWorkload({ ops: 200_000, lifetimeRuns: [2, 4] }))
    const ended = new Set<string>()
    for (const o of ops) {
      expect(ended.has(o.agentId)).toBe(false)
      if (o.op === "end") ended.add(o.agentId)
    }
    expect(ended.size).toBeGreaterThan(500)
  })

  it("never reads an agent's private key before that agent wrote it", () => {
    const written = new Set<string>()
    for (const o of take(new AgentWorkload({ ops: 50_000 }))) {
      if (!o.key.startsWith(o.agentId + ":")) continue
      if (o.op === "put") written.add(o.key)
      else if (o.op === "get") expect(written.has(o.key)).toBe(true)
    }
  })

  it("mixes private and shared keys, with Zipf-skewed shared popularity", () => {
    const ops = take(new AgentWorkload({ ops: 100_000 }))
    const gets = ops.filter((o) => o.op === "get")
    const shared = gets.filter((o) => !o.key.startsWith(o.agentId + ":"))
    expect(shared.length / gets.length).toBeGreaterThan(0.2)
    expect(shared.length / gets.length).toBeLessThan(0.8)
    const counts = new Map<string, number>()
    for (const o of shared) if (o.key.startsWith("search:")) counts.set(o.key, (counts.get(o.key) ?? 0) + 1)
    const sorted = [...counts.values()].sort((x, y) => y - x)
    expect(sorted[0]).toBeGreaterThan(20 * sorted[Math.floor(sorted.length / 2)])
  })

  it("rejects impossible options", () => {
    expect(() => new AgentWorkload({ agents: 0 })).toThrow(RangeError)
    expect(() => new AgentWorkload({ kinds: [] })).toThrow(RangeError)
    expect(() => new AgentWorkload({ lifetimeRuns: [5, 2] })).toThrow(RangeError)
  })
})

describe("values and helpers", () => {
  it("sizes are deterministic per key and within 0.5×–1.5× of the class base", () => {
    expect(sizeOfKey("coder-1:conversation")).toBe(sizeOfKey("coder-1:conversation"))
    const s = sizeOfKey("coder-1:checkpoint")
    expect(s).toBeGreaterThanOrEqual(16384)
    expect(s).toBeLessThanOrEqual(49152)
  })

  it("makes values of the requested size, deterministically", () => {
    expect(makeBytesValue(1000, 3)).toHaveLength(1000)
    expect(makeBytesValue(1000, 3)).toEqual(makeBytesValue(1000, 3))
    const json = JSON.stringify(makeStateValue(4000, 9))
    expect(json.length).toBeGreaterThanOrEqual(4000)
    expect(json.length).toBeLessThan(4300)
    expect(makeStateValue(4000, 9)).toEqual(makeStateValue(4000, 9))
  })

  it("samples Zipf ranks with rank 0 the most frequent", () => {
    const z = new ZipfSampler(100, 1)
    const rng = new Prng(1)
    const hist = new Array<number>(100).fill(0)
    for (let i = 0; i < 20_000; i++) hist[z.sample(rng)]++
    expect(hist[0]).toBeGreaterThan(hist[1])
    expect(hist[1]).toBeGreaterThan(hist[9])
    // Zipf(1): P(0)/P(1) = 2
    expect(hist[0] / hist[1]).toBeGreaterThan(1.7)
    expect(hist[0] / hist[1]).toBeLessThan(2.3)
  })

  it("opaque ids hide the kind and change nothing else", () => {
    const plain = new AgentWorkload({ ops: 5000, seed: 4 }).toArray()
    const opaque = new AgentWorkload({ ops: 5000, seed: 4, opaqueIds: true }).toArray()
    expect(opaque).toHaveLength(plain.length)
    for (let i = 0; i < plain.length; i++) {
      const p = plain[i]
      const o = opaque[i]
      expect(o.agentId.startsWith(o.kind)).toBe(false)
      expect(o.kind).toBe(p.kind)
      expect(o.op).toBe(p.op)
      // Same agent, same key, up to the id: `coder-3:plan` ↔ `agent-3:plan`.
      expect(o.agentId).toBe(p.agentId.replace(/^[a-z]+-/, "agent-"))
      expect(o.key).toBe(p.key.replace(p.agentId + ":", o.agentId + ":"))
    }
  })
})
