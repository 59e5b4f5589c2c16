/**
 * Diagnostic: which observe() calls are the slow ones (>= p99)? Times every call and tags it with
 * what happened inside it (new key interned, memo miss/clear, pending map change, first access of
 * an agent, GC overlapping the call).
 *
 *   node --expose-gc --import tsx bench/prefetch/slow-samples.ts [--ops N] [--agents N] [--unlabelled] [--wrap]
 */
import { PerformanceObserver, performance } from "node:perf_hooks"
import { PrefetchEngine } from "../../src/prefetch/prefetch-engine.js"
import { AgentWorkload } from "../../src/workload/index.js"

const argv = process.argv.slice(2)
const opsArg = argv.indexOf("--ops")
const ops = opsArg >= 0 ? Number(argv[opsArg + 1]) : 300_000
const unlabelled = argv.includes("--unlabelled")
const agentsArg = argv.indexOf("--agents")
const agents = agentsArg >= 0 ? Number(argv[agentsArg + 1]) : 850

interface A { agent: string; kind?: string; key: string; size: number; write: boolean; end?: boolean }
const accesses: A[] = []
for (const o of new AgentWorkload({ ops, seed: 1, opaqueIds: unlabelled, agents })) {
  if (o.op === "end") { if (unlabelled) accesses.push({ agent: o.agentId, key: "", size: 0, write: false, end: true }); continue }
  accesses.push({ agent: o.agentId, kind: unlabelled ? undefined : o.kind, key: o.key, size: o.size, write: o.op === "put" })
}

const gcs: { start: number; end: number; kind: number }[] = []
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration, kind: (e as unknown as { detail?: { kind: number } }).detail?.kind ?? 0 })
})
obs.observe({ entryTypes: ["gc"] })

