/**
 * Per-operation latency: every operation is timed on its own with process.hrtime.bigint() and
 * recorded in an HDR histogram (ns, 3 significant digits). L2 and L3 operations take
 * microseconds, far above the timer's ~50–100 ns overhead, so single-operation percentiles are
 * meaningful here (unlike L1, whose bench times batches). The timer overhead is included.
 */
import * as hdr from "hdr-histogram-js"

export interface OpLatency {
  readonly samples: number
  readonly p50Us: number
  readonly p95Us: number
  readonly p99Us: number
  readonly maxUs: number
  readonly meanUs: number
}

function histogram(): hdr.Histogram {
  return hdr.build({ numberOfSignificantValueDigits: 3, highestTrackableValue: 60e9, useWebAssembly: false })
}

function summary(h: hdr.Histogram): OpLatency {
  const us = (ns: number) => Math.round(ns) / 1000
  return {
    samples: h.totalCount,
    p50Us: us(h.getValueAtPercentile(50)),
    p95Us: us(h.getValueAtPercentile(95)),
    p99Us: us(h.getValueAtPercentile(99)),
    maxUs: us(h.maxValue),
    meanUs: us(h.mean)
  }
}

let sinkValue = 0
function sink(v: unknown): void {
  if (v === undefined) sinkValue++
}

/** Accumulates per-operation times from several timing rounds (for interleaved comparisons). */
export class LatencyRecorder {
  readonly #h = histogram()

  /** Times `count` synchronous calls of `op(start + k)` into this recorder. */
  timeSync(op: (i: number) => unknown, start: number, count: number): void {
    for (let i = start; i < start + count; i++) {
      const t0 = process.hrtime.bigint()
      const r = op(i)
      this.#h.recordValue(Number(process.hrtime.bigint() - t0))
      sink(r)
    }
  }

  /** Times `count` sequential awaited calls of `op(start + k)` into this recorder. */
  async timeAsync(op: (i: number) => Promise<unknown>, start: number, count: number): Promise<void> {
    for (let i = start; i < start + count; i++) {
      const t0 = process.hrtime.bigint()
      const r = await op(i)
      this.#h.recordValue(Number(process.hrtime.bigint() - t0))
      sink(r)
    }
  }

  summary(): OpLatency {
    return summary(this.#h)
  }
}

/** Times `samples` synchronous calls of `op(i)` after `warmup` untimed calls. */
export function timeSync(op: (i: number) => unknown, samples: number, warmup = Math.ceil(samples / 10)): OpLatency {
  for (let i = 0; i < warmup; i++) sink(op(i))
  const h = histogram()
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint()
    const r = op(i)
    h.recordValue(Number(process.hrtime.bigint() - t0))
    sink(r)
  }
  return summary(h)
}

/** Times `samples` sequential awaited calls of `op(i)` after `warmup` untimed calls. */
export async function timeAsync(op: (i: number) => Promise<unknown>, samples: number, warmup = Math.ceil(samples / 10)): Promise<OpLatency> {
  for (let i = 0; i < warmup; i++) sink(await op(i))
  const h = histogram()
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint()
    const r = await op(i)
    h.recordValue(Number(process.hrtime.bigint() - t0))
    sink(r)
  }
  return summary(h)
}

/** Nothing was ever undefined in a measured loop (keeps the sink observable). */
export function sinkCount(): number {
  return sinkValue
}
