/**
 * The engine: one read path L1 → L2 → L3 → loader, promotion on a lower-tier hit, demotion on
 * eviction, write-through puts, durable invalidation, single-flight fills and per-key epochs.
 *
 * Every step is a method named after the spec/TierCoherency.tla action it implements (DESIGN.md,
 * "spec ↔ code"): `read`, `put`, `fillStart`, `fillComplete`, `promote`, `demote`, `evict`,
 * `invalidate`, `prefetchStart`, `prefetchComplete`, `crash`. Where a step moves an entry between
 * tiers, the destination comes from the lifecycle transition table (src/lifecycle/), the single
 * definition of an entry's life.
 *
 * Tier layout: L1 holds deep-frozen decoded values; L1 and L2 are exclusive (a promotion moves the
 * entry up, a demotion moves it down: memory holds each key once); L3 is inclusive (every
 * acknowledged put is written through, and L3 keeps its copy when a read promotes it).
 *
 * Concurrency: JavaScript runs this code on one thread, so every synchronous stretch (an L1/L2
 * lookup, an install, an eviction cascade) is atomic. Only awaits (L3 I/O, the loader) interleave;
 * those are guarded by the per-key epochs in ./key-flights.ts.
 */
import { CacheClosed, LoaderError, StorageError } from "../errors.js"
import { Ev, nextState, St, tierOf } from "../lifecycle/transition-table.js"
import { LatencyHistogram, nowNs, SampledLatency } from "../telemetry/latency.js"
import type { EvictionReason, L2Tier, StoredBytes } from "../tiers/contracts.js"
import type { CacheValue, Loader, Version } from "../types.js"
import { checkKey } from "../values/key.js"
import { deserializeValue, serializeValue } from "../values/serialize.js"
import { AgentRegistry } from "./agents.js"
import { copyOut } from "./copy-out.js"
import { type FillResult, type KeyFlight, KeyFlights } from "./key-flights.js"
import type { ResolvedOptions } from "./options.js"
import type { AccessObserver, HierarchyL1, HierarchyL3, HierarchyTiers, ServedBy, TierFactory, TierSinks } from "./types.js"

/** A read overtaken this many times in a row by puts/invalidates of its key answers a miss. */
const MAX_REREADS = 8
const AS_PREFETCHED = { prefetched: true } as const

/** Counters kept by the hierarchy itself (tiers keep their own hits/misses/evictions/bytes). */
export interface HierarchyCounters {
  gets: number
  puts: number
  invalidations: number
  misses: number
  loads: number
  loadErrors: number
  staleFillsDropped: number
  /** Promotions out of L2 / L3 into L1. */
  promotionsFromL2: number
  promotionsFromL3: number
  /** Demotions out of L1 into L2 / out of L2 into L3. */
  demotionsFromL1: number
  demotionsFromL2: number
  /** Victims dropped without demotion because the next tier already held that version (or newer). */
  evictedWithoutDemotion: number
  /** L2 → L3 demotion writes that failed (the entry is forgotten; nothing acknowledged is lost). */
  demotionWriteErrors: number
  prefetchesStarted: number
  prefetchesInstalled: number
  prefetchesUsed: number
}

/** An L1 victim queued for L2 (see `Hierarchy.toL2`): the live value, its stored size (if known) and version. */
interface QueuedDemotion {
  readonly value: CacheValue
  readonly size: number | undefined
  readonly version: Version
}

/** A stored entry decoded for Promote: the value, its stored size and its version. */
interface DecodedEntry {
  readonly value: CacheValue
  readonly size: number
  readonly version: Version
}

/** Decodes a stored form (the bytes may be a lent view: nothing here keeps them). */
function decodedEntry(key: string, bytes: Uint8Array, version: Version): DecodedEntry {
  return { value: deserializeValue(key, bytes), size: bytes.length, version }
}