const e = new PrefetchEngine(unlabelled ? { clusterAfter: 16 } : {})
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const x = e as any
const n = accesses.length
// --wrap: per-method time inside each call (adds timer overhead; for attribution only)
const wrapped: [object, string][] = argv.includes("--wrap") ? [[x.interner, "intern"], [x.memo, "set"], [x.memo, "get"], [x, "resolveUsed"], [x, "resolveUnused"], [x, "topCandidates"], [x, "markovChain"], [x, "strideCandidates"], [x, "expirePending"], [x, "applySourceThresholds"], [x, "relaxThreshold"]] : []
const acc: Record<string, number> = {}
const slowAcc: Record<string, number> = {}
const allAcc: Record<string, number> = {}
for (const [o, m] of wrapped) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const oo = o as any
  const f = oo[m].bind(oo)
  oo[m] = (...args: unknown[]) => { const t = performance.now(); const r = f(...args); acc[m] = (acc[m] ?? 0) + performance.now() - t; return r }
}
const dur = new Float64Array(n)
const t0s = new Float64Array(n)
const flags = new Uint16Array(n)
const F = { intern: 1, memoMiss: 2, memoClear: 4, firstAccess: 8, predicted: 16, pendingResolved: 32, newKind: 64, write: 128, expired: 256 }
const seenAgents = new Set<string>()
const lastAt = new Map<string, number>()
const gap = new Float64Array(n)
for (let i = 0; i < n; i++) {
  const a = accesses[i]
  if (a.end) { e.endAgent(a.agent); continue }
  if (a.kind !== undefined) e.registerAgent(a.agent, a.kind)
  const isize = x.interner.size
  const msize = x.memo.size
  const psize = x.pending.size
  const ksize = x.clusterKinds.length
  const wm = x.global.windowMisses
  const first = !seenAgents.has(a.agent)
  if (first) seenAgents.add(a.agent)
  gap[i] = i - (lastAt.get(a.agent) ?? i)
  lastAt.set(a.agent, i)
  const t0 = performance.now()
  const p = e.observe(a.agent, a.key, "miss", a.size, a.write)
  const t1 = performance.now()
  dur[i] = (t1 - t0) * 1000
  if (wrapped.length > 0) {
    const slowish = dur[i] >= 5
    for (const k in acc) { allAcc[k] = (allAcc[k] ?? 0) + acc[k] * 1000; if (slowish) slowAcc[k] = (slowAcc[k] ?? 0) + acc[k] * 1000; acc[k] = 0 }
    if (slowish) slowAcc.total = (slowAcc.total ?? 0) + dur[i]
    allAcc.total = (allAcc.total ?? 0) + dur[i]
  }
  t0s[i] = t0
  let f = 0
  if (x.interner.size !== isize) f |= F.intern
  if (x.memo.size > msize) f |= F.memoMiss
  if (x.memo.size < msize) f |= F.memoClear
  if (first) f |= F.firstAccess
  if (p.length > 0) f |= F.predicted
  if (x.pending.size < psize) f |= F.pendingResolved
  if (x.clusterKinds.length !== ksize) f |= F.newKind
  if (a.write) f |= F.write
  if (x.global.windowMisses !== wm) f |= F.expired
  flags[i] = f
  for (const q of p) if (!e.isPending(q.key)) e.recordIssued(a.agent, q.key, q.bytes, q.source)
}
await new Promise((r) => setTimeout(r, 50))
const warm = Math.floor(n / 5)
const idx: number[] = []
for (let i = warm; i < n; i++) if (!accesses[i].end) idx.push(i)
const sorted = idx.map((i) => dur[i]).sort((a, b) => a - b)
const p50 = sorted[Math.floor(sorted.length * 0.5)]
const p99 = sorted[Math.floor(sorted.length * 0.99)]
console.log(`samples ${idx.length}  p50 ${p50.toFixed(2)} µs  p99 ${p99.toFixed(2)} µs  gcs ${gcs.length}`)
let gi = 0
const gcSorted = gcs.sort((a, b) => a.start - b.start)
const inGc = (i: number): boolean => {
  const s = t0s[i], en = s + dur[i] / 1000
  while (gi < gcSorted.length && gcSorted[gi].end < s) gi++
  return gi < gcSorted.length && gcSorted[gi].start <= en
}
const slowCount: Record<string, number> = {}
const allCount: Record<string, number> = {}
let slowGc = 0, slowN = 0, allGc = 0
for (const i of idx) {
  const g = inGc(i)
  if (g) allGc++
  const names = Object.entries(F).filter(([, b]) => flags[i] & b).map(([k]) => k)
  for (const k of names) allCount[k] = (allCount[k] ?? 0) + 1
  if (dur[i] >= p99) {
    slowN++
    if (g) slowGc++
    for (const k of names) slowCount[k] = (slowCount[k] ?? 0) + 1
  }
}
console.log(`slow (>= p99) ${slowN}: overlapping a GC ${slowGc} (${(100 * slowGc / slowN).toFixed(1)}%); all samples overlapping GC ${allGc}`)
for (const k of Object.keys(F)) console.log(`  ${k.padEnd(16)} slow ${(100 * (slowCount[k] ?? 0) / slowN).toFixed(1).padStart(5)}%   all ${(100 * (allCount[k] ?? 0) / idx.length).toFixed(1).padStart(5)}%`)
const gcKinds: Record<number, { n: number; ms: number }> = {}
for (const g of gcs) { gcKinds[g.kind] ??= { n: 0, ms: 0 }; gcKinds[g.kind].n++; gcKinds[g.kind].ms += g.end - g.start }
console.log("gc by kind (1 scavenge, 2 minor mc, 4 mark-compact, 8 incremental, 16 weak):", JSON.stringify(gcKinds))
// Slow samples not explained by GC: how are they distributed over the flags?
const unexplained: Record<string, number> = {}
let un = 0
gi = 0
for (const i of idx) {
  const g = inGc(i)
  if (dur[i] < p99 || g) continue
  un++
  const key = Object.entries(F).filter(([, b]) => flags[i] & b).map(([k]) => k).join("+") || "(none)"
  unexplained[key] = (unexplained[key] ?? 0) + 1
}
console.log(`slow without GC: ${un}`)
for (const [k, v] of Object.entries(unexplained).sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${k.padEnd(50)} ${v}`)
// Per combination: share of samples, mean µs, share of its samples that are >= p99.
const combos: Record<string, number[]> = {}
for (const i of idx) {
  const key = Object.entries(F).filter(([, b]) => flags[i] & b).map(([k]) => k).join("+") || "(none)"
  ;(combos[key] ??= []).push(dur[i])
}
console.log("combination                                        share   mean µs  p90 µs  >=p99")
for (const [k, v] of Object.entries(combos).sort((a, b) => b[1].length - a[1].length).slice(0, 16)) {
  v.sort((a, b) => a - b)
  const mean = v.reduce((s, d) => s + d, 0) / v.length
  console.log(`  ${k.padEnd(48)} ${(100 * v.length / idx.length).toFixed(1).padStart(5)}%  ${mean.toFixed(2).padStart(6)}  ${v[Math.floor(v.length * 0.9)].toFixed(2).padStart(6)}  ${(100 * v.filter((d) => d >= p99).length / v.length).toFixed(1).padStart(5)}%`)
}
if (wrapped.length > 0) {
  console.log("method              all µs share   slow(>=5µs) µs share")
  for (const k of Object.keys(allAcc)) console.log(`  ${k.padEnd(22)} ${(100 * allAcc[k] / allAcc.total).toFixed(1).padStart(5)}%   ${(100 * (slowAcc[k] ?? 0) / slowAcc.total).toFixed(1).padStart(5)}%`)
}
// Slow share by the number of accesses (of any agent) since this agent's previous access.
const buckets = [0, 1, 10, 100, 300, 1000, 3000, 1e9]
console.log("gap since agent's last access   share   mean µs  >=p99")
for (let b = 0; b + 1 < buckets.length; b++) {
  const v = idx.filter((i) => gap[i] >= buckets[b] && gap[i] < buckets[b + 1]).map((i) => dur[i])
  if (v.length === 0) continue
  console.log(`  [${buckets[b]}, ${buckets[b + 1]})`.padEnd(32), `${(100 * v.length / idx.length).toFixed(1).padStart(5)}%  ${(v.reduce((x, y) => x + y, 0) / v.length).toFixed(2).padStart(6)}  ${(100 * v.filter((d) => d >= p99).length / v.length).toFixed(2).padStart(5)}%`)
}
