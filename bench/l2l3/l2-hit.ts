/**
 * The L2 part of the L2 / L3 benchmark (run.ts calls it).
 *
 * For each L2 configuration (codec, or no compression), on the same agent-state values (~4 KiB
 * of JSON each) in their stored form (tag byte + packed form, exactly what the hierarchy hands L2):
 * - `get`: L2Store.get — SLRU bookkeeping + decompression;
 * - `hit`: L2Store.read + deserializeValue (the packed form decoded into a deep-frozen value,
 *   while L2 lends the decompressed bytes) — what Hierarchy.promote does on an L2 hit before
 *   installing the value in L1;
 * - `set`, and the compression ratio (deterministic);
 * - a breakdown: decompression alone per codec, and deserializeValue alone.
 * Configurations are measured in interleaved rounds (rotating order) so machine noise hits them
 * alike; each result also carries its p50 / p95 over the uncompressed store's, from the same rounds.
 */
import { createLz4Compressor, createPakoCompressor, createPakoOneShotCompressor, L2Store, lz4Compressor, pakoCompressor, zlibCompressor } from "../../src/tiers/l2/index.js"
import type { Compressor } from "../../src/types.js"
import { deserializeValue, serializeValue } from "../../src/values/serialize.js"
import { agentState } from "./fixtures.js"
import { LatencyRecorder, type OpLatency } from "./per-op.js"
import { visitOrder } from "./visit-order.js"

export const L2_TARGET_P95_US = 10
const ROUNDS = 10

export interface L2Config {
  readonly name: string
  readonly compressor: Compressor
  /** Infinity = never compresses. */
  readonly threshold: number
}

/** The configurations compared: L2's default (LZ4) first, the deflate variants, no compression. */
export function l2Configs(): L2Config[] {
  return [
    { name: "lz4", compressor: lz4Compressor, threshold: 1024 },
    { name: "pako", compressor: pakoCompressor, threshold: 1024 },
    { name: "pako one-shot", compressor: createPakoOneShotCompressor(), threshold: 1024 },
    { name: "pako level 1", compressor: createPakoCompressor(1), threshold: 1024 },
    { name: "zlib", compressor: zlibCompressor, threshold: 1024 },
    { name: "uncompressed", compressor: createLz4Compressor(), threshold: Infinity }
  ]
}

export interface L2Result {
  readonly config: string
  readonly compressor: string
  /** null = never compresses. */
  readonly compressThreshold: number | null
  readonly storedBytes: number
  readonly rawBytes: number
  readonly compressionRatio: number
  readonly compressedEntries: number
  /** L2Store.get: SLRU bookkeeping + decompression. */
  readonly get: OpLatency
  /** L2Store.read + deserializeValue: the value handed back on an L2 hit. */
  readonly hit: OpLatency
  readonly set: OpLatency
  /** This configuration's p50 / p95 over the uncompressed store's, measured in the same rounds. */
  readonly getP50VsUncompressed: number
  readonly getP95VsUncompressed: number
  readonly hitP95VsUncompressed: number
  readonly meetsGetP95Target: boolean
  readonly meetsHitP95Target: boolean
}

export interface L2Breakdown {
  /** Compressor.decompress alone, per codec. */
  readonly decompress: Record<string, OpLatency>
  /** deserializeValue alone (packed form → deep-frozen value) of the same stored forms. */
  readonly deserialize: OpLatency
}

/** Stored forms (tag + packed form) of `count` distinct agent states of ~4 KiB of JSON each. */
export function storedStates(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => serializeValue(`k${i}`, agentState(i)))
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100

