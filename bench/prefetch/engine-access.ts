/**
 * One access as the prefetch engine benchmarks feed it (bench/prefetch/update-latency.ts and the
 * prediction fingerprint), and a shared trace turned into such accesses.
 */
import { listSharedTraces, loadTrace, traceName } from "../../src/traces/read-trace.js"

export interface Access {
  agent: string
  kind?: string
  key: string
  size: number
  write: boolean
  end?: boolean
}

/** The first `limit` requests of the shared trace `name` as reads, with their agent ids; undefined when the trace is absent. */
export function traceAccesses(name: string, limit: number): Access[] | undefined {
  const file = listSharedTraces().find((f) => traceName(f) === name)
  if (file === undefined) return undefined
  const t = loadTrace(file, { limit })
  return t.keys.map((key, i) => ({ agent: t.agents?.[i] ?? "trace", key, size: t.sizes?.[i] ?? 0, write: false }))
}
