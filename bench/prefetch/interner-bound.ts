/**
 * Memory of the prefetch engine's key interner at its bound (`maxInternedKeys`), and the cost of
 * an access once the bound is reached (every new key evicts one).
 *
 *   node --expose-gc --import tsx bench/prefetch/interner-bound.ts [--bound N] [--keys M]
 *
 * Streams M distinct shared keys (`repo:p<i % 50>:src/file-<i>.py`, 22–30 characters, one per
 * access, 64 agents round-robin, so the workflow tables are exercised too) through one engine with
 * `maxInternedKeys = N`, and reports: the interner's own byte estimate, the JS heap + ArrayBuffer
 * growth measured with gc (which also includes the engine's fixed tables), both per held key, at
 * the first time the bound is reached and at the end (the two should agree: bounded), and the
 * median per-access time before and after the bound (timed in blocks of 4096 accesses).
 */
import { PrefetchEngine } from "../../src/prefetch/prefetch-engine.js"

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

function heap(): number {
  globalThis.gc?.()
  globalThis.gc?.()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

const bound = arg("bound", 1 << 20)
const total = arg("keys", 3 * bound)
if (globalThis.gc === undefined) console.error("run with --expose-gc for heap figures")

const agents = Array.from({ length: 64 }, (_, i) => `agent-${i}`)
const base = heap()
const engine = new PrefetchEngine({ maxInternedKeys: bound })
for (const a of agents) engine.registerAgent(a, "worker")
const afterSetup = heap()
const BLOCK = 4096
const before: number[] = []
const after: number[] = []
let atBound: { keys: number; bytes: number; heap: number } | undefined
for (let i = 0; i < total; i += BLOCK) {
  const t0 = process.hrtime.bigint()
  const n = Math.min(BLOCK, total - i)
  for (let j = i; j < i + n; j++) engine.observe(agents[j & 63], `repo:p${j % 50}:src/file-${j}.py`, "miss", 1000)
  const ns = Number(process.hrtime.bigint() - t0) / n
  const full = engine.internedKeys >= engine.internerStats().capacity
  ;(full && i + n > bound + BLOCK ? after : before).push(ns)
  if (full && atBound === undefined) atBound = { keys: engine.internedKeys, bytes: engine.internerStats().bytes, heap: heap() - afterSetup }
}
const end = engine.internerStats()
const endHeap = heap() - afterSetup
console.log(`bound ${bound} (capacity ${end.capacity}), ${total} distinct keys streamed, ${end.evictions} evicted, ${end.epochs} epoch clears`)
console.log(`engine setup (64 agents, 1 kind): ${((afterSetup - base) / 1024).toFixed(0)} KiB`)
if (atBound !== undefined) {
  console.log(`at the bound:  interner estimate ${(atBound.bytes / 2 ** 20).toFixed(1)} MiB (${(atBound.bytes / atBound.keys).toFixed(0)} B/key); heap growth ${(atBound.heap / 2 ** 20).toFixed(1)} MiB (${(atBound.heap / atBound.keys).toFixed(0)} B/key)`)
}
console.log(`at the end:    interner estimate ${(end.bytes / 2 ** 20).toFixed(1)} MiB (${(end.bytes / end.keys).toFixed(0)} B/key); heap growth ${(endHeap / 2 ** 20).toFixed(1)} MiB (${(endHeap / end.keys).toFixed(0)} B/key)`)
console.log(`ns per access (median of ${BLOCK}-access blocks): below the bound ${median(before).toFixed(0)}, at the bound (evicting) ${after.length > 0 ? median(after).toFixed(0) : "-"}`)
