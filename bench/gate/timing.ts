/**
 * The gate's timing figures: L1 `get`, and the public `TierCache.getIfPresent`, each against
 * lru-cache `get`, measured in the same process, interleaved batch by batch on the same keys and
 * access order (bench/harness/measure.ts).
 *
 * Both caches hold the same 10 000 keys (every access is a hit: this compares hit paths, the one
 * the hot path promises) and read them in the same pseudo-random order. The figure is the median
 * over samples of (L1 batch time / lru-cache batch time) — a ratio, so it survives a machine that
 * is uniformly slower or faster, which absolute nanoseconds on a shared 2-core VM do not.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { LRUCache } from "lru-cache"
import { createTierCache } from "../../src/index.js"
import { L1Cache } from "../../src/tiers/l1/index.js"
import { compareInterleaved, type AbComparison } from "../harness/measure.js"

const KEYS = 10_000
const ORDER = 1 << 16

export interface TimingOptions {
  readonly samples?: number
  /** Injected slowdown of the L1 side (0.1 = 10 %), for showing the gate catches it. */
  readonly slowL1?: number
}

const timingKeys = (): string[] => Array.from({ length: KEYS }, (_, i) => `agent-${i % 850}:state:${i}`)

/** A fixed LCG order over the keys: same sequence every run, no Math.random. */
function accessOrder(): Uint32Array {
  let x = 0x9e3779b9
  return Uint32Array.from({ length: ORDER }, () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) % KEYS)
}

/** Measures L1 get / lru-cache get (paired median ratio) on hits. */
export function measureL1VsLru(options: TimingOptions = {}): AbComparison {
  const keys = timingKeys()
  const l1 = new L1Cache<object>({ maxBytes: KEYS * 256, maxEntries: KEYS })
  const lru = new LRUCache<string, object>({ max: KEYS })
  for (let i = 0; i < KEYS; i++) {
    const value = { i }
    l1.set(keys[i], value, 256, i + 1)
    lru.set(keys[i], value)
  }
  if (l1.size !== KEYS || lru.size !== KEYS) throw new Error(`timing setup: expected ${KEYS} resident keys, L1 ${l1.size}, lru ${lru.size}`)
  const order = accessOrder()
  const mask = ORDER - 1
  let pa = 0
  let pb = 0
  return compareInterleaved(
    () => l1.get(keys[order[pa++ & mask]]),
    () => lru.get(keys[order[pb++ & mask]]),
    { samples: options.samples ?? 3000, batch: 1000, slowA: options.slowL1 ?? 0 },
  )
}

/**
 * Measures the public `TierCache.getIfPresent` / lru-cache get (paired median ratio) on hits: a
 * TierCache whose L1 holds the same 10 000 keys (filled through `get` from a loader, so L3 stays
 * empty), against an lru-cache holding the TierCache's own value objects (the values a reader
 * touches are then the same objects on both sides).
 */
export async function measureGetIfPresentVsLru(options: TimingOptions = {}): Promise<AbComparison> {
  const keys = timingKeys()
  const dir = mkdtempSync(join(tmpdir(), "tiercache-gate-timing-"))
  const cache = await createTierCache({
    dir,
    l1: { maxBytes: KEYS * 1024, maxEntries: KEYS },
    l3: { maxBytes: 1 << 26, fsync: false },
    load: async (key) => ({ i: Number(key.slice(key.lastIndexOf(":") + 1)) }),
  })
  try {
    for (const k of keys) await cache.get(k)
    const lru = new LRUCache<string, object>({ max: KEYS })
    for (const k of keys) {
      const value = cache.getIfPresent(k)
      if (value === undefined) throw new Error(`timing setup: ${k} is not in the TierCache's L1`)
      lru.set(k, value as object)
    }
    const order = accessOrder()
    const mask = ORDER - 1
    let pa = 0
    let pb = 0
    // Written out like measureL1VsLru's rather than shared through a helper taking the read
    // function: closures of one function literal share their type feedback, so that helper's call
    // site would see both caches' methods (polymorphic) and slow both figures.
    return compareInterleaved(
      () => cache.getIfPresent(keys[order[pa++ & mask]]),
      () => lru.get(keys[order[pb++ & mask]]),
      { samples: options.samples ?? 3000, batch: 1000, slowA: options.slowL1 ?? 0 },
    )
  } finally {
    await cache.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
