/**
 * Small, obviously-correct tiers implementing the contracts in src/tiers/contracts.ts, for
 * deterministic hierarchy tests: plain Maps in LRU order, exact count/byte budgets, and an L3 whose
 * every operation can be held at a gate until the test releases it (to force race orderings).
 */
import type { L2EvictHandler, StoredBytes, TierCounters } from "../../../src/tiers/contracts.js"
import type { HierarchyL1, HierarchyL3, TierSinks } from "../../../src/hierarchy/types.js"
import type { CacheValue, Version } from "../../../src/types.js"
import { deferred, type Deferred } from "./deferred.js"

const counters = (): TierCounters => ({ hits: 0, misses: 0, evictions: 0, entries: 0, bytes: 0 })

interface L1Entry {
  value: CacheValue
  bytes: number
  version: Version
  prefetched: boolean
}

/** LRU by count and bytes; a value larger than the byte budget is rejected (reported to onEvict). */
export class FakeL1 implements HierarchyL1 {
  readonly map = new Map<string, L1Entry>()
  readonly counters = counters()
  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
    private readonly sinks: Pick<TierSinks, "onL1Evict" | "onPrefetchUsed">,
  ) {}

  get(key: string): CacheValue | undefined {
    const e = this.map.get(key)
    if (e === undefined) {
      this.counters.misses++
      return undefined
    }
    this.counters.hits++
    this.map.delete(key)
    this.map.set(key, e)
    if (e.prefetched) {
      e.prefetched = false
      this.sinks.onPrefetchUsed(key)
    }
    return e.value
  }
  peek(key: string) {
    return this.map.get(key)?.value
  }
  versionOf(key: string) {
    return this.map.get(key)?.version ?? -1
  }
  has(key: string) {
    return this.map.has(key)
  }
  wasPrefetched(key: string) {
    return this.map.get(key)?.prefetched === true
  }
  set(key: string, value: CacheValue, bytes: number, version: Version, options?: { readonly prefetched?: boolean }): boolean {
    if (bytes > this.maxBytes) {
      this.delete(key)
      this.counters.evictions++
      this.sinks.onL1Evict(key, value, bytes, version, "rejected")
      return false
    }
    this.delete(key)
    this.map.set(key, { value, bytes, version, prefetched: options?.prefetched === true })
    this.counters.bytes += bytes
    while (this.map.size > this.maxEntries || this.counters.bytes > this.maxBytes) {
      const [victim, e] = this.map.entries().next().value as [string, L1Entry]
      this.map.delete(victim)
      this.counters.bytes -= e.bytes
      this.counters.evictions++
      this.sinks.onL1Evict(victim, e.value, e.bytes, e.version, "evicted")
    }
    this.counters.entries = this.map.size
    return this.map.has(key)
  }
  delete(key: string) {
    const e = this.map.get(key)
    if (e === undefined) return false
    this.map.delete(key)
    this.counters.bytes -= e.bytes
    this.counters.entries = this.map.size
    return true
  }
  clear() {
    this.map.clear()
    this.counters.bytes = 0
    this.counters.entries = 0
  }
  get size() {
    return this.map.size
  }
  get bytes() {
    return this.counters.bytes
  }
}

/** LRU by bytes; keeps uncompressed bytes (compression is L2's own business, tested there). */
export class FakeL2 {
  readonly map = new Map<string, StoredBytes>()
  readonly counters = { ...counters(), compressedEntries: 0, rawBytes: 0 }
  constructor(
    readonly maxBytes: number,
    private readonly onEvict: L2EvictHandler,
  ) {}
  get(key: string): StoredBytes | undefined {
    const e = this.map.get(key)
    if (e === undefined) {
      this.counters.misses++
      return undefined
    }
    this.counters.hits++
    this.map.delete(key)
    this.map.set(key, e)
    return e
  }
  read<T>(key: string, use: (bytes: Uint8Array, version: Version) => T): T | undefined {
    const e = this.get(key)
    return e === undefined ? undefined : use(e.bytes, e.version)
  }
  versionOf(key: string) {
    return this.map.get(key)?.version ?? -1
  }
  has(key: string) {
    return this.map.has(key)
  }
  set(key: string, bytes: Uint8Array, version: Version): boolean {
    const old = this.map.get(key)
    if (old !== undefined && version < old.version) return false
    this.delete(key)
    if (bytes.length > this.maxBytes) {
      this.counters.evictions++
      this.onEvict(key, bytes, version)
      return false
    }
    this.map.set(key, { bytes, version })
    this.counters.bytes += bytes.length
    while (this.counters.bytes > this.maxBytes) {
      const [victim, e] = this.map.entries().next().value as [string, StoredBytes]
      this.map.delete(victim)
      this.counters.bytes -= e.bytes.length
      this.counters.evictions++
      this.onEvict(victim, e.bytes, e.version)
    }
    this.counters.entries = this.map.size
    this.counters.rawBytes = this.counters.bytes
    return this.map.has(key)
  }
  delete(key: string) {
    const e = this.map.get(key)
    if (e === undefined) return false
    this.map.delete(key)
    this.counters.bytes -= e.bytes.length
    this.counters.entries = this.map.size
    this.counters.rawBytes = this.counters.bytes
    return true
  }
  clear() {
    this.map.clear()
    this.counters.bytes = 0
    this.counters.entries = 0
    this.counters.rawBytes = 0
  }
  get size() {
    return this.map.size
  }
  get bytes() {
    return this.counters.bytes
  }
}