export class Hierarchy {
  readonly l1: HierarchyL1
  readonly l2: L2Tier
  readonly l3: HierarchyL3
  readonly agents = new AgentRegistry()
  readonly counters: HierarchyCounters = {
    gets: 0,
    puts: 0,
    invalidations: 0,
    misses: 0,
    loads: 0,
    loadErrors: 0,
    staleFillsDropped: 0,
    promotionsFromL2: 0,
    promotionsFromL3: 0,
    demotionsFromL1: 0,
    demotionsFromL2: 0,
    evictedWithoutDemotion: 0,
    demotionWriteErrors: 0,
    prefetchesStarted: 0,
    prefetchesInstalled: 0,
    prefetchesUsed: 0,
  }
  /** Latency of reads by serving tier, for one read in `latencySampleEvery`. */
  readonly latency = { l1: new LatencyHistogram(), l2: new LatencyHistogram(), l3: new LatencyHistogram(), load: new LatencyHistogram() }
  /** Access observer (the prefetcher's hook); unset = no cost. */
  onAccess: AccessObserver | undefined = undefined

  private readonly sampler: SampledLatency
  /**
   * L1 has held a bytes value at some time (set by `installL1`, never cleared). Until then the
   * facade's direct read skips the bytes copy rule's type check, which loads the value's header: a
   * cache of JSON state objects never pays it (~3 % of a hit at 1 000 entries).
   */
  private l1MayHoldBytes = false
  /**
   * L1 itself while a `getIfPresent` hit needs nothing but L1's `get` and the bytes copy rule (the
   * cache is open and its `getIfPresent` calls are untimed), else `undefined`.
   * The facade keeps a copy (told through `onDirectL1Change`) and reads L1 through it, skipping
   * this class's checks.
   */
  private directL1Value: HierarchyL1 | undefined = undefined
  /** Told whenever `directL1` or `copiesBytes` changes (the facade's copies); one listener. */
  onDirectL1Change: (() => void) | undefined = undefined
  /**
   * Times `getIfPresent` calls, one in `latencySampleEvery` when that option was given; by default
   * they are not timed (options.ts): two clock reads cost ~120 ns, more than the L1 hit they time,
   * and even the sampling countdown, one store per call, measured ~5 % of a hit at 100 000 entries.
   */
  private readonly getIfPresentSampler: SampledLatency | undefined
  private readonly maxKeyLength: number
  private readonly maxEntryBytes: number
  private readonly loader: Loader | undefined
  private readonly flights = new KeyFlights()
  /** L2 victims whose L3 write is in flight: still readable, so a demotion never opens a miss window. */
  private readonly demoting = new Map<string, StoredBytes>()
  /**
   * L1 victims on their way to L2, abstractly already in L2 (the spec's Demote): serializing and
   * compressing them is deferred to a later macrotask, off the call stack that evicted them — a
   * read promoting from L2, whose caller would otherwise wait for its victims' compression
   * (~150 µs for 4 KiB, milliseconds for large values). Readers find them here; invalidate, a
   * newer acknowledged write, crash and close drop them, exactly as they would L2's copy.
   */
  private readonly toL2 = new Map<string, QueuedDemotion>()
  private toL2Scheduled = false
  /**
   * Pending writes (puts, invalidates, demotion writes): `close` waits for them so nothing
   * acknowledged or in the middle of being made durable is cut off. Reads are not waited for (a
   * hung loader must not block close); one still in flight at close may fail with StorageError.
   */
  private readonly pending = new Set<Promise<unknown>>()
  private nextVersion: Version
  private closed = false

  /** Opens the tiers through `factory`, wired to this hierarchy's eviction handlers. */
  static async open(options: ResolvedOptions, factory: TierFactory): Promise<Hierarchy> {
    let self: Hierarchy | undefined
    const sinks: TierSinks = {
      onL1Evict: (key, value, bytes, version, reason) => self?.demoteFromL1(key, value, bytes, version, reason),
      onL2Evict: (key, bytes, version) => self?.demoteFromL2(key, bytes, version),
      onPrefetchUsed: () => {
        if (self !== undefined) self.counters.prefetchesUsed++
      },
    }
    const tiers = await factory(sinks)
    self = new Hierarchy(options, tiers)
    return self
  }

