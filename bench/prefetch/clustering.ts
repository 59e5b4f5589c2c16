/**
 * Behavioural clustering of unlabelled agents, on the workload generator with its kinds hidden.
 *
 *   node --import tsx bench/prefetch/clustering.ts [--ops N] [--seeds 1,2,3] [--cluster-after 16]
 *        [--out bench/results/prefetch.clustering]
 *
 * The generator runs with opaque agent ids (`agent-17`, not `coder-17`), so neither ids nor keys
 * name the kind. The same op stream is replayed through the prefetch simulator (replay.ts: exact
 * LRU at equal size, prefetch on) three ways:
 *  - default: no kinds declared, clustering off — every agent shares the one `default` kind model;
 *  - clustered: no kinds declared, clustering on — each agent joins a behaviour cluster after
 *    `clusterAfter` accesses and learns from / predicts with that cluster's shared model;
 *  - declared: the true kinds declared (`registerAgent(id, kind)`) — the upper reference.
 * Also reports clustering purity (share of clustered agents whose cluster's majority kind is their
 * own kind) and the clusters' composition, from a separate pass of the engine alone; and, as the
 * case where kinds are unknown for real, the agent trace per agent at 1/5/10 % of its unique keys
 * with clustering off and on.
 */
import { writeFileSync } from "node:fs"
import { PrefetchEngine, type PrefetchEngineOptions } from "../../src/prefetch/prefetch-engine.js"
import { toPrefetchStats } from "../../src/prefetch/prefetch-metrics.js"
import { capacityFor, listSharedTraces, loadTrace, traceName } from "../../src/traces/read-trace.js"
import { AgentWorkload } from "../../src/workload/index.js"
import { OP_END, OP_GET, OP_PUT, replay, type ReplayStream } from "./replay.js"

const argv = process.argv.slice(2)
const arg = (name: string, fallback: string): string => {
  const i = argv.indexOf(name)
  return i >= 0 ? argv[i + 1] : fallback
}
const ops = Number(arg("--ops", "500000"))
const seeds = arg("--seeds", "1,2,3").split(",").map(Number)
const out = arg("--out", "bench/results/prefetch.clustering")
const capacities = [5000, 10000, 20000]
/** Accesses before an unlabelled agent is clustered (the engine option `clusterAfter`). */
const CLUSTER_AFTER = Number(arg("--cluster-after", "16"))
const CLUSTERED: PrefetchEngineOptions = { clusterAfter: CLUSTER_AFTER }
/** Same as the main prefetch bench (run-prefetch-bench.ts): ops between issue and completion. */
const LATENCY = 8

const pct = (x: number): number => Math.round(x * 10000) / 100
const r3 = (x: number): number => Math.round(x * 1000) / 1000

function hiddenKindStream(seed: number): { stream: ReplayStream; truth: Map<string, string> } {
  const all = new AgentWorkload({ ops, seed, opaqueIds: true }).toArray()
  const truth = new Map(all.map((o) => [o.agentId, o.kind]))
  return {
    truth,
    stream: {
      name: `generator-hidden-kinds-seed${seed}`,
      keys: all.map((o) => o.key),
      agents: all.map((o) => o.agentId),
      ops: Uint8Array.from(all.map((o) => (o.op === "get" ? OP_GET : o.op === "put" ? OP_PUT : OP_END))),
      sizes: Uint32Array.from(all.map((o) => o.size)),
    },
  }
}

/** Runs the engine alone over the stream with clustering on and measures purity. */
function purity(stream: ReplayStream, truth: Map<string, string>) {
  const e = new PrefetchEngine(CLUSTERED)
  const assigned = new Map<string, string>()
  const agents = stream.agents as readonly string[]
  for (let i = 0; i < stream.keys.length; i++) {
    const id = agents[i]
    if (stream.ops![i] === OP_END) {
      const c = e.clusterOf(id)
      if (c !== undefined) assigned.set(id, c)
      e.endAgent(id)
      continue
    }
    e.observe(id, stream.keys[i], "miss", stream.sizes![i], stream.ops![i] === OP_PUT)
  }
  for (const id of e.agentIds()) {
    const c = e.clusterOf(id)
    if (c !== undefined) assigned.set(id, c)
  }
  const composition: Record<string, Record<string, number>> = {}
  for (const [id, c] of assigned) {
    const k = truth.get(id)!
    composition[c] ??= {}
    composition[c][k] = (composition[c][k] ?? 0) + 1
  }
  let majority = 0
  for (const counts of Object.values(composition)) majority += Math.max(...Object.values(counts))
  return { agents: truth.size, clustered: assigned.size, clusters: e.clusterCount, purity: r3(majority / assigned.size), composition }
}

