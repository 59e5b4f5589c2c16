/**
 * Builds a real TierCache whose asynchronous edges are under the test's control: L3 calls can be
 * routed through a wrapper (fc.scheduler for races) and L3's file system can be replaced (faults).
 * L1 and L2 are the production classes; only the ordering of I/O completions and the I/O itself
 * are injected.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { HierarchyL3, TierFactory } from "../src/hierarchy/types.js"
import { createTierCache } from "../src/index.js"
import type { TierCacheClient } from "../src/service/facade.js"
import { L1Cache } from "../src/tiers/l1/index.js"
import { L2Store } from "../src/tiers/l2/index.js"
import { openL3, type L3FileSystem } from "../src/tiers/l3/index.js"
import type { CacheValue, Loader } from "../src/types.js"

export interface HarnessOptions {
  readonly dir?: string
  readonly l1Entries?: number
  readonly l1Bytes?: number
  readonly l2Bytes?: number
  readonly l3Bytes?: number
  readonly load?: Loader
  /** Replace L3's file system (fault injection). */
  readonly fs?: L3FileSystem
  /** Wrap the opened L3 (e.g. to pass every completion through fc.scheduler). */
  readonly wrapL3?: (l3: HierarchyL3) => HierarchyL3
}

export function tempDir(prefix = "tc-prop-"): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** A cache with production tiers, tiny budgets and the injected edges. */
export async function openHarness(o: HarnessOptions = {}): Promise<TierCacheClient> {
  const ownsDir = o.dir === undefined
  const dir = o.dir ?? tempDir()
  const tierFactory: TierFactory = async (sinks) => {
    const l1 = new L1Cache<CacheValue>({ maxBytes: o.l1Bytes ?? 2048, maxEntries: o.l1Entries ?? 3, onEvict: sinks.onL1Evict, onPrefetchUsed: sinks.onPrefetchUsed })
    const l2 = new L2Store({ maxBytes: o.l2Bytes ?? 512, onEvict: sinks.onL2Evict })
    const l3 = await openL3({ dir, maxBytes: o.l3Bytes ?? 1 << 20, fsync: false, ...(o.fs === undefined ? {} : { fs: o.fs }) })
    return { l1, l2, l3: o.wrapL3 === undefined ? l3 : o.wrapL3(l3) }
  }
  const cache = await createTierCache({ dir, load: o.load, tierFactory, latencySampleEvery: 1 })
  if (ownsDir) {
    // A folder the harness made is the harness's to remove (the caller's own `dir` is kept).
    const close = cache.close.bind(cache)
    cache.close = () => close().finally(() => rmSync(dir, { recursive: true, force: true }))
  }
  return cache
}

/** The async calls of L3 that a test may intercept. */
export interface L3Overrides {
  readonly get?: HierarchyL3["get"]
  readonly put?: HierarchyL3["put"]
  readonly delete?: HierarchyL3["delete"]
}

/** Delegates every member to `l3` except the overridden async calls. */
export function interceptL3(l3: HierarchyL3, o: L3Overrides): HierarchyL3 {
  return {
    get: o.get ?? ((key) => l3.get(key)),
    put: o.put ?? ((key, bytes, version) => l3.put(key, bytes, version)),
    delete: o.delete ?? ((key, version) => l3.delete(key, version)),
    versionOf: (key) => l3.versionOf(key),
    has: (key) => l3.has(key),
    keys: l3.keys === undefined ? undefined : () => l3.keys!(),
    tombstoneOf: l3.tombstoneOf === undefined ? undefined : (key) => l3.tombstoneOf!(key),
    close: () => l3.close(),
    get maxVersion() {
      return l3.maxVersion
    },
    get size() {
      return l3.size
    },
    get bytes() {
      return l3.bytes
    },
    get counters() {
      return l3.counters
    },
  }
}

/**
 * An L3 whose every async completion (get / put / delete) is released by `schedule` — with
 * fc.scheduler, in an order fast-check chooses. Synchronous index queries pass straight through.
 */
export function scheduledL3(l3: HierarchyL3, schedule: <T>(p: Promise<T>, label: string) => Promise<T>): HierarchyL3 {
  return interceptL3(l3, {
    get: (key) => schedule(l3.get(key), `l3.get(${key})`),
    put: (key, bytes, version) => schedule(l3.put(key, bytes, version), `l3.put(${key}@${version})`),
    delete: (key, version) => schedule(l3.delete(key, version), `l3.delete(${key}@${version})`),
  })
}