  private constructor(options: ResolvedOptions, tiers: HierarchyTiers) {
    this.l1 = tiers.l1
    this.l2 = tiers.l2
    this.l3 = tiers.l3
    this.maxKeyLength = options.maxKeyLength
    this.maxEntryBytes = options.maxEntryBytes
    this.loader = options.load
    this.sampler = new SampledLatency(options.latencySampleEvery)
    this.getIfPresentSampler = options.getIfPresentSampleEvery === 0 ? undefined : new SampledLatency(options.getIfPresentSampleEvery)
    this.noteDirectL1()
    // Versions continue above everything L3 recovered, so a new put always supersedes old data.
    this.nextVersion = Math.max(0, tiers.l3.maxVersion) + 1
  }

  /**
   * L1, while a caller with no agent may serve a `getIfPresent` hit from L1's `get` alone (the
   * value as L1 holds it, through `copyOut` when {@link copiesBytes}); `undefined` while a hit
   * needs this class's checks. A miss must still go to {@link getIfPresentMissed}. Watch it, and
   * `copiesBytes`, with `onDirectL1Change`.
   */
  get directL1(): HierarchyL1 | undefined {
    return this.directL1Value
  }

  /**
   * L1 has held a bytes value: a hit's value must go through `copyOut` (until then none is bytes,
   * and the check, a load of the value's header, can be skipped). Never goes back to false.
   */
  get copiesBytes(): boolean {
    return this.l1MayHoldBytes
  }

