/**
 * L3 hit latency with a warm page cache (issue 2 target: p95 < 200 µs for ~4 KiB values).
 *
 *   node --import tsx bench/l2l3/l3-hit.ts [--quick] [--out DIR]     → bench/results/l3-hit.json
 *
 * (bench/l2l3/run.ts calls {@link benchL3Hits} too and puts the same figures in l2l3.json.)
 *
 * A hit = read the blob file, verify its BLAKE3 against the index, hand back the bytes. Measured:
 * - `l3.get` on stores with raw blobs (synchronous small read, the default), raw blobs with every
 *   read asynchronous (`syncReadMaxBytes: 0`), and deflated blobs;
 * - the parts, timed alone on the same files and values: synchronous sized read, asynchronous
 *   sized read, BLAKE3 on the store's backend (`hashBytes`, WASM) and on pure-JS @noble;
 * - a same-process reference: the hit path before this change (fs.promises.readFile + @noble
 *   BLAKE3 + compare), so the speed-up is a ratio measured under the same machine noise.
 * Everything runs in interleaved rounds (rotating order), one warm-up pass over every key first.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { blake3 } from "@noble/hashes/blake3.js"
import { blobPath, hashBytes, nodeFileSystem, openL3 } from "../../src/tiers/l3/index.js"
import { bytesToHex } from "../../src/tiers/l3/record.js"
import { RESULTS_DIR, writeResults } from "../harness/results.js"
import { serializedStates } from "./fixtures.js"
import { LatencyRecorder, type OpLatency } from "./per-op.js"
import { visitOrder } from "./visit-order.js"

export const L3_TARGET_P95_US = 200
const ROUNDS = 10

export interface L3HitResult {
  readonly config: string
  /** null = never compresses. */
  readonly compressThreshold: number | null
  /** Largest stored blob read synchronously (0 = all reads asynchronous). */
  readonly syncReadMaxBytes: number
  readonly blobBytes: number
  readonly rawBytes: number
  readonly get: OpLatency
  /** This configuration's get percentile over the pre-change hit path's, measured in the same rounds. */
  readonly getP50VsBefore: number
  readonly getP95VsBefore: number
  readonly meetsGetP95Target: boolean
}

/** The parts of a raw-blob hit (4 KiB), each timed alone in the same rounds as the gets. */
export interface L3HitBreakdown {
  readonly blobReadSync: OpLatency | null
  readonly blobReadAsync: OpLatency
  readonly blake3Verify: OpLatency
  readonly blake3Noble: OpLatency
  /** fs.promises.readFile + @noble BLAKE3 + compare: the hit's I/O and hash before this change. */
  readonly beforeReadAndVerify: OpLatency
}

export interface L3HitBench {
  readonly valueCount: number
  readonly valueBytesMean: number
  readonly targetP95Us: number
  readonly method: string
  readonly l3Hits: L3HitResult[]
  readonly l3HitBreakdown: L3HitBreakdown
}

const CONFIGS = [
  { name: "raw blobs", threshold: Infinity, syncReadMaxBytes: 64 * 1024 },
  { name: "raw blobs, async read", threshold: Infinity, syncReadMaxBytes: 0 },
  { name: "deflated blobs", threshold: 1024, syncReadMaxBytes: 64 * 1024 }
] as const

