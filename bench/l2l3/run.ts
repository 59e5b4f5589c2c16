/**
 * L2 / L3 benchmark.
 *
 *   node --import tsx bench/l2l3/run.ts [--quick] [--out DIR]
 *
 * Measures, for ~4 KiB agent-state JSON values:
 * - L2 (l2-hit.ts): get latency (SLRU bookkeeping + decompress) and hit latency (get + value
 *   decoding) with LZ4, pako, node:zlib and no compression, set latency and the compression ratio;
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
import { openL3 } from "../../src/tiers/l3/index.js"
import { serializedStates } from "./fixtures.js"
import { benchL2, l2Configs, L2_TARGET_P95_US, printL2, storedStates } from "./l2-hit.js"
import { L3_TARGET_P95_US, benchL3Hits, describeL3Hits } from "./l3-hit.js"

const quick = process.argv.includes("--quick")
const outIndex = process.argv.indexOf("--out")
const outDir = outIndex > 0 ? process.argv[outIndex + 1] : RESULTS_DIR

const VALUES = 1000
const values = serializedStates(VALUES)
const rawBytes = values.reduce((n, v) => n + v.byteLength, 0)

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
    l2HitBreakdown,
    l3Hits,
    l3HitBreakdown,
    l3Puts
  },
  outDir
)
console.log(`wrote ${file}`)
