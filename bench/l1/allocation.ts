/**
 * Bytes allocated per hit: run `count` hits after a full GC and watch (a) GC events reported by a
 * PerformanceObserver('gc') and (b) the heapUsed delta. A hit path that allocates even 16 bytes
 * makes 16 MB over 1e6 hits: several scavenges and a visible heap delta. A deliberately
 * allocating loop is measured the same way as a positive control (the method must see it).
 * Needs `node --expose-gc`.
 */
import { PerformanceObserver } from "node:perf_hooks"
import type { Fixture } from "./fixtures.js"

export interface AllocationResult {
  readonly hits: number
  readonly gcEvents: number
  readonly heapDeltaBytes: number
  readonly bytesPerHit: number
}

interface Gettable {
  get(key: string): { readonly id: number } | undefined
}

const gc = (): void => (globalThis as { gc?: () => void }).gc!()

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 20))
}

async function measure(run: () => number, hits: number): Promise<AllocationResult> {
  let events = 0
  const obs = new PerformanceObserver((list) => {
    events += list.getEntries().length
  })
  gc()
  gc()
  await settle()
  obs.observe({ entryTypes: ["gc"] })
  const before = process.memoryUsage().heapUsed
  const sink = run()
  const after = process.memoryUsage().heapUsed
  await settle()
  obs.disconnect()
  if (sink === -1) console.log("unreachable")
  const delta = after - before
  return { hits, gcEvents: events, heapDeltaBytes: delta, bytesPerHit: Math.max(0, delta) / hits }
}

/**
 * The measured loop. Kept allocation-free itself: an int32 checksum (a growing float sum would box
 * a HeapNumber per iteration until optimized), one function reused for warm-up and measurement so
 * it is already optimized when measured.
 */
function hitLoop(cache: Gettable, keys: readonly string[], order: Uint32Array, n: number): number {
  let s = 0
  const len = order.length
  for (let i = 0; i < n; i++) s = (s + cache.get(keys[order[i % len]])!.id) | 0
  return s
}

export async function measureAllocation(cache: Gettable, f: Fixture, hits: number): Promise<AllocationResult> {
  const { keys, order } = f
  // Warm up so the loop and `get` are optimized before measuring (JIT compilation itself allocates).
  for (let r = 0; r < 5; r++) hitLoop(cache, keys, order, 200_000)
  return measure(() => hitLoop(cache, keys, order, hits), hits)
}

function allocatingLoop(box: { v: number }[], n: number): number {
  let s = 0
  for (let i = 0; i < n; i++) {
    box[0] = { v: i }
    s = (s + box[0].v) | 0
  }
  return s
}

/** Positive control: a loop that allocates one small object per iteration. */
export async function measureAllocatingControl(hits: number): Promise<AllocationResult> {
  const box: { v: number }[] = [{ v: 0 }]
  for (let r = 0; r < 5; r++) allocatingLoop(box, 200_000)
  return measure(() => allocatingLoop(box, hits), hits)
}
