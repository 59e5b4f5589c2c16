import { describe, expect, it } from "vitest"
import { BehaviourClusters } from "../../src/prefetch/behaviour-clusters.js"
import { BehaviourSignature, SIGNATURE_DIMS } from "../../src/prefetch/behaviour-signature.js"
import { PrefetchEngine } from "../../src/prefetch/prefetch-engine.js"
import { AgentWorkload } from "../../src/workload/index.js"

/** A normalised signature of a sequence of shape hashes. */
function unit(shapes: readonly number[]): Float64Array {
  const s = new BehaviourSignature()
  for (const x of shapes) s.add(x)
  const v = new Float64Array(SIGNATURE_DIMS)
  s.normaliseInto(v)
  return v
}

/** Letter-only names (no digits: the stride detector stays out of the way). */
const name = (i: number): string => `doc:${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`
const CYCLE = Array.from({ length: 30 }, (_, i) => name(i))

describe("BehaviourClusters", () => {
  it("puts like signatures together and founds a cluster for a different one", () => {
    const c = new BehaviourClusters(8, 0.75)
    const a = [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]
    const b = [9, 8, 7, 6, 5, 9, 8, 7, 6, 5, 9, 8]
    expect(c.assign(unit(a))).toMatchObject({ cluster: 0, founded: true })
    expect(c.assign(unit([...a, 1]))).toMatchObject({ cluster: 0, founded: false })
    expect(c.assign(unit(b))).toMatchObject({ cluster: 1, founded: true })
    expect(c.membersOf(0)).toBe(2)
  })

  it("never keeps more than maxClusters: a misfit then joins the nearest", () => {
    const c = new BehaviourClusters(2, 0.99)
    for (let i = 0; i < 10; i++) c.assign(unit([100 * i + 1, 100 * i + 2, 100 * i + 3]))
    expect(c.size).toBe(2)
    expect(c.byteSize).toBe(2 * SIGNATURE_DIMS * 8)
  })
})

describe("PrefetchEngine — behavioural clustering of unlabelled agents", () => {
  it("clusters the generator's three hidden kinds with high purity", () => {
    const e = new PrefetchEngine({ clusterAfter: 16, maxClusters: 8 })
    const truth = new Map<string, string>()
    const clusterOf = new Map<string, string>()
    for (const o of new AgentWorkload({ ops: 120_000, seed: 11, opaqueIds: true })) {
      expect(o.agentId.startsWith(o.kind)).toBe(false) // ids do not give the kind away
      truth.set(o.agentId, o.kind)
      if (o.op === "end") {
        const c = e.clusterOf(o.agentId)
        if (c !== undefined) clusterOf.set(o.agentId, c)
        e.endAgent(o.agentId)
      } else {
        e.observe(o.agentId, o.key, "miss", o.size, o.op === "put")
      }
    }
    for (const id of e.agentIds()) {
      const c = e.clusterOf(id)
      if (c !== undefined) clusterOf.set(id, c)
    }
    const byCluster = new Map<string, Map<string, number>>()
    for (const [id, c] of clusterOf) {
      const m = byCluster.get(c) ?? new Map<string, number>()
      m.set(truth.get(id)!, (m.get(truth.get(id)!) ?? 0) + 1)
      byCluster.set(c, m)
    }
    let majority = 0
    for (const m of byCluster.values()) majority += Math.max(...m.values())
    const purity = majority / clusterOf.size
    // Every kind is the majority of some cluster (no kind is swallowed by another).
    const majorityKinds = new Set([...byCluster.values()].map((m) => [...m.entries()].sort((x, y) => y[1] - x[1])[0][0]))
    expect(majorityKinds).toEqual(new Set(["coder", "researcher", "planner"]))
    expect(purity).toBeGreaterThanOrEqual(0.95)
    expect(clusterOf.size).toBeGreaterThan(0.8 * truth.size)
    expect(e.clusterCount).toBeLessThanOrEqual(8)
  })

  it("does not cluster before clusterAfter accesses, nor labelled agents, nor with clustering off", () => {
    const e = new PrefetchEngine({ clusterAfter: 16 })
    e.registerAgent("labelled", "coder")
    for (let i = 0; i < 15; i++) {
      e.observe("fresh", CYCLE[i], "miss")
      e.observe("labelled", CYCLE[i], "miss")
    }
    expect(e.clusterOf("fresh")).toBeUndefined()
    e.observe("fresh", CYCLE[15], "miss")
    e.observe("labelled", CYCLE[15], "miss")
    expect(e.clusterOf("fresh")).toBe("cluster-0")
    expect(e.clusterOf("labelled")).toBeUndefined()
    const off = new PrefetchEngine()
    for (const k of CYCLE) off.observe("fresh", k, "miss")
    expect(off.clusterOf("fresh")).toBeUndefined()
    expect(off.clusterCount).toBe(0)
  })

  it("warm-starts a clustered agent from agents that behave like it, where one shared model cannot", () => {
    // Two hidden kinds start every run with the same four keys, then diverge: after `c3` one kind
    // always reads `x0`, the other `y0`. In a single shared model that step is a coin toss (below
    // the threshold, whatever the context length); in per-cluster models it is certain.
    const common = CYCLE.slice(0, 4)
    const xRun = [...common, ...CYCLE.slice(4, 16)]
    const yRun = [...common, ...CYCLE.slice(16, 28)]
    const run = (clusterAfter: number) => {
      const e = new PrefetchEngine({ clusterAfter, minSamples: 1, gateTarget: 0, lookahead: 1 })
      for (let a = 0; a < 8; a++) {
        for (const k of [...xRun, ...xRun]) e.observe(`x-${a}`, k, "miss")
        for (const k of [...yRun, ...yRun]) e.observe(`y-${a}`, k, "miss")
      }
      // A newcomer of the x kind does one run (16 accesses: it is clustered on the last one), then
      // starts the next: after c3, its own model has seen x0 once (confidence 1/2, below threshold).
      for (const k of [...xRun, ...common.slice(0, 3)]) e.observe("newcomer", k, "miss")
      const predicted = e.observe("newcomer", common[3], "miss")
      return { cluster: e.clusterOf("newcomer"), xCluster: e.clusterOf("x-0"), yCluster: e.clusterOf("y-0"), predicted: predicted.map((p) => p.key) }
    }
    const clustered = run(16)
    expect(clustered.cluster).toBeDefined()
    expect(clustered.cluster).toBe(clustered.xCluster)
    expect(clustered.yCluster).not.toBe(clustered.xCluster)
    expect(clustered.predicted).toContain(xRun[4])
    const shared = run(0)
    expect(shared.predicted).not.toContain(xRun[4])
  })
})
