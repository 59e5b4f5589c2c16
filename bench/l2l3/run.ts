/**
 * L2 / L3 benchmark.
 *
 *   node --import tsx bench/l2l3/run.ts [--quick] [--out DIR]
 *
 * Measures, for ~4 KiB agent-state JSON values:
 * - L2 hit latency (get = SLRU bookkeeping + decompress) with pako, node:zlib and no compression,
 *   plus set latency and the compression ratio;
 * - L3 hit latency with a warm page cache (read + inflate + BLAKE3 verify), raw and deflated blobs,
 *   with its breakdown (bench/l2l3/l3-hit.ts, also runnable alone);
 * - L3 put throughput at several concurrency levels, with the number of log fsyncs per put
 *   (group commit), and without fsync for reference.
 * Writes bench/results/l2l3.json (with machine facts and this command). Timings on a shared
 * 2-core VM are noisy; byte counts, ratios and fsync counts are deterministic.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { writeResults, RESULTS_DIR } from "../harness/results.js"
import { L2Store, createPakoCompressor, createPakoOneShotCompressor, pakoCompressor, zlibCompressor } from "../../src/tiers/l2/index.js"
import { openL3 } from "../../src/tiers/l3/index.js"
import type { Compressor } from "../../src/types.js"
import { serializedStates } from "./fixtures.js"
import { LatencyRecorder, type OpLatency } from "./per-op.js"
import { L3_TARGET_P95_US, benchL3Hits, describeL3Hits } from "./l3-hit.js"

const quick = process.argv.includes("--quick")
const outIndex = process.argv.indexOf("--out")
const outDir = outIndex > 0 ? process.argv[outIndex + 1] : RESULTS_DIR

const L2_TARGET_P95_US = 10
const VALUES = 1000
const values = serializedStates(VALUES)
const rawBytes = values.reduce((n, v) => n + v.byteLength, 0)

/** A fixed pseudo-random visiting order, so every configuration reads the same keys. */
function order(length: number, modulo: number, seed = 42): Uint32Array {
  const out = new Uint32Array(length)
  let x = seed
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    out[i] = (x >>> 8) % modulo
  }
  return out
}

interface L2Result {
  readonly config: string
  readonly compressor: string
  /** null = never compresses. */
  readonly compressThreshold: number | null
  readonly storedBytes: number
  readonly rawBytes: number
  readonly compressionRatio: number
  readonly compressedEntries: number
  readonly get: OpLatency
  readonly set: OpLatency
  /** This configuration's get p50 / p95 over the uncompressed store's, measured in the same rounds. */
  readonly getP50VsUncompressed: number
  readonly getP95VsUncompressed: number
  readonly meetsGetP95Target: boolean
}

const ROUNDS = 10

/**
 * The three L2 configurations are measured in interleaved rounds (rotating order), so machine
 * noise hits them alike and their ratios are meaningful even when absolute times are not.
 */
function benchL2(configs: readonly { name: string; compressor: Compressor; threshold: number }[]): L2Result[] {
  const keys = Array.from({ length: VALUES }, (_, i) => `k${i}`)
  const samples = quick ? 20_000 : 200_000
  const setSamples = quick ? 5_000 : 20_000
  const visit = order(samples + setSamples, VALUES)
  const runs = configs.map((c) => {
    const store = new L2Store({ maxBytes: 1 << 30, compressThreshold: c.threshold, compressor: c.compressor })
    for (let i = 0; i < VALUES; i++) store.set(keys[i], values[i], 1)
    return { ...c, store, get: new LatencyRecorder(), set: new LatencyRecorder(), version: 2 }
  })
  for (const run of runs) for (let i = 0; i < samples / 10; i++) run.store.get(keys[visit[i]]) // JIT warm-up
  const footprints = runs.map((r) => ({ storedBytes: r.store.bytes, rawBytes: r.store.counters.rawBytes, compressedEntries: r.store.counters.compressedEntries }))
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < runs.length; k++) {
      const run = runs[(round + k) % runs.length]
      run.get.timeSync((i) => run.store.get(keys[visit[i]]), (round * samples) / ROUNDS, samples / ROUNDS)
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < runs.length; k++) {
      const run = runs[(round + k) % runs.length]
      run.set.timeSync((i) => run.store.set(keys[visit[i]], values[visit[i]], run.version++), samples + (round * setSamples) / ROUNDS, setSamples / ROUNDS)
    }
  }
  for (const run of runs) if (run.store.counters.misses !== 0) throw new Error("L2 bench: unexpected misses")
  const gets = runs.map((r) => r.get.summary())
  const baseline = gets[runs.findIndex((r) => r.threshold === Infinity)]
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100
  return runs.map((run, i) => ({
    config: run.name,
    compressor: run.compressor.name,
    compressThreshold: Number.isFinite(run.threshold) ? run.threshold : null,
    ...footprints[i],
    compressionRatio: Math.round((footprints[i].rawBytes / footprints[i].storedBytes) * 1000) / 1000,
    get: gets[i],
    set: run.set.summary(),
    getP50VsUncompressed: ratio(gets[i].p50Us, baseline.p50Us),
    getP95VsUncompressed: ratio(gets[i].p95Us, baseline.p95Us),
    meetsGetP95Target: gets[i].p95Us < L2_TARGET_P95_US
  }))
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

const l2 = benchL2([
  { name: "pako", compressor: pakoCompressor, threshold: 1024 },
  { name: "pako one-shot", compressor: createPakoOneShotCompressor(), threshold: 1024 },
  { name: "pako level 1", compressor: createPakoCompressor(1), threshold: 1024 },
  { name: "zlib", compressor: zlibCompressor, threshold: 1024 },
  { name: "uncompressed", compressor: pakoCompressor, threshold: Infinity }
])
for (const r of l2) {
  console.log(
    `L2 ${r.config.padEnd(13)} get p50 ${r.get.p50Us} µs  p95 ${r.get.p95Us} µs  p99 ${r.get.p99Us} µs (p95 ${r.getP95VsUncompressed}x uncompressed) | ` +
      `set p95 ${r.set.p95Us} µs | ratio ${r.compressionRatio} (${r.storedBytes} / ${r.rawBytes} B)`
  )
}

// L3 hits (and their breakdown) are measured by bench/l2l3/l3-hit.ts.
const { l3Hits, l3HitBreakdown } = await benchL3Hits({ quick, valueCount: VALUES })
for (const line of describeL3Hits({ l3Hits, l3HitBreakdown })) console.log(line)

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
    l3Hits,
    l3HitBreakdown,
    l3Puts
  },
  outDir
)
console.log(`wrote ${file}`)
