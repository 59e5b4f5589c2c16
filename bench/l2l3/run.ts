/**
 * L2 / L3 benchmark.
 *
 *   node --import tsx bench/l2l3/run.ts [--quick] [--out DIR]
 *
 * Measures, for ~4 KiB agent-state JSON values:
 * - L2 (l2-hit.ts): get latency (SLRU bookkeeping + decompress) and hit latency (get + value
 *   decoding) with LZ4, pako, node:zlib and no compression, set latency and the compression ratio;
 * - L3 hit latency with a warm page cache (read + inflate + BLAKE3 verify), raw and deflated blobs;
 * - L3 put throughput at several concurrency levels, with the number of log fsyncs per put
 *   (group commit), and without fsync for reference.
 * Writes bench/results/l2l3.json (with machine facts and this command). Timings on a shared
 * 2-core VM are noisy; byte counts, ratios and fsync counts are deterministic.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { writeResults, RESULTS_DIR } from "../harness/results.js"
import { blobPath, hashBytes, nodeFileSystem, openL3 } from "../../src/tiers/l3/index.js"
import { serializedStates } from "./fixtures.js"
import { benchL2, l2Configs, L2_TARGET_P95_US, printL2, storedStates } from "./l2-hit.js"
import { LatencyRecorder, type OpLatency } from "./per-op.js"
import { visitOrder as order } from "./visit-order.js"

const quick = process.argv.includes("--quick")
const outIndex = process.argv.indexOf("--out")
const outDir = outIndex > 0 ? process.argv[outIndex + 1] : RESULTS_DIR

const L3_TARGET_P95_US = 200
const VALUES = 1000
const values = serializedStates(VALUES)
const rawBytes = values.reduce((n, v) => n + v.byteLength, 0)

const ROUNDS = 10

interface L3HitResult {
  readonly config: string
  /** null = never compresses. */
  readonly compressThreshold: number | null
  readonly blobBytes: number
  readonly rawBytes: number
  readonly get: OpLatency
  readonly meetsGetP95Target: boolean
}

/** Components of an L3 hit (filled by benchL3Hits). */
const breakdown = { read: new LatencyRecorder(), blake3: new LatencyRecorder() }

/** L3 warm-cache hits for raw and deflated blobs, interleaved in rounds like L2. */
async function benchL3Hits(configs: readonly { name: string; threshold: number }[]): Promise<L3HitResult[]> {
  const dirs: string[] = []
  try {
    const runs = []
    for (const c of configs) {
      const dir = mkdtempSync(join(tmpdir(), "tiercache-bench-l3-"))
      dirs.push(dir)
      const l3 = await openL3({ dir, maxBytes: 1 << 30, compressThreshold: c.threshold })
      await Promise.all(values.map((v, i) => l3.put(`k${i}`, v, i + 1)))
      for (let i = 0; i < VALUES; i++) await l3.get(`k${i}`) // warm the page cache (and the JIT)
      runs.push({ ...c, l3, get: new LatencyRecorder() })
    }
    const samples = quick ? 5_000 : 30_000
    const visit = order(samples, VALUES, 7)
    // The parts of a raw-blob hit, timed in the same rounds: the file read and the BLAKE3 check.
    const rawDir = dirs[runs.findIndex((r) => r.threshold === Infinity)]
    const blobFile = (i: number) => join(rawDir, blobPath(hashBytes(values[visit[i]])))
    const blobFiles = Array.from({ length: samples }, (_, i) => blobFile(i))
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < runs.length; k++) {
        const run = runs[(round + k) % runs.length]
        await run.get.timeAsync((i) => run.l3.get(`k${visit[i]}`), (round * samples) / ROUNDS, samples / ROUNDS)
      }
      await breakdown.read.timeAsync((i) => nodeFileSystem.readFile(blobFiles[i], values[visit[i]].byteLength + 1), (round * samples) / ROUNDS, samples / ROUNDS)
      breakdown.blake3.timeSync((i) => hashBytes(values[visit[i]]), (round * samples) / ROUNDS, samples / ROUNDS)
    }
    const results: L3HitResult[] = []
    for (const run of runs) {
      if (run.l3.counters.misses !== 0) throw new Error("L3 bench: unexpected misses")
      const get = run.get.summary()
      results.push({ config: run.name, compressThreshold: Number.isFinite(run.threshold) ? run.threshold : null, blobBytes: run.l3.bytes, rawBytes, get, meetsGetP95Target: get.p95Us < L3_TARGET_P95_US })
      await run.l3.close()
    }
    return results
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  }
}

