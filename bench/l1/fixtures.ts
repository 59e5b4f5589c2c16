/** Shared fixtures: keys, values and filled caches, so every measurement sees the same data. */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { LRUCache } from "lru-cache"
import { createTierCache, type TierCacheClient } from "../../src/index.js"
import { L1Cache } from "../../src/tiers/l1/index.js"

export interface Fixture {
  readonly keys: string[]
  readonly values: { readonly id: number }[]
  /** Pre-generated access order (indices into keys), uniform over the resident keys. */
  readonly order: Uint32Array
}

export function makeFixture(entries: number, accesses: number, seed = 1): Fixture {
  // Flat strings: V8 flattens a cons-string key (a copy) the first time it is hashed, which would
  // otherwise be charged to whichever structure sees the key first.
  const keys = JSON.parse(JSON.stringify(Array.from({ length: entries }, (_, i) => `agent-${i % 850}:state/${i}`))) as string[]
  const values = keys.map((_, i) => Object.freeze({ id: i }))
  const order = new Uint32Array(accesses)
  let x = seed >>> 0 || 1
  for (let i = 0; i < accesses; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    order[i] = (x >>> 0) % entries
  }
  return { keys, values, order }
}

/**
 * An L1 holding every fixture key (count-bound: maxEntries = entries, generous byte budget), in
 * steady state: one extra key is offered once full, so the first eviction happens and the shadow
 * simulations start (as in any cache that has filled up). TinyLFU rejects that one-time key, so
 * every fixture key stays resident.
 */
export function filledL1(f: Fixture): L1Cache<{ readonly id: number }> {
  const evicted: string[] = []
  const cache = new L1Cache<{ readonly id: number }>({
    maxBytes: f.keys.length * 1024,
    maxEntries: f.keys.length,
    onEvict: (key) => evicted.push(key),
  })
  for (let i = 0; i < f.keys.length; i++) cache.set(f.keys[i], f.values[i], 64, i)
  cache.set("one-time-key", f.values[0], 64, f.keys.length)
  // If admission took the extra key instead (sketch collisions can), put the fixture key back.
  cache.delete("one-time-key")
  for (const k of evicted) if (k !== "one-time-key") cache.set(k, f.values[f.keys.indexOf(k)], 64, 0)
  for (const k of f.keys) if (!cache.has(k)) throw new Error(`fixture key ${k} is not resident`)
  if (cache.footprint().shadowBytes === 0) throw new Error("shadows did not start")
  return cache
}

export function filledLru(f: Fixture): LRUCache<string, { readonly id: number }> {
  return filledLruFrom(f, (_, i) => f.values[i])
}

/** An lru-cache holding every fixture key, with the values `valueOf` gives (e.g. another cache's). */
export function filledLruFrom(f: Fixture, valueOf: (key: string, i: number) => { readonly id: number }): LRUCache<string, { readonly id: number }> {
  const cache = new LRUCache<string, { readonly id: number }>({ max: f.keys.length })
  for (let i = 0; i < f.keys.length; i++) cache.set(f.keys[i], valueOf(f.keys[i], i))
  return cache
}

/**
 * The public API's L1: a TierCache whose L1 holds every fixture key (filled through `get` with a
 * loader, so nothing is written to L3), then offered one extra key as `filledL1` does, so L1 is in
 * steady state. `getIfPresent` on it is the full public hit path: closed check, key type check,
 * latency sampler, L1 get.
 */
export async function filledTierCache(f: Fixture): Promise<TierCacheClient> {
  const values = new Map(f.keys.map((k, i) => [k, { id: i }]))
  const cache = await createTierCache({
    dir: mkdtempSync(join(tmpdir(), "tiercache-bench-l1-")),
    l1: { maxBytes: f.keys.length * 1024, maxEntries: f.keys.length },
    l3: { maxBytes: 1 << 30, fsync: false },
    load: async (key) => values.get(key) ?? { id: -1 },
  })
  for (const k of f.keys) await cache.get(k)
  await cache.get("one-time-key")
  await cache.invalidate("one-time-key") // frees its slot if it was admitted
  for (const k of f.keys) if (cache.getIfPresent(k) === undefined) await cache.get(k) // promoted back if it was demoted
  for (const k of f.keys) if (cache.getIfPresent(k) === undefined) throw new Error(`fixture key ${k} is not in L1`)
  return cache
}
