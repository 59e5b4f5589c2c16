/**
 * Mixed-workload benchmark: one seeded stream of reads and writes (Zipf-popular keys, 90 % reads,
 * 10 % writes) through L1 (`L1Cache`, the synchronous hot tier behind `getIfPresent`), lru-cache
 * and mnemonist's LRUCache at the same capacity, in the same process, interleaved batch by batch.
 * Reports ns per operation (batched, hdr percentiles), throughput relative to lru-cache, and each
 * cache's hit ratio on the stream (read misses are filled, as a read-through cache would).
 *
 *   node --import tsx bench/harness/mixed.ts [--quick] [--out DIR]
 *
 * Writes bench/results/mixed.json.
 */
import { resolve } from "node:path"
import { LRUCache } from "lru-cache"
import { LRUCache as MnemonistLru } from "mnemonist"
import { L1Cache } from "../../src/tiers/l1/index.js"
import { measureBatched, type LatencyStats } from "./measure.js"
import { writeResults } from "./results.js"

const quick = process.argv.includes("--quick")
const outIdx = process.argv.indexOf("--out")
/** Results folder (default bench/results). */
const outDir = outIdx >= 0 ? resolve(process.argv[outIdx + 1]) : undefined
const KEYS = 100_000
const CAPACITY = 10_000
const STREAM = 1 << 20
const WRITE_SHARE = 0.1
const ZIPF_S = 0.9

/** A seeded Zipf(s) stream of key indices over KEYS keys, plus a write flag per op. */
function stream(seed: number): { keys: Uint32Array; writes: Uint8Array } {
  const weights = new Float64Array(KEYS)
  let total = 0
  for (let i = 0; i < KEYS; i++) total += weights[i] = 1 / (i + 1) ** ZIPF_S
  const cdf = new Float64Array(KEYS)
  let acc = 0
  for (let i = 0; i < KEYS; i++) cdf[i] = acc += weights[i] / total
  let x = seed >>> 0 || 1
  const rand = (): number => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 4294967296
  }
  const keys = new Uint32Array(STREAM)
  const writes = new Uint8Array(STREAM)
  for (let i = 0; i < STREAM; i++) {
    const u = rand()
    let lo = 0
    let hi = KEYS - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cdf[mid] < u) lo = mid + 1
      else hi = mid
    }
    // Scatter popularity over the key space so popular keys are not also the first inserted.
    keys[i] = (Math.imul(lo, 2654435761) >>> 0) % KEYS
    writes[i] = rand() < WRITE_SHARE ? 1 : 0
  }
  return { keys, writes }
}

interface Candidate {
  readonly name: string
  readonly op: (i: number) => unknown
  hits: number
  reads: number
}

function main(): void {
  const { keys, writes } = stream(42)
  const names = Array.from({ length: KEYS }, (_, i) => `agent-${i % 850}:k${i}`)
  const value = { state: "x" }
  const mask = STREAM - 1
  const l1 = new L1Cache<object>({ maxBytes: CAPACITY, maxEntries: CAPACITY })
  const lru = new LRUCache<string, object>({ max: CAPACITY })
  const mn = new MnemonistLru<string, object>(CAPACITY)
  let version = 0
  const make = (name: string, get: (k: string) => object | undefined, set: (k: string) => void): Candidate => {
    let p = 0
    const c: Candidate = {
      name,
      hits: 0,
      reads: 0,
      op: () => {
        const i = p++ & mask
        const k = names[keys[i]]
        if (writes[i] === 1) {
          set(k)
          return k
        }
        c.reads++
        const v = get(k)
        if (v === undefined) set(k)
        else c.hits++
        return v
      },
    }
    return c
  }
  const candidates = [
    make("tiercache L1", (k) => l1.get(k), (k) => void l1.set(k, value, 1, ++version)),
    make("lru-cache", (k) => lru.get(k), (k) => void lru.set(k, value)),
    make("mnemonist LRUCache", (k) => mn.get(k), (k) => void mn.set(k, value)),
  ]
  const samples = quick ? 300 : 2000
  const rounds = quick ? 3 : 5
  const stats = new Map<string, LatencyStats[]>()
  // Rounds rotate the order so no candidate always runs first (JIT warm-up, CPU frequency).
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < candidates.length; j++) {
      const c = candidates[(j + r) % candidates.length]
      const s = measureBatched(c.op, { batch: 1000, samples })
      stats.set(c.name, [...(stats.get(c.name) ?? []), s])
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const lruP50 = median(stats.get("lru-cache")!.map((s) => s.p50Ns))
  const results = candidates.map((c) => {
    const s = stats.get(c.name)!
    const p50 = median(s.map((x) => x.p50Ns))
    return {
      cache: c.name,
      p50NsPerOp: Number(p50.toFixed(1)),
      p99NsPerOp: Number(median(s.map((x) => x.p99Ns)).toFixed(1)),
      throughputVsLruCache: Number((lruP50 / p50).toFixed(3)),
      hitRatio: Number((c.hits / c.reads).toFixed(4)),
    }
  })
  const file = writeResults("mixed", {
    workload: { keys: KEYS, capacity: CAPACITY, writeShare: WRITE_SHARE, zipf: ZIPF_S, rounds, samplesPerRound: samples, batch: 1000 },
    note: "ns per operation are means over 1000-operation batches (percentiles over batches); hit ratio over every read of all rounds",
    results,
  }, outDir)
  console.log("cache                 p50 ns/op  p99 ns/op  thrpt vs lru-cache  hit ratio")
  for (const r of results) {
    console.log(`${r.cache.padEnd(20)}  ${r.p50NsPerOp.toFixed(1).padStart(9)}  ${r.p99NsPerOp.toFixed(1).padStart(9)}  ${r.throughputVsLruCache.toFixed(3).padStart(18)}  ${(r.hitRatio * 100).toFixed(2).padStart(8)} %`)
  }
  console.log(`wrote ${file}`)
}

main()