/** Measures every configuration on `values`; see the module comment. */
export function benchL2(configs: readonly L2Config[], values: readonly Uint8Array[], quick: boolean): { l2: L2Result[]; breakdown: L2Breakdown } {
  const count = values.length
  const keys = Array.from({ length: count }, (_, i) => `k${i}`)
  const samples = quick ? 20_000 : 200_000
  const hitSamples = quick ? 10_000 : 50_000
  const setSamples = quick ? 5_000 : 20_000
  const visit = visitOrder(samples + setSamples, count)
  const runs = configs.map((c) => {
    const store = new L2Store({ maxBytes: 1 << 30, compressThreshold: c.threshold, compressor: c.compressor })
    for (let i = 0; i < count; i++) store.set(keys[i], values[i], 1)
    const compressed = values.map((v) => c.compressor.compress(v))
    return { ...c, store, compressed, get: new LatencyRecorder(), hit: new LatencyRecorder(), set: new LatencyRecorder(), decompress: new LatencyRecorder(), version: 2 }
  })
  const deserialize = new LatencyRecorder()
  for (const run of runs) for (let i = 0; i < samples / 10; i++) deserializeValue(keys[visit[i]], run.store.get(keys[visit[i]])!.bytes) // JIT warm-up
  const footprints = runs.map((r) => ({ storedBytes: r.store.bytes, rawBytes: r.store.counters.rawBytes, compressedEntries: r.store.counters.compressedEntries }))

  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < runs.length; k++) {
      const run = runs[(round + k) % runs.length]
      const key = (i: number) => keys[visit[i]]
      run.get.timeSync((i) => run.store.get(key(i)), (round * samples) / ROUNDS, samples / ROUNDS)
      run.hit.timeSync((i) => run.store.read(key(i), (bytes) => deserializeValue(key(i), bytes)), (round * hitSamples) / ROUNDS, hitSamples / ROUNDS)
      if (Number.isFinite(run.threshold)) run.decompress.timeSync((i) => run.compressor.decompress(run.compressed[visit[i]]), (round * hitSamples) / ROUNDS, hitSamples / ROUNDS)
    }
    deserialize.timeSync((i) => deserializeValue(keys[visit[i]], values[visit[i]]), (round * hitSamples) / ROUNDS, hitSamples / ROUNDS)
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < runs.length; k++) {
      const run = runs[(round + k) % runs.length]
      run.set.timeSync((i) => run.store.set(keys[visit[i]], values[visit[i]], run.version++), samples + (round * setSamples) / ROUNDS, setSamples / ROUNDS)
    }
  }
  for (const run of runs) if (run.store.counters.misses !== 0) throw new Error("L2 bench: unexpected misses")

  const gets = runs.map((r) => r.get.summary())
  const hits = runs.map((r) => r.hit.summary())
  const base = runs.findIndex((r) => r.threshold === Infinity)
  const l2 = runs.map((run, i) => ({
    config: run.name,
    compressor: Number.isFinite(run.threshold) ? run.compressor.name : "none",
    compressThreshold: Number.isFinite(run.threshold) ? run.threshold : null,
    ...footprints[i],
    compressionRatio: Math.round((footprints[i].rawBytes / footprints[i].storedBytes) * 1000) / 1000,
    get: gets[i],
    hit: hits[i],
    set: run.set.summary(),
    getP50VsUncompressed: ratio(gets[i].p50Us, gets[base].p50Us),
    getP95VsUncompressed: ratio(gets[i].p95Us, gets[base].p95Us),
    hitP95VsUncompressed: ratio(hits[i].p95Us, hits[base].p95Us),
    meetsGetP95Target: gets[i].p95Us < L2_TARGET_P95_US,
    meetsHitP95Target: hits[i].p95Us < L2_TARGET_P95_US
  }))
  const decompress = Object.fromEntries(runs.filter((r) => Number.isFinite(r.threshold)).map((r) => [r.name, r.decompress.summary()]))
  return { l2, breakdown: { decompress, deserialize: deserialize.summary() } }
}

/** One line per configuration, then the breakdown. */
export function printL2(l2: readonly L2Result[], breakdown: L2Breakdown): void {
  for (const r of l2) {
    console.log(
      `L2 ${r.config.padEnd(13)} get p50/p95/p99 ${r.get.p50Us}/${r.get.p95Us}/${r.get.p99Us} µs (p95 ${r.getP95VsUncompressed}x uncompressed) | ` +
        `hit (get + decode) ${r.hit.p50Us}/${r.hit.p95Us}/${r.hit.p99Us} µs | set p50/p95 ${r.set.p50Us}/${r.set.p95Us} µs | ratio ${r.compressionRatio} (${r.storedBytes} / ${r.rawBytes} B)`
    )
  }
  const parts = Object.entries(breakdown.decompress).map(([name, s]) => `${name} ${s.p50Us}/${s.p95Us}`)
  console.log(`L2 hit parts (p50/p95 µs): decompress ${parts.join(", ")} | deserializeValue ${breakdown.deserialize.p50Us}/${breakdown.deserialize.p95Us}`)
}