/** What survives a FakeL3 "process": the durable index, shared between reopenings. */
export interface FakeDisk {
  readonly entries: Map<string, StoredBytes>
  readonly tombstones: Map<string, Version>
}

export const newDisk = (): FakeDisk => ({ entries: new Map(), tombstones: new Map() })

type Op = "get" | "put" | "delete"

/**
 * Async L3 over a FakeDisk. `hold(op)` makes the NEXT call of `op` wait until the test resolves
 * the returned deferred; the op's effect on the disk happens after release (a held `get` reads the
 * disk as it is at release time unless `readAtCall` is set: then it snapshots at call time, like a
 * read that has fetched the bytes but not yet returned them).
 */
export class FakeL3 implements HierarchyL3 {
  readonly counters = { ...counters(), quarantined: 0, dedupedPuts: 0 }
  readonly calls: Record<Op, number> = { get: 0, put: 0, delete: 0 }
  private readonly holds: Record<Op, Deferred[]> = { get: [], put: [], delete: [] }
  closed = false
  failNextPut: Error | undefined

  constructor(
    readonly disk: FakeDisk,
    readonly maxBytes = Number.MAX_SAFE_INTEGER,
  ) {}

  /** Holds the next call of `op`; resolve the deferred to let it proceed. */
  hold(op: Op): Deferred {
    const d = deferred()
    this.holds[op].push(d)
    return d
  }

  private async gate(op: Op): Promise<void> {
    this.calls[op]++
    const d = this.holds[op].shift()
    if (d !== undefined) await d.promise
    else await Promise.resolve()
  }

  async get(key: string): Promise<StoredBytes | undefined> {
    const atCall = this.disk.entries.get(key)
    const held = this.holds.get.length > 0
    await this.gate("get")
    const e = held ? atCall : this.disk.entries.get(key)
    if (e === undefined) this.counters.misses++
    else this.counters.hits++
    return e === undefined ? undefined : { bytes: e.bytes.slice(), version: e.version }
  }
  versionOf(key: string) {
    return this.disk.entries.get(key)?.version ?? -1
  }
  has(key: string) {
    return this.disk.entries.has(key)
  }
  async put(key: string, bytes: Uint8Array, version: Version): Promise<boolean> {
    await this.gate("put")
    if (this.failNextPut !== undefined) {
      const e = this.failNextPut
      this.failNextPut = undefined
      throw e
    }
    const held = Math.max(this.disk.entries.get(key)?.version ?? -1, this.disk.tombstones.get(key) ?? -1)
    if (held >= version) return false
    this.disk.tombstones.delete(key)
    this.disk.entries.set(key, { bytes: bytes.slice(), version })
    this.evictToBudget(key)
    return true
  }
  async delete(key: string, version: Version): Promise<void> {
    await this.gate("delete")
    const held = this.disk.entries.get(key)?.version ?? -1
    if (held > version) return
    this.disk.entries.delete(key)
    this.disk.tombstones.set(key, Math.max(version, this.disk.tombstones.get(key) ?? -1))
  }
  private evictToBudget(keep: string): void {
    while (this.bytes > this.maxBytes) {
      const victim = [...this.disk.entries.keys()].find((k) => k !== keep)
      if (victim === undefined) return
      this.disk.entries.delete(victim)
      this.counters.evictions++
    }
  }
  get maxVersion() {
    let m = -1
    for (const e of this.disk.entries.values()) m = Math.max(m, e.version)
    for (const v of this.disk.tombstones.values()) m = Math.max(m, v)
    return m
  }
  get size() {
    return this.disk.entries.size
  }
  get bytes() {
    let b = 0
    for (const e of this.disk.entries.values()) b += e.bytes.length
    return b
  }
  keys() {
    return this.disk.entries.keys()
  }
  async close() {
    this.closed = true
  }
}

export interface FakeTierOptions {
  l1Entries?: number
  l1Bytes?: number
  l2Bytes?: number
  l3Bytes?: number
  disk?: FakeDisk
}

/** A TierFactory over fakes; `last` exposes the tiers it built. */
export function fakeTiers(o: FakeTierOptions = {}) {
  const disk = o.disk ?? newDisk()
  const built: { l1?: FakeL1; l2?: FakeL2; l3?: FakeL3 } = {}
  const factory = async (sinks: TierSinks) => {
    built.l1 = new FakeL1(o.l1Entries ?? 1000, o.l1Bytes ?? 1 << 20, sinks)
    built.l2 = new FakeL2(o.l2Bytes ?? 1 << 20, sinks.onL2Evict)
    built.l3 = new FakeL3(disk, o.l3Bytes)
    return { l1: built.l1, l2: built.l2, l3: built.l3 }
  }
  return { factory, disk, built: built as { l1: FakeL1; l2: FakeL2; l3: FakeL3 } }
}