interface PutThroughput {
  readonly concurrency: number
  readonly fsync: boolean
  readonly puts: number
  readonly seconds: number
  readonly putsPerSec: number
  readonly logFsyncs: number
  readonly logFsyncsPerPut: number
  readonly flushes: number
}

/** `puts` distinct 4 KiB values through `concurrency` concurrent writers into a fresh store. */
async function benchPuts(concurrency: number, puts: number, fsync: boolean): Promise<PutThroughput> {
  const dir = mkdtempSync(join(tmpdir(), "tiercache-bench-l3-"))
  try {
    const l3 = await openL3({ dir, maxBytes: 1 << 30, fsync })
    // Distinct bytes per put (no dedupe): the value index plus a per-put counter in the first bytes.
    const payload = (n: number) => {
      const v = values[n % VALUES].slice()
      v[0] = n & 0xff
      v[1] = (n >>> 8) & 0xff
      v[2] = (n >>> 16) & 0xff
      return v
    }
    let next = 0
    const started = process.hrtime.bigint()
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let n = next++; n < puts; n = next++) await l3.put(`k${n}`, payload(n), n + 1)
      })
    )
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const { fsyncs, flushes } = l3.stats
    await l3.close()
    return {
      concurrency,
      fsync,
      puts,
      seconds: Math.round(seconds * 1000) / 1000,
      putsPerSec: Math.round(puts / seconds),
      logFsyncs: fsyncs,
      logFsyncsPerPut: Math.round((fsyncs / puts) * 1000) / 1000,
      flushes
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const { l2, breakdown: l2HitBreakdown } = benchL2(l2Configs(), storedStates(VALUES), quick)
printL2(l2, l2HitBreakdown)

const l3Hits = await benchL3Hits([
  { name: "raw blobs", threshold: Infinity },
  { name: "deflated blobs", threshold: 1024 }
])
const l3HitBreakdown = { blobRead: breakdown.read.summary(), blake3Verify: breakdown.blake3.summary() }
console.log(`L3 hit parts: blob read p50 ${l3HitBreakdown.blobRead.p50Us} µs p95 ${l3HitBreakdown.blobRead.p95Us} µs | BLAKE3 of 4 KiB p50 ${l3HitBreakdown.blake3Verify.p50Us} µs p95 ${l3HitBreakdown.blake3Verify.p95Us} µs`)
for (const r of l3Hits) console.log(`L3 ${r.config.padEnd(14)} get p50 ${r.get.p50Us} µs  p95 ${r.get.p95Us} µs  p99 ${r.get.p99Us} µs | blob bytes ${r.blobBytes}`)

const n = quick ? 300 : 2000
const l3Puts = [
  await benchPuts(1, quick ? 50 : 200, true),
  await benchPuts(16, n, true),
  await benchPuts(128, n, true),
  await benchPuts(128, n, false)
]
for (const r of l3Puts) {
  console.log(`L3 put c=${String(r.concurrency).padEnd(3)} fsync=${r.fsync ? "on " : "off"} ${r.putsPerSec} puts/s, ${r.logFsyncsPerPut} log fsyncs per put (${r.flushes} flushes for ${r.puts} puts)`)
}

const file = writeResults(
  "l2l3",
  {
    quick,
    valueCount: VALUES,
    valueBytesMean: Math.round(rawBytes / VALUES),
    targets: { l2GetP95Us: L2_TARGET_P95_US, l3GetP95Us: L3_TARGET_P95_US },
    method: "each operation timed alone (hrtime.bigint, overhead included) into an HDR histogram; L3 reads after one warm-up pass over every key",
    l2,
    l2HitBreakdown,
    l3Hits,
    l3HitBreakdown,
    l3Puts
  },
  outDir
)
console.log(`wrote ${file}`)
