/**
 * LZ4 encoders on the L2 bench values (storedStates(1000): ~3.2 KB packed agent states): encode
 * time per value (best-of and median over repeated passes, every encoder in the same process, in
 * rotating order), compression ratio, sequences per value, and the decode time of each encoder's
 * blocks through `withDecodedLz4` (lent view, as an L2 hit decodes).
 *
 *   node --import tsx bench/l2l3/lz4-encode-bench.ts [--passes N] [--json]
 */
import { withDecodedLz4 } from "../../src/tiers/l2/lz4-decode-wasm.js"
import { DEFAULT_LAZY, DEFAULT_MAX_ATTEMPTS, Lz4BlockEncoder } from "../../src/tiers/l2/lz4-encode.js"
import { Lz4WasmEncoder } from "../../src/tiers/l2/lz4-encode-wasm.js"
import { serializedStates } from "./fixtures.js"
import { storedStates } from "./l2-hit.js"

const passesArg = process.argv.indexOf("--passes")
const PASSES = passesArg > 0 ? Number(process.argv[passesArg + 1]) : 15
const values = process.argv.includes("--json") ? serializedStates(1000) : storedStates(1000)
const raw = values.reduce((a, v) => a + v.length, 0)

interface Candidate {
  readonly name: string
  readonly encode: (v: Uint8Array) => Uint8Array
}
const candidates: Candidate[] = [
  { name: "ts default", encode: (v) => tsDefault.encode(v) },
  { name: "ts 32 lazy", encode: (v) => ts32Lazy.encode(v) },
  ...([[8, true], [32, true], [1, false], [8, false], [16, false], [32, false]] as const).map(([attempts, lazy]) => {
    const e = new Lz4WasmEncoder(attempts, lazy)
    return { name: `wasm ${attempts}${lazy ? " lazy" : " greedy"}${attempts === DEFAULT_MAX_ATTEMPTS && lazy === DEFAULT_LAZY ? " (default)" : ""}`, encode: (v: Uint8Array) => e.encode(v) }
  })
]
const tsDefault = new Lz4BlockEncoder()
const ts32Lazy = new Lz4BlockEncoder(32, true)

/** Number of sequences in a block (walks tokens). */
function sequences(block: Uint8Array): number {
  let s = 0
  while (block[s] & 0x80) s++
  s++
  let count = 0
  for (;;) {
    const token = block[s++]
    count++
    let lit = token >>> 4
    if (lit === 15) for (let b = 255; b === 255; lit += b) b = block[s++]
    s += lit
    if (s >= block.length) return count
    s += 2
    if ((token & 15) === 15) while (block[s++] === 255);
  }
}

const timings = candidates.map(() => [] as number[])
const decodeTimings = candidates.map(() => [] as number[])
const blocks = candidates.map((c) => values.map((v) => c.encode(v)))
let sink = 0
for (let pass = 0; pass < PASSES; pass++) {
  for (let k = 0; k < candidates.length; k++) {
    const i = (pass + k) % candidates.length
    const c = candidates[i]
    let t0 = process.hrtime.bigint()
    for (const v of values) sink += c.encode(v).length
    timings[i].push(Number(process.hrtime.bigint() - t0) / 1000 / values.length)
    t0 = process.hrtime.bigint()
    for (const b of blocks[i]) sink += withDecodedLz4(b, (bytes) => bytes[0])
    decodeTimings[i].push(Number(process.hrtime.bigint() - t0) / 1000 / values.length)
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const fmt = (x: number) => x.toFixed(2)
console.log(`${values.length} values, ${(raw / values.length).toFixed(0)} B mean, ${PASSES} passes (µs per value: best / median)`)
candidates.forEach((c, i) => {
  const stored = blocks[i].reduce((a, b) => a + b.length, 0)
  const seqs = blocks[i].reduce((a, b) => a + sequences(b), 0) / values.length
  console.log(
    `${c.name.padEnd(20)} encode ${fmt(Math.min(...timings[i]))} / ${fmt(median(timings[i]))} | ratio ${(raw / stored).toFixed(3)} | ${seqs.toFixed(0)} seq | decode ${fmt(Math.min(...decodeTimings[i]))} / ${fmt(median(decodeTimings[i]))}`
  )
})
if (sink === 0) console.log("")