const results = seeds.map((seed) => {
  const { stream, truth } = hiddenKindStream(seed)
  const p = purity(stream, truth)
  console.log(`seed ${seed}: ${p.clusters} clusters, ${p.clustered}/${p.agents} agents clustered, purity ${p.purity}`)
  const rows = capacities.map((capacity) => {
    const off = replay(stream, { capacity, prefetch: false })
    const mode = (engine: PrefetchEngineOptions, declared: boolean) => {
      const r = replay(declared ? { ...stream, kinds: truth } : stream, { capacity, prefetch: true, latency: LATENCY, engine })
      const s = toPrefetchStats(r.prefetch!.counters)
      return { steadyHit: pct(r.steadyHitRatio), accuracy: r3(s.accuracy), falsePositiveRate: r3(s.falsePositiveRate), coverage: r3(s.coverage), issued: s.issued, missReduction: r3((off.misses - r.misses) / off.misses) }
    }
    const row = { capacity, steadyHitOff: pct(off.steadyHitRatio), default: mode({}, false), clustered: mode(CLUSTERED, false), declared: mode({}, true) }
    console.log(`  cap ${capacity}: off ${row.steadyHitOff}  default ${row.default.steadyHit} (acc ${row.default.accuracy})  clustered ${row.clustered.steadyHit} (acc ${row.clustered.accuracy})  declared ${row.declared.steadyHit} (acc ${row.declared.accuracy})`)
    return row
  })
  return { seed, purity: p, rows }
})

/** The agent trace, replayed per agent (no kinds exist), clustering off vs on. */
function agentTrace() {
  const file = listSharedTraces().find((f) => traceName(f) === "agent_miniswe_gemini3pro_swebv")
  if (file === undefined) return undefined
  const t = loadTrace(file)
  const stream: ReplayStream = { name: "agent_miniswe_gemini3pro_swebv", keys: t.keys, agents: t.agents ?? "trace" }
  return [1, 5, 10].map((p) => {
    const capacity = capacityFor(t.uniqueKeys, p)
    const off = replay(stream, { capacity, prefetch: false })
    const on = (engine: PrefetchEngineOptions) => {
      const r = replay(stream, { capacity, prefetch: true, latency: LATENCY, engine })
      return { hit: pct(r.hitRatio), accuracy: r3(toPrefetchStats(r.prefetch!.counters).accuracy), issued: r.prefetch!.counters.issued }
    }
    return { pct: p, capacity, hitOff: pct(off.hitRatio), default: on({}), clustered: on(CLUSTERED) }
  })
}
const trace = agentTrace()

const result = { command: `node --import tsx bench/prefetch/clustering.ts ${argv.join(" ")}`.trim(), date: new Date().toISOString(), node: process.version, ops, clusterAfter: CLUSTER_AFTER, latencyOps: LATENCY, results, agentTrace: trace }
writeFileSync(`${out}.json`, JSON.stringify(result, null, 2) + "\n")
const md = [
  "# Prefetch: behavioural clustering of unlabelled agents",
  "",
  `Command: \`${result.command}\` — ${result.date}, Node ${result.node}. Generator: ${ops} ops, 850 concurrent agents of 3 kinds (coder, researcher, planner), opaque agent ids; exact LRU at equal size, prefetch latency ${LATENCY} ops; steady state = after the first 20 % of ops. Clustering after ${CLUSTER_AFTER} accesses.`,
  "",
  "| seed | clusters | agents clustered | purity |",
  "|---:|---:|---:|---:|",
  ...results.map((r) => `| ${r.seed} | ${r.purity.clusters} | ${r.purity.clustered} of ${r.purity.agents} | ${r.purity.purity} |`),
  "",
  "Steady-state hit ratio (%) and prefetch accuracy, same stream, same cache size:",
  "",
  "| seed | capacity | prefetch off | all in `default` | clustered | true kinds declared |",
  "|---:|---:|---:|---:|---:|---:|",
  ...results.flatMap((r) => r.rows.map((x) => `| ${r.seed} | ${x.capacity} | ${x.steadyHitOff} | ${x.default.steadyHit} (acc ${x.default.accuracy}, FP ${x.default.falsePositiveRate}) | ${x.clustered.steadyHit} (acc ${x.clustered.accuracy}, FP ${x.clustered.falsePositiveRate}) | ${x.declared.steadyHit} (acc ${x.declared.accuracy}, FP ${x.declared.falsePositiveRate}) |`)),
  "",
  "Cluster composition (true kinds per cluster):",
  "",
  ...results.map((r) => `- seed ${r.seed}: ${Object.entries(r.purity.composition).map(([c, k]) => `${c} ${JSON.stringify(k)}`).join("; ")}`),
  "",
]
if (trace !== undefined) {
  md.push(
    "Agent trace (`agent_miniswe_gemini3pro_swebv`, per agent, no kinds exist), whole-trace hit ratio (%), prefetch accuracy and prefetches issued:",
    "",
    "| size | capacity | prefetch off | all in `default` | clustered |",
    "|---:|---:|---:|---:|---:|",
    ...trace.map((x) => `| ${x.pct} % | ${x.capacity} | ${x.hitOff} | ${x.default.hit} (acc ${x.default.accuracy}, ${x.default.issued} issued) | ${x.clustered.hit} (acc ${x.clustered.accuracy}, ${x.clustered.issued} issued) |`),
    "",
  )
}
writeFileSync(`${out}.md`, md.join("\n"))
console.log(md.join("\n"))
