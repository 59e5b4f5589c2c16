/**
 * Allocation measurement: bytes of heap allocated per operation over many operations.
 *
 * Method: force a full GC, read `heapUsed`, run the operations while counting GC events with a
 * PerformanceObserver, read `heapUsed` again. With no GC during the run the heap delta is exactly
 * what the operations allocated (V8 allocates by bumping a pointer; nothing is freed without a GC).
 * If a GC did happen the delta understates the allocation, so the result is marked `gcDuringRun` and
 * callers should treat it as "allocates" (a true zero-allocation loop never triggers a GC).
 * Needs `node --expose-gc`.
 */
import { PerformanceObserver } from "node:perf_hooks"

export interface AllocationResult {
  readonly ops: number
  readonly heapDeltaBytes: number
  readonly bytesPerOp: number
  readonly gcEvents: number
  readonly gcDuringRun: boolean
}

/** Throws a clear error when the process lacks `--expose-gc`. */
export function requireGc(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (typeof gc !== "function") throw new Error("allocation measurement needs node --expose-gc")
  return gc
}

/** Measures heap bytes allocated per call of `op` over `ops` calls (after `warmup` untimed calls). */
export async function bytesPerOp(op: (i: number) => unknown, ops: number, warmup = Math.min(ops, 100_000)): Promise<AllocationResult> {
  const gc = requireGc()
  let keep = 0
  for (let i = 0; i < warmup; i++) if (op(i) === undefined) keep++
  let gcEvents = 0
  const observer = new PerformanceObserver((list) => {
    gcEvents += list.getEntries().length
  })
  gc()
  gc()
  observer.observe({ entryTypes: ["gc"] })
  // Let the observer attach before measuring: entries are delivered asynchronously.
  await new Promise((r) => setImmediate(r))
  gcEvents = 0
  const before = process.memoryUsage().heapUsed
  for (let i = 0; i < ops; i++) if (op(i) === undefined) keep++
  const after = process.memoryUsage().heapUsed
  await new Promise((r) => setImmediate(r))
  observer.disconnect()
  if (keep === -1) console.log(keep) // observable, never true
  const delta = Math.max(0, after - before)
  return { ops, heapDeltaBytes: delta, bytesPerOp: delta / ops, gcEvents, gcDuringRun: gcEvents > 0 }
}
