/**
 * What the crash test's child writes, as a pure function of (key, version), so the parent can
 * check the exact bytes of any version — including versions whose acknowledgement was lost to
 * the kill — without the child having to report them.
 */
import { hashString, Prng } from "../../../src/workload/prng.js"

/** A seeded uniform [0, 1) source. */
export function prng(seed: number): () => number {
  const p = new Prng(seed)
  return () => p.next()
}

const TEXT = new TextEncoder().encode('{"role":"assistant","content":"step done; next: read the plan again","tokens":128},')

/**
 * Sizes span empty, tiny, medium, compressible-large and incompressible-large values; about a
 * quarter of the values depend only on `version % 5` and size class, so different keys often
 * store identical bytes (exercising dedupe and shared blobs under crashes).
 */
export function valueFor(key: string, version: number): Uint8Array {
  const rnd = prng(hashString(`${key}#${version}`))
  const shared = rnd() < 0.25
  const source = shared ? prng(version % 5) : rnd
  const cls = source()
  const size = cls < 0.05 ? 0 : cls < 0.3 ? 1 + Math.floor(source() * 100) : cls < 0.7 ? 100 + Math.floor(source() * 2000) : cls < 0.9 ? 2000 + Math.floor(source() * 20_000) : 20_000 + Math.floor(source() * 40_000)
  const out = new Uint8Array(size)
  if (cls >= 0.7 && cls < 0.9) {
    for (let i = 0; i < size; i++) out[i] = TEXT[i % TEXT.length]
    if (size > 0) out[0] = Math.floor(source() * 256) // distinguish versions
  } else {
    let x = Math.floor(source() * 4294967295) | 1
    for (let i = 0; i < size; i++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      out[i] = x & 0xff
    }
  }
  return out
}

export const CRASH_KEYS = Array.from({ length: 40 }, (_, i) => `agent-${i % 8}/state-${i}`)

/** L3 options shared by child and parent (small compaction threshold so kills hit compactions). */
export const CRASH_L3_OPTIONS = { maxBytes: 1 << 30, compressThreshold: 1024, minCompactBytes: 16 << 10, compactRatio: 2 } as const