  /** Recomputes `directL1` after `close` started or `l1MayHoldBytes` changed; tells the listener. */
  private noteDirectL1(): void {
    this.directL1Value = !this.closed && this.getIfPresentSampler === undefined ? this.l1 : undefined
    this.onDirectL1Change?.()
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Keys with async work in flight (bounded by concurrency; exposed for tests). */
  get inFlightKeys(): number {
    return this.flights.size
  }

  // ---------------------------------------------------------------- guards shared by every op

  /** Throws the typed error an op must fail with before touching any tier, if any. */
  private admit(key: unknown, agentId: string | undefined): asserts key is string {
    if (this.closed) throw new CacheClosed({ what: "the cache" })
    const bad = checkKey(key, this.maxKeyLength)
    if (bad !== undefined) throw bad
    const denied = this.agents.checkAccess(agentId, key as string)
    if (denied !== undefined) throw denied
  }

  /** Registers `p` as pending until it settles (for `close`). */
  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p)
    const done = () => this.pending.delete(p)
    p.then(done, done)
    return p
  }

  // ---------------------------------------------------------------- Read

  /**
   * Synchronous L1 lookup (no Effect, no I/O, no loader): the value or `undefined`.
   * Spec: the L1-hit case of `Read`.
   *
   * Every check comes before the lookup (closed, key type, agent access: no policy side effects
   * for a denied access), and the L1 hit is timed when the sampler says so. This is the path of
   * agent views, the branch layer and a closed or timed cache; the common read, with no agent on
   * an open untimed cache, is the facade's direct one (`directL1`, `getIfPresentMissed`).
   */
  getIfPresent(key: string, agentId?: string): CacheValue | undefined {
    if (this.closed) throw new CacheClosed({ what: "the cache" })
    if (typeof key !== "string") this.admit(key, agentId)
    if (agentId !== undefined) {
      const denied = this.agents.checkAccess(agentId, key)
      if (denied !== undefined) throw denied
    }
    const t0 = this.getIfPresentSampler?.shouldSample() === true ? nowNs() : -1
    const v = this.l1.get(key)
    if (v === undefined) {
      this.admit(key, agentId)
      return undefined
    }
    if (t0 >= 0) this.latency.l1.record(nowNs() - t0)
    return copyOut(v)
  }

  /**
   * The rest of a `getIfPresent` (no agent) whose L1 lookup, through `directL1`, missed: the key
   * checks a hit skips, since a key L1 holds went through full validation when it was stored (a
   * bad key gets its InvalidKey here; a non-string one left no trace: L1's miss path ignores it).
   * `undefined`.
   */
  getIfPresentMissed(key: string): undefined {
    this.admit(key, undefined)
    return undefined
  }

  /**
   * Spec action `Read`: L1 hit, or L2 hit promoted to L1 (both synchronous); otherwise an async
   * fill (`fillStart` … `fillComplete`) from L3 or the loader. A fill overtaken by a put or
   * invalidate of the key is dropped and the read starts over, so a read that completes after a
   * put was acknowledged never returns the older value. Resolves `undefined` on a miss.
   */
  read(key: string, agentId?: string): Promise<CacheValue | undefined> {
    try {
      this.admit(key, agentId)
    } catch (e) {
      return Promise.reject(e)
    }
    this.counters.gets++
    const t0 = this.sampler.shouldSample() ? nowNs() : -1
    const hit = this.l1.get(key)
    if (hit !== undefined) {
      if (t0 >= 0) this.latency.l1.record(nowNs() - t0)
      this.onAccess?.(agentId, key, "l1")
      return Promise.resolve(copyOut(hit))
    }
    return this.readBelowL1(key, agentId, t0)
  }

  private async readBelowL1(key: string, agentId: string | undefined, t0: number): Promise<CacheValue | undefined> {
    for (let attempt = 0; attempt < MAX_REREADS; attempt++) {
      if (attempt > 0) {
        const v = this.l1.get(key)
        if (v !== undefined) return this.served(agentId, key, "l1", t0, v)
      }
      const fromL2 = this.promote(key, false)
      if (fromL2 !== undefined) return this.served(agentId, key, "l2", t0, fromL2)
      const result = await this.fillStart(key, agentId, false)
      if (!result.stale) {
        if (result.value === undefined) this.counters.misses++
        return this.served(agentId, key, result.servedBy, t0, result.value)
      }
    }
    // Overtaken by writes MAX_REREADS times in a row: a miss is always a truthful answer.
    this.counters.misses++
    return this.served(agentId, key, "miss", -1, undefined)
  }

  private served(agentId: string | undefined, key: string, by: ServedBy, t0: number, v: CacheValue | undefined): CacheValue | undefined {
    if (t0 >= 0) {
      const h = by === "l1" ? this.latency.l1 : by === "l2" ? this.latency.l2 : by === "l3" ? this.latency.l3 : this.latency.load
      h.record(nowNs() - t0)
    }
    this.onAccess?.(agentId, key, by)
    return v === undefined ? undefined : copyOut(v)
  }

  // ---------------------------------------------------------------- Promote / fills

  /**
   * Spec action `Promote` (L2 → L1): moves the key's L2 entry (or its pending L2 → L3 demotion)
   * into L1, as prefetched when a prefetch asked. Synchronous. Returns the value, or `undefined`
   * when L2 does not hold the key.
   */
  promote(key: string, prefetch: boolean): CacheValue | undefined {
    // Decoded while L2 lends the bytes (no copy of the decompressed form); counts L2's hit or miss.
    let found: DecodedEntry | undefined = this.l2.read(key, (bytes, version) => decodedEntry(key, bytes, version))
    let fromL2 = true
    const queued = found === undefined ? this.toL2.get(key) : undefined
    if (queued !== undefined) {
      // Still on its way to L2: the value is live already, nothing to decode.
      found = { value: queued.value, size: queued.size ?? serializeValue(key, queued.value, Number.MAX_SAFE_INTEGER).length, version: queued.version }
    } else if (found === undefined) {
      const pending = this.demoting.get(key)
      if (pending === undefined) return undefined
      found = decodedEntry(key, pending.bytes, pending.version)
      fromL2 = false
    }
    const { value, size, version } = found
    const target = nextState(St.L2, prefetch ? Ev.PREFETCH : Ev.PROMOTE)
    // Install first, delete from L2 after: if L1 rejects the entry, the eviction handler sees
    // that L2 still holds this version and does not re-serialize it.
    const installed = this.installL1(key, value, size, version, target === St.L1_PREFETCHED)
    if (installed && queued !== undefined && this.toL2.get(key) === queued) this.toL2.delete(key)
    if (installed && fromL2 && this.l2.versionOf(key) === version) this.l2.delete(key)
    if (fromL2) this.counters.promotionsFromL2++
    else this.counters.promotionsFromL3++
    return value
  }

  /**
   * Spec action `FillStart`: starts the key's async fill (L3 read, then the loader) or joins the
   * one in flight (single-flight: concurrent misses share one L3 read and one loader call). The
   * fill remembers the key's epoch as its token.
   */
  fillStart(key: string, agentId: string | undefined, prefetch: boolean): Promise<FillResult> {
    const f = this.flights.acquire(key)
    if (f.fill !== undefined) {
      // Joining: a demand read turns an in-flight prefetch into a demand fill (loading.prefetch --READ_MISS--> loading.demand).
      if (!prefetch && f.fillIsPrefetch && nextState(St.LOADING_PREFETCH, Ev.READ_MISS) === St.LOADING_DEMAND) f.fillIsPrefetch = false
      this.flights.release(key, f)
      return f.fill
    }
    f.fillIsPrefetch = prefetch
    const token = f.epoch
    const fill = this.runFill(key, agentId, f, token).finally(() => {
      if (f.fill === fill) f.fill = undefined
      this.flights.release(key, f)
    })
    f.fill = fill
    return fill
  }

  private async runFill(key: string, agentId: string | undefined, f: KeyFlight, token: number): Promise<FillResult> {
    const stored = await this.l3.get(key)
    if (stored !== undefined) {
      const value = deserializeValue(key, stored.bytes)
      return this.fillComplete(key, f, token, value, stored.bytes.length, stored.version, "l3")
    }
    if (this.loader === undefined) return this.fillComplete(key, f, token, undefined, 0, -1, "miss")
    this.counters.loads++
    let loaded: CacheValue | undefined
    try {
      loaded = await this.loader(key, agentId)
    } catch (cause) {
      this.counters.loadErrors++
      throw new LoaderError({ key, cause })
    }
    if (loaded === undefined) return this.fillComplete(key, f, token, undefined, 0, -1, "miss")
    let bytes: Uint8Array
    try {
      bytes = serializeValue(key, loaded, this.maxEntryBytes)
    } catch (cause) {
      // The loader returned something the cache cannot hold faithfully.
      this.counters.loadErrors++
      throw new LoaderError({ key, cause })
    }
    // A loaded value is the key's newest acknowledged state. If L3 keeps a tombstone for the key
    // (an eviction or invalidate), that removal's version is the version of this state (the spec's
    // store[k]); otherwise it gets a fresh version, newer than every put/invalidate before it.
    const tombstone = this.l3.tombstoneOf?.(key) ?? -1
    const version = tombstone >= 0 ? tombstone : this.nextVersion++
    return this.fillComplete(key, f, token, deserializeValue(key, bytes), bytes.length, version, "load")
  }

  /**
   * Spec action `FillComplete` (and `PrefetchComplete` when the fill is a prefetch): installs the
   * filled value into L1 only if the key's epoch still equals the fill's token — otherwise a put
   * or invalidate overtook the fill, the install is dropped and the readers re-read.
   */
  fillComplete(key: string, f: KeyFlight, token: number, value: CacheValue | undefined, size: number, version: Version, by: ServedBy): FillResult {
    const loading = f.fillIsPrefetch ? St.LOADING_PREFETCH : St.LOADING_DEMAND
    if (f.epoch !== token) {
      this.counters.staleFillsDropped++
      return { value: undefined, stale: true, servedBy: by }
    }
    if (value === undefined) return { value, stale: false, servedBy: by }
    if (f.pendingWrites > 0) {
      // A put/invalidate of the key is in flight (started after this fill began, or before it and
      // not yet durable). The value may be returned — the read is concurrent with the write — but
      // not installed: a loaded value carries a fresh version that would outrank the write's.
      return { value, stale: false, servedBy: by }
    }
    if (f.fillIsPrefetch) return this.prefetchComplete(key, value, size, version, by)
    this.installL1(key, value, size, version, nextState(loading, Ev.FILL_OK) === St.L1_PREFETCHED)
    if (by === "l3") this.counters.promotionsFromL3++
    return { value, stale: false, servedBy: by }
  }

  /** Installs into L1 unless L1 already holds this version or a newer one. */
  private installL1(key: string, value: CacheValue, size: number, version: Version, prefetched: boolean): boolean {
    if (this.l1.versionOf(key) >= version) return this.l1.versionOf(key) === version
    this.agents.noteStored(key)
    if (ArrayBuffer.isView(value) && !this.l1MayHoldBytes) {
      this.l1MayHoldBytes = true
      this.noteDirectL1()
    }
    return this.l1.set(key, value, size, version, prefetched ? AS_PREFETCHED : undefined)
  }

  // ---------------------------------------------------------------- Prefetch

  /**
   * Brings `key` into L1 ahead of a demand read, as a prefetched entry (evicted first while
   * unused). Goes through the same version checks and single-flight fills as reads. Resolves
   * true when the key is resident in L1 afterwards. Not an access: the access observer is not told.
   */
  prefetch(key: string, agentId?: string): Promise<boolean> {
    try {
      this.admit(key, agentId)
    } catch (e) {
      return Promise.reject(e)
    }
    return this.prefetchStart(key, agentId)
  }

  /** Spec action `PrefetchStart`: a no-op for L1-resident keys, a promotion from L2, else a prefetch fill. */
  async prefetchStart(key: string, agentId: string | undefined): Promise<boolean> {
    if (this.l1.has(key)) return true
    this.counters.prefetchesStarted++
    if (this.promote(key, true) !== undefined) {
      this.counters.prefetchesInstalled++
      return this.l1.has(key)
    }
    const result = await this.fillStart(key, agentId, true)
    return !result.stale && result.value !== undefined && this.l1.has(key)
  }

  /** Spec action `PrefetchComplete`: a non-stale prefetch fill installs into L1 as prefetched. */
  prefetchComplete(key: string, value: CacheValue, size: number, version: Version, by: ServedBy): FillResult {
    const target = nextState(St.LOADING_PREFETCH, Ev.FILL_OK)
    if (this.installL1(key, value, size, version, target === St.L1_PREFETCHED)) this.counters.prefetchesInstalled++
    if (by === "l3") this.counters.promotionsFromL3++
    return { value, stale: false, servedBy: by }
  }

  // ---------------------------------------------------------------- Put / Invalidate

  /**
   * Spec action `Put`: validate → serialize → next version → durable L3 write (write-through) →
   * install in L1. Resolves only once the value is durable; from then on no read returns an older
   * value. A put overtaken by a newer put/invalidate of the key that was acknowledged first does
   * not install its (older) value.
   */
  put(key: string, value: unknown, agentId?: string): Promise<void> {
    let stored: Uint8Array
    let decoded: CacheValue
    try {
      this.admit(key, agentId)
      stored = serializeValue(key, value, this.maxEntryBytes)
      // L1 holds its own deep-frozen copy (bytes: a private copy), never the caller's object.
      decoded = deserializeValue(key, stored)
    } catch (e) {
      return Promise.reject(e)
    }
    this.counters.puts++
    return this.track(this.writeThrough(key, stored, decoded))
  }

  private async writeThrough(key: string, stored: Uint8Array, decoded: CacheValue): Promise<void> {
    const version = this.nextVersion++
    const f = this.flights.acquire(key)
    f.epoch++ // fills in flight may have read the pre-put value
    f.pendingWrites++
    this.demoting.delete(key)
    this.agents.noteStored(key)
    try {
      const accepted = await this.l3.put(key, stored, version)
      f.epoch++ // acknowledgement: reads that began before now re-read
      if (f.newestAcked < version) f.newestAcked = version
      this.dropOlderThan(key, version)
      if (accepted && f.newestAcked === version) this.installL1(key, decoded, stored.length, version, false)
    } catch (e) {
      throw e instanceof StorageError ? e : new StorageError({ op: "put", path: key, cause: e })
    } finally {
      f.pendingWrites--
      this.flights.release(key, f)
    }
  }

  /**
   * Spec action `Invalidate`: removes the key from L1 and L2 at once and durably from L3 (a
   * tombstone at a fresh version, so no older in-flight write or demotion can resurrect it).
   * Fills in flight are dropped (epoch bump).
   */
  invalidate(key: string, agentId?: string): Promise<void> {
    try {
      this.admit(key, agentId)
    } catch (e) {
      return Promise.reject(e)
    }
    this.counters.invalidations++
    return this.track(this.tombstone(key))
  }

  private async tombstone(key: string): Promise<void> {
    const version = this.nextVersion++
    const f = this.flights.acquire(key)
    f.epoch++
    f.pendingWrites++
    this.l1.delete(key)
    this.l2.delete(key)
    this.toL2.delete(key)
    this.demoting.delete(key)
    try {
      await this.l3.delete(key, version)
      f.epoch++
      if (f.newestAcked < version) f.newestAcked = version
      this.dropOlderThan(key, version)
      this.agents.noteRemoved(key)
    } catch (e) {
      throw e instanceof StorageError ? e : new StorageError({ op: "delete", path: key, cause: e })
    } finally {
      f.pendingWrites--
      this.flights.release(key, f)
    }
  }

  /** After a write is acknowledged, memory must not hold anything older than it. */
  private dropOlderThan(key: string, version: Version): void {
    const v1 = this.l1.versionOf(key)
    if (v1 >= 0 && v1 < version) this.l1.delete(key)
    const v2 = this.l2.versionOf(key)
    if (v2 >= 0 && v2 < version) this.l2.delete(key)
    const q = this.toL2.get(key)
    if (q !== undefined && q.version < version) this.toL2.delete(key)
    const d = this.demoting.get(key)
    if (d !== undefined && d.version < version) this.demoting.delete(key)
  }

  // ---------------------------------------------------------------- Demote / Evict

  /** L1's eviction handler: demote the victim (or rejected candidate) to L2. */
  private demoteFromL1(key: string, value: CacheValue, size: number, version: Version, _reason: EvictionReason): void {
    this.demote(St.L1_DEMAND, key, value, undefined, version, size)
  }

  /** L2's eviction handler: demote the victim to L3. */
  private demoteFromL2(key: string, bytes: Uint8Array, version: Version): void {
    this.demote(St.L2, key, undefined, bytes, version)
  }

  /**
   * Spec action `Demote`: a victim of the tier `from` moves to the next tier (the lifecycle
   * table's DEMOTE target) unless that tier already holds this version or newer, or a newer
   * put/invalidate superseded it — then it is simply dropped (`evict`).
   */
  demote(from: number, key: string, value: CacheValue | undefined, bytes: Uint8Array | undefined, version: Version, size?: number): void {
    if (this.supersededByAck(key, version)) return this.evict(key)
    const to = tierOf(nextState(from, Ev.DEMOTE))
    if (to === 2) {
      if (this.l2.versionOf(key) >= version) return this.evict(key)
      if (bytes === undefined) {
        // Queued: L2's copy is made by `flushToL2` in a later macrotask (see `toL2`).
        const queued = this.toL2.get(key)
        if (queued !== undefined && queued.version >= version) return this.evict(key)
        this.toL2.set(key, { value: value as CacheValue, size, version })
        this.scheduleFlushToL2()
        return
      }
      this.counters.demotionsFromL1++
      this.l2.set(key, bytes, version) // may cascade: L2 victims come back through demoteFromL2
      return
    }
    if (to === 3) {
      if (this.l3.versionOf(key) >= version || this.closed) return this.evict(key)
      const stored = bytes ?? serializeValue(key, value, Number.MAX_SAFE_INTEGER)
      this.counters.demotionsFromL2++
      const entry: StoredBytes = { bytes: stored, version }
      this.demoting.set(key, entry)
      const write = this.l3.put(key, stored, version).then(
        () => undefined,
        () => {
          this.counters.demotionWriteErrors++
        },
      )
      void this.track(
        write.finally(() => {
          if (this.demoting.get(key) === entry) this.demoting.delete(key)
        }),
      )
      return
    }
    this.evict(key)
  }

  /** A put or invalidate of the key newer than `version` has been acknowledged: a copy at `version` is stale. */
  private supersededByAck(key: string, version: Version): boolean {
    const flight = this.flights.get(key)
    return flight !== undefined && flight.newestAcked > version
  }

  /** Runs `flushToL2` once, in a later macrotask, for everything queued until then (close waits for it). */
  private scheduleFlushToL2(): void {
    if (this.toL2Scheduled) return
    this.toL2Scheduled = true
    void this.track(new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flushToL2()))
  }

  /**
   * The deferred half of Demote L1 → L2: serializes and stores every queued victim in L2, in
   * eviction order, unless something newer superseded it meanwhile (then it is dropped, as
   * `demote` would have dropped it). Also called by tests that need L2's state at once.
   */
  flushToL2(): void {
    this.toL2Scheduled = false
    if (this.closed) return this.toL2.clear()
    for (const [key, q] of this.toL2) {
      this.toL2.delete(key)
      if (this.supersededByAck(key, q.version) || this.l2.versionOf(key) >= q.version) {
        this.evict(key)
        continue
      }
      this.counters.demotionsFromL1++
      this.l2.set(key, serializeValue(key, q.value, Number.MAX_SAFE_INTEGER), q.version) // may cascade to L3
    }
  }

  /** Spec action `Evict`: a tier dropped an entry for capacity and it is not demoted further. */
  evict(_key: string): void {
    this.counters.evictedWithoutDemotion++
  }

  // ---------------------------------------------------------------- Agents

  /** Ends an agent: invalidates (durably) every stored key private to it, then unregisters it. */
  async endAgent(agentId: string): Promise<void> {
    if (this.closed) throw new CacheClosed({ what: "the cache" })
    const keys = new Set(this.agents.keysOf(agentId))
    const l3keys = this.l3.keys?.()
    if (l3keys !== undefined) for (const k of l3keys) if (k.startsWith(`${agentId}:`)) keys.add(k)
    await Promise.all([...keys].map((k) => this.invalidate(k)))
    this.agents.unregister(agentId)
  }

  // ---------------------------------------------------------------- Crash / close

  /**
   * Spec action `Crash` (TEST-ONLY): L1, L2, pending demotions and in-flight records are lost; L3
   * is kept. In-flight fills become stale (they can no longer install).
   */
  crash(): void {
    this.l1.clear()
    this.l2.clear()
    this.toL2.clear()
    this.demoting.clear()
    this.flights.clear()
  }

  /** Waits for pending work, closes L3, drops memory tiers. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.noteDirectL1()
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
    await this.l3.close()
    this.l1.clear()
    this.l2.clear()
    this.toL2.clear()
    this.demoting.clear()
  }

  /** Snapshot helper for stats: hierarchy-level prefetch counters. */
  get prefetchCounters(): { readonly started: number; readonly installed: number; readonly used: number } {
    return { started: this.counters.prefetchesStarted, installed: this.counters.prefetchesInstalled, used: this.counters.prefetchesUsed }
  }
}