/** L3 warm-cache hits for `valueCount` ~4 KiB JSON values; `samples` gets per configuration. */
export async function benchL3Hits(options: { quick: boolean; valueCount?: number }): Promise<L3HitBench> {
  const valueCount = options.valueCount ?? 1000
  const values = serializedStates(valueCount)
  const rawBytes = values.reduce((n, v) => n + v.byteLength, 0)
  const samples = options.quick ? 5_000 : 30_000
  const perRound = samples / ROUNDS
  const visit = visitOrder(samples, valueCount, 7)
  const dirs: string[] = []
  try {
    const runs = []
    for (const c of CONFIGS) {
      const dir = mkdtempSync(join(tmpdir(), "tiercache-bench-l3-"))
      dirs.push(dir)
      const l3 = await openL3({ dir, maxBytes: 1 << 30, compressThreshold: c.threshold, syncReadMaxBytes: c.syncReadMaxBytes })
      await Promise.all(values.map((v, i) => l3.put(`k${i}`, v, i + 1)))
      for (let i = 0; i < valueCount; i++) await l3.get(`k${i}`) // warm the page cache (and the JIT)
      runs.push({ ...c, l3, get: new LatencyRecorder() })
    }
    const rawDir = dirs[0]
    const hashes = values.map((v) => hashBytes(v))
    const files = hashes.map((h) => join(rawDir, blobPath(h)))
    const size = (i: number) => values[visit[i]].byteLength + 1
    const parts = {
      readSync: new LatencyRecorder(),
      readAsync: new LatencyRecorder(),
      blake3: new LatencyRecorder(),
      noble: new LatencyRecorder(),
      before: new LatencyRecorder()
    }
    const readSync = nodeFileSystem.readFileSync
    const beforeHit = async (i: number) => {
      const file = await readFile(files[visit[i]])
      return bytesToHex(blake3(file.subarray(1))) === hashes[visit[i]]
    }
    const steps: ((round: number) => Promise<void> | void)[] = [
      ...runs.map((run) => (round: number) => run.get.timeAsync((i) => run.l3.get(`k${visit[i]}`), round * perRound, perRound)),
      (round) => parts.before.timeAsync(beforeHit, round * perRound, perRound),
      (round) => parts.readAsync.timeAsync((i) => nodeFileSystem.readFile(files[visit[i]], size(i)), round * perRound, perRound),
      (round) => {
        if (readSync) parts.readSync.timeSync((i) => readSync(files[visit[i]], size(i)), round * perRound, perRound)
      },
      (round) => parts.blake3.timeSync((i) => hashBytes(values[visit[i]]), round * perRound, perRound),
      (round) => parts.noble.timeSync((i) => blake3(values[visit[i]]), round * perRound, perRound)
    ]
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < steps.length; k++) await steps[(round + k) % steps.length](round)
    }
    const before = parts.before.summary()
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100
    const l3Hits: L3HitResult[] = []
    for (const run of runs) {
      if (run.l3.counters.misses !== 0) throw new Error("L3 bench: unexpected misses")
      const get = run.get.summary()
      l3Hits.push({
        config: run.name,
        compressThreshold: Number.isFinite(run.threshold) ? run.threshold : null,
        syncReadMaxBytes: run.syncReadMaxBytes,
        blobBytes: run.l3.bytes,
        rawBytes,
        get,
        getP50VsBefore: ratio(get.p50Us, before.p50Us),
        getP95VsBefore: ratio(get.p95Us, before.p95Us),
        meetsGetP95Target: get.p95Us < L3_TARGET_P95_US
      })
      await run.l3.close()
    }
    return {
      valueCount,
      valueBytesMean: Math.round(rawBytes / valueCount),
      targetP95Us: L3_TARGET_P95_US,
      method:
        "each operation timed alone (hrtime.bigint, overhead included) into an HDR histogram; configurations and parts interleaved in 10 rounds; one warm-up get per key first (warm page cache)",
      l3Hits,
      l3HitBreakdown: {
        blobReadSync: readSync ? parts.readSync.summary() : null,
        blobReadAsync: parts.readAsync.summary(),
        blake3Verify: parts.blake3.summary(),
        blake3Noble: parts.noble.summary(),
        beforeReadAndVerify: before
      }
    }
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  }
}

/** One line per figure, for the console. */
export function describeL3Hits(bench: Pick<L3HitBench, "l3Hits" | "l3HitBreakdown">): string[] {
  const p = (l: OpLatency | null) => (l === null ? "n/a" : `p50 ${l.p50Us} µs p95 ${l.p95Us} µs p99 ${l.p99Us} µs`)
  const b = bench.l3HitBreakdown
  return [
    `L3 hit parts: sync read ${p(b.blobReadSync)} | async read ${p(b.blobReadAsync)}`,
    `L3 hit parts: BLAKE3 (store backend) ${p(b.blake3Verify)} | BLAKE3 @noble ${p(b.blake3Noble)}`,
    `L3 before-path reference (readFile + @noble verify): ${p(b.beforeReadAndVerify)}`,
    ...bench.l3Hits.map(
      (r) => `L3 ${r.config.padEnd(22)} get ${p(r.get)} (${r.getP50VsBefore}x / ${r.getP95VsBefore}x the before path at p50 / p95) | blob bytes ${r.blobBytes}`
    )
  ]
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const quick = process.argv.includes("--quick")
  const outIndex = process.argv.indexOf("--out")
  const outDir = outIndex > 0 ? process.argv[outIndex + 1] : RESULTS_DIR
  const bench = await benchL3Hits({ quick })
  for (const line of describeL3Hits(bench)) console.log(line)
  console.log(`wrote ${writeResults("l3-hit", { quick, ...bench }, outDir)}`)
}
