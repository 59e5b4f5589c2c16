/**
 * The superposition manager: fork a key's value into speculative branches, read and write them,
 * collapse onto one winner atomically, discard the others — spec/Superposition.tla's mechanism.
 *
 * - The superposition table (in memory, one record per forked key) holds the key's status
 *   (single | superposed | collapsed, the states of ./machine.ts), its epoch, the
 *   address of the fork base and, per branch, its state and the address of its delta.
 * - Branch data (the fork base and the deltas) live in the tiers through a content store
 *   (./content-store.ts): BLAKE3-addressed, refcounted, compressed. A branch that equals the base
 *   holds no blob at all.
 * - Every branch read consults the table first and checks it again after its asynchronous reads;
 *   a record is replaced (never edited) when branches end, so a read that raced with a collapse or
 *   discard sees the change and never returns the retired data (NoGhostBranch).
 * - Collapse writes the winner as the new base through the normal put path, then switches the table
 *   in one synchronous step, then releases the siblings' blobs lazily (GcSibling). Until the switch,
 *   base reads through {@link SuperpositionManager.get} keep answering the pre-collapse base even
 *   though the winner may already sit in L1 (CollapseAtomic).
 * - Mutations of one key (fork, putBranch, collapse, discard, and base puts / invalidations routed
 *   through this manager) run one at a time per key; reads never wait for them.
 *
 * Names follow the spec's actions: `fork` (Fork), `putBranch` (PutBranch), `getBranch` (ReadBranch),
 * `collapse` (Collapse), `discard` (Discard), `demoteBranch` / `promoteBranch` / `evictBranch`
 * (DemoteBranch / PromoteBranch / EvictBranch), `gcSibling` (GcSibling).
 */
import { BranchError, ValueTooLarge } from "../errors.js"
import type { CacheValue, Compressor } from "../types.js"
import { validateKey } from "../values/key.js"
import { deepFreeze } from "../values/freeze.js"
import { ContentStore, type BlobStorage, type ContentStoreStats } from "./content-store.js"
import { decodeDelta, encodeDelta, encodeFull, DELTA_FULL, type DeltaBase, type DeltaStrategy } from "./delta.js"
import type { TierMoves } from "./memory-storage.js"
import {
  BRANCH_TABLE,
  BranchEv,
  BranchSt,
  KEY_TABLE,
  KeyEv,
  KeySt,
  NO_TRANSITION,
  branchTransition,
  forkEvent,
  keyTransition,
} from "./transition-table.js"
import { assertCacheValue, decodeValue, encodeValue } from "./value-bytes.js"

/**
 * How the manager reaches the key's base value: the cache's normal read and write paths.
 * `agentId` is the calling agent view (undefined = the cache itself), passed through for access
 * checks, the loader and the access observer.
 */
export interface BaseAccess {
  /** The base through the normal read path (L1 → L2 → L3 → loader); undefined on a miss. */
  read(key: string, agentId?: string): Promise<CacheValue | undefined>
  /** Installs `value` as the new base through the normal put path (a new version; durable once resolved). */
  write(key: string, value: CacheValue, agentId?: string): Promise<void>
  /** Removes the base from every tier. */
  invalidate(key: string, agentId?: string): Promise<void>
  /** Synchronous L1-only read (getIfPresent). */
  peek(key: string, agentId?: string): CacheValue | undefined
  /**
   * Throws the error an operation on `key` by `agentId` must fail with before anything is touched
   * (a closed cache, a bad key, another agent's private key). Optional: without it only the key
   * is validated.
   */
  admit?(key: string, agentId?: string): void
}

export interface SuperpositionOptions {
  /** Most branches one fork may create (default 16). */
  readonly maxBranches?: number
  /** How JSON branches are encoded (default "structural"; see ./delta.ts). */
  readonly deltaStrategy?: DeltaStrategy
  readonly compressor?: Compressor
  /** Blobs at least this long are compressed (default 64). */
  readonly compressThreshold?: number
  /** Largest accepted serialized branch value (default 8 MiB, like the cache's maxEntryBytes). */
  readonly maxEntryBytes?: number
  /** Longest accepted key (default 1024). */
  readonly maxKeyLength?: number
  /** Decoded fork bases kept in memory to avoid re-parsing them on every branch read (default 8). */
  readonly decodedBases?: number
  /** Prefix of the blob keys in storage (default: see ContentStore). */
  readonly keyPrefix?: string
}

/** What `superposition(key)` reports. */
export interface SuperpositionInfo {
  readonly status: "single" | "superposed" | "collapsed"
  readonly epoch: number
  /** Live branches, in fork order. */
  readonly branches: readonly string[]
  /** The winner of the last collapse (status collapsed). */
  readonly winner?: string
}

/** One branch: its lifecycle state and the address of its delta (undefined = equal to the base). */
interface BranchRecord {
  readonly state: number
  readonly delta: string | undefined
}

/** One key's row of the superposition table. Replaced, not edited, when its status or epoch changes. */
interface KeyRecord {
  readonly state: number
  readonly epoch: number
  /** Address of the fork base while superposed. */
  readonly baseHash: string | undefined
  readonly branches: Map<string, BranchRecord>
  live: number
  readonly winner?: string
  /** Set during a collapse, between capturing the old base and switching the table. */
  collapsing?: { readonly preBase: CacheValue | undefined }
}

const LIVE: BranchRecord = { state: BranchSt.LIVE, delta: undefined }
const READ_RETRIES = 8

export class SuperpositionManager {
  readonly store: ContentStore
  private readonly records = new Map<string, KeyRecord>()
  private readonly locks = new Map<string, Promise<unknown>>()
  /**
   * `records` and `locks` are both empty (kept by `noteKeys` after every change to either): `involves`
   * reads it first on every base read and write, and one field is fewer instructions than two Map
   * sizes.
   */
  private isQuiet = true
  /**
   * Collapses between installing their winner in the base and their switch (`KeyRecord.collapsing`
   * set). Only while one is open can a synchronous read of some key (`peek`) differ from the
   * base's: the facade's direct L1 read depends on it.
   */
  private collapseWindows = 0
  /** Told whenever `noCollapseWindow` changes; one listener. */
  onCollapseWindowChange: (() => void) | undefined = undefined
  private readonly background = new Set<Promise<void>>()
  private readonly decoded = new Map<string, DeltaBase>()
  private readonly maxBranches: number
  private readonly strategy: DeltaStrategy
  private readonly maxEntryBytes: number
  private readonly maxKeyLength: number
  private readonly decodedLimit: number
  private epochClock = 0
  private gcFailures = 0
  private siblingsCollected = 0
  /** The last free that failed in storage, for diagnosis. */
  lastGcFailure: { readonly what: string; readonly error: unknown } | undefined

  constructor(
    private readonly base: BaseAccess,
    private readonly storage: BlobStorage & Partial<TierMoves>,
    options: SuperpositionOptions = {}
  ) {
    this.maxBranches = options.maxBranches ?? 16
    if (!Number.isInteger(this.maxBranches) || this.maxBranches < 1 || this.maxBranches > 250) {
      throw new RangeError(`maxBranches must be an integer in 1..250, got ${options.maxBranches}`)
    }
    this.strategy = options.deltaStrategy ?? "structural"
    this.maxEntryBytes = options.maxEntryBytes ?? 8 * 1024 * 1024
    this.maxKeyLength = options.maxKeyLength ?? 1024
    this.decodedLimit = options.decodedBases ?? 8
    this.store = new ContentStore(storage, {
      ...(options.compressor === undefined ? {} : { compressor: options.compressor }),
      ...(options.compressThreshold === undefined ? {} : { compressThreshold: options.compressThreshold }),
      ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
    })
  }

  // ---------------------------------------------------------------- spec actions: branch life

  /**
   * Fork (spec action `Fork`): splits the key's current value into `branches` (ids, or a count n
   * naming them "0".."n-1"); every branch starts equal to the base. Resolves with the branch ids.
   * Throws `BranchError` (nothing changed) when the key is missing or already superposed, an id is
   * bad or repeated, or the count is outside 1..maxBranches.
   */
  async fork(key: string, branches: readonly string[] | number, agentId?: string): Promise<readonly string[]> {
    this.admit(key, agentId)
    const ids = this.branchIds(key, branches)
    return this.withLock(key, async () => {
      const record = this.records.get(key)
      const state = record?.state ?? KeySt.SINGLE
      const event = forkEvent(ids.length, this.maxBranches)
      if (keyTransition(state, event) === NO_TRANSITION) throw this.keyError(key, state, event, ids.length)
      const value = await this.base.read(key, agentId)
      if (value === undefined) throw new BranchError({ key, reason: "cannot fork a missing key (no value in any tier)" })
      const baseHash = await this.store.retain(encodeValue(value))
      this.records.set(key, {
        state: keyTransition(state, event),
        epoch: ++this.epochClock,
        baseHash,
        branches: new Map(ids.map((id) => [id, LIVE])),
        live: ids.length,
      })
      this.noteKeys()
      return ids
    })
  }

  /**
   * PutBranch (spec action `PutBranch`): replaces a live branch's value. Stored as a delta against
   * the fork base; the branch's previous delta is released. Throws `BranchError` when the key is not
   * superposed or the branch is unknown or ended; `SerializationError` / `ValueTooLarge` for values.
   */
  async putBranch(key: string, branch: string, value: CacheValue, agentId?: string): Promise<void> {
    this.admit(key, agentId)
    assertCacheValue(key, value)
    const valueBytes = encodeValue(value)
    if (valueBytes.length - 1 > this.maxEntryBytes) {
      throw new ValueTooLarge({ key, bytes: valueBytes.length - 1, limit: this.maxEntryBytes })
    }
    return this.withLock(key, async () => {
      const { record, entry } = this.liveBranch(key, branch, KeyEv.PUT_BRANCH, BranchEv.PUT_BRANCH)
      const base = await this.decodedBase(record.baseHash!)
      let delta: string | undefined
      if (base === undefined || !sameBytes(base.bytes, valueBytes)) {
        // Without the base (forgotten by every tier) the branch is stored whole: still correct.
        const encoded = base === undefined ? encodeFull(valueBytes) : encodeDelta(base, value, this.strategy, valueBytes)
        delta = await this.store.retain(encoded)
      }
      // The lock kept the record and the branch as they were: switch the branch's delta.
      record.branches.set(branch, { state: entry.state, delta })
      if (entry.delta !== undefined) this.release(entry.delta)
    })
  }

  /**
   * ReadBranch (spec action `ReadBranch`): the branch's current value, deep-frozen; `undefined` if
   * the tiers forgot its bytes. Throws `BranchError` for an unknown or ended branch or a key that is
   * not superposed — including when a collapse or discard retired the branch while this read was in
   * flight: retired data is never returned (NoGhostBranch).
   */
  async getBranch(key: string, branch: string, agentId?: string): Promise<CacheValue | undefined> {
    this.admit(key, agentId)
    for (let attempt = 0; attempt < READ_RETRIES; attempt++) {
      const { record, entry } = this.liveBranch(key, branch, KeyEv.READ_BRANCH, BranchEv.READ_BRANCH)
      const value = await this.materialize(record, entry)
      // The barrier (spec: ReadBranchComplete re-checks the metadata): the data may be returned only
      // if the key is still superposed in the same epoch and the branch is still live. A putBranch
      // that landed meanwhile does not matter when we got bytes (the read linearizes before it);
      // when the bytes were gone (the replaced delta was freed) read the current data again.
      const now = this.records.get(key)
      const current = now?.branches.get(branch)
      const live = now !== undefined && now.state === KeySt.SUPERPOSED && now.epoch === record.epoch && current?.state === BranchSt.LIVE
      if (live && (value !== undefined || current === entry)) return value
    }
    // Under a storm of putBranch calls, read under the key's lock: then nothing can change meanwhile.
    return this.withLock(key, async () => {
      const { record, entry } = this.liveBranch(key, branch, KeyEv.READ_BRANCH, BranchEv.READ_BRANCH)
      return this.materialize(record, entry)
    })
  }

  /**
   * Collapse (spec action `Collapse`): makes `winner` the key's base (a new version through the
   * normal put path), ends every branch, bumps the epoch, then lazily frees the siblings' bytes.
   * Atomic as readers see it: before this resolves, {@link get} answers the old base and sibling
   * reads may succeed; once it resolves, `get` answers the winner and every branch read fails.
   * Throws `BranchError` (nothing changed) for a key that is not superposed or a winner that is not
   * a live branch, or when the winner's bytes were forgotten by every tier.
   */
  collapse(key: string, winner: string, agentId?: string): Promise<void> {
    // An explicit promise, resolved in the same synchronous step as the table switch: every callback
    // on it is queued before any reader can observe the switch (an async wrapper would add ticks).
    return new Promise<void>((resolve, reject) => {
      this.admit(key, agentId)
      this.withLock(key, () => this.collapseLocked(key, winner, resolve)).catch(reject)
    })
  }

  private async collapseLocked(key: string, winner: string, resolve: () => void): Promise<void> {
    const { record, entry } = this.liveBranch(key, winner, KeyEv.COLLAPSE, BranchEv.WIN)
    const value = await this.materialize(record, entry)
    if (value === undefined) {
      throw new BranchError({ key, branch: winner, reason: "the winner's data was evicted from every tier; nothing changed" })
    }
    this.openCollapseWindow(record, await this.base.read(key))
    try {
      await this.base.write(key, value)
    } catch (error) {
      this.closeCollapseWindow(record)
      throw error
    }
    // The switch: one synchronous step, so no reader sees half of it.
    const ended = new Map<string, BranchRecord>()
    for (const [id, b] of record.branches) {
      const event = id === winner ? BranchEv.WIN : BranchEv.LOSE
      const to = branchTransition(b.state, event)
      ended.set(id, { state: to === NO_TRANSITION ? b.state : to, delta: undefined })
    }
    this.records.set(key, {
      state: keyTransition(record.state, KeyEv.COLLAPSE),
      epoch: ++this.epochClock,
      baseHash: undefined,
      branches: ended,
      live: 0,
      winner,
    })
    this.closeCollapseWindow(record)
    this.noteKeys()
    resolve()
    for (const [id, b] of record.branches) if (b.delta !== undefined) this.gcSibling(key, id, b.delta)
    this.release(record.baseHash!)
  }

  /**
   * Discard (spec action `Discard`): ends one live branch; its bytes are freed lazily (GcSibling).
   * As in the spec, the last live branch cannot be discarded (`BranchError`, nothing changed):
   * collapse onto it to keep it, or `invalidate` the key to drop everything.
   */
  async discard(key: string, branch: string, agentId?: string): Promise<void> {
    this.admit(key, agentId)
    return this.withLock(key, async () => {
      const remaining = (this.records.get(key)?.live ?? 1) - 1
      const keyEvent = remaining === 0 ? KeyEv.DISCARD_LAST : KeyEv.DISCARD_SOME
      const { record, entry } = this.liveBranch(key, branch, KeyEv.READ_BRANCH, BranchEv.DISCARD)
      if (keyTransition(record.state, keyEvent) === NO_TRANSITION) {
        throw new BranchError({ key, branch, reason: "cannot discard the last live branch: collapse onto it, or invalidate the key" })
      }
      // A new record (same epoch, as in the spec): concurrent readers of any branch re-check.
      const branches = new Map(record.branches)
      branches.set(branch, { state: branchTransition(entry.state, BranchEv.DISCARD), delta: undefined })
      this.records.set(key, { ...record, branches, live: remaining, collapsing: undefined })
      this.noteKeys()
      if (entry.delta !== undefined) this.gcSibling(key, branch, entry.delta)
    })
  }

  /** Live branch ids of `key`, in fork order (empty when it is not superposed). */
  branches(key: string, agentId?: string): readonly string[] {
    this.admit(key, agentId)
    const record = this.records.get(key)
    if (record === undefined || record.state !== KeySt.SUPERPOSED) return []
    return [...record.branches].filter(([, b]) => b.state === BranchSt.LIVE).map(([id]) => id)
  }

  /** The key's row of the superposition table. */
  superposition(key: string): SuperpositionInfo {
    const record = this.records.get(key)
    if (record === undefined) return { status: "single", epoch: 0, branches: [] }
    const status = KEY_TABLE.states[record.state] as SuperpositionInfo["status"]
    return {
      status,
      epoch: record.epoch,
      branches: this.branches(key),
      ...(record.winner === undefined ? {} : { winner: record.winner }),
    }
  }

  // ---------------------------------------------------------------- the base, as readers see it

  /**
   * The key's base through the normal read path — except while a collapse of the key is switching
   * over, when it answers the pre-collapse base (the winner must not show before collapse resolves).
   * Facades route `get` here; for a key that was never forked this is one Map lookup.
   */
  async get(key: string, agentId?: string): Promise<CacheValue | undefined> {
    const before = this.records.get(key)?.collapsing
    if (before !== undefined) {
      this.admit(key, agentId)
      return before.preBase
    }
    const value = await this.base.read(key, agentId)
    // A collapse may have opened while we read (and the winner may be what we found in L1).
    const during = this.records.get(key)?.collapsing
    return during !== undefined ? during.preBase : value
  }

  /** Synchronous counterpart of {@link get} for getIfPresent. */
  peek(key: string, agentId?: string): CacheValue | undefined {
    const during = this.records.get(key)?.collapsing
    if (during === undefined) return this.base.peek(key, agentId)
    this.admit(key, agentId)
    return during.preBase
  }

  /** No superposition open and no branch operation running: every key's reads go straight to the base. */
  get quiet(): boolean {
    return this.isQuiet
  }

  /**
   * No collapse is between installing its winner and its switch: `peek(key)` is the base's
   * `peek(key)` for every key (superposed or not).
   */
  get noCollapseWindow(): boolean {
    return this.collapseWindows === 0
  }

  /** A collapse's winner is about to be written to the base: reads answer `preBase` until the switch. */
  private openCollapseWindow(record: KeyRecord, preBase: CacheValue | undefined): void {
    record.collapsing = { preBase }
    if (this.collapseWindows++ === 0) this.onCollapseWindowChange?.()
  }

  /** The collapse switched (or its write failed): its window is closed. */
  private closeCollapseWindow(record: KeyRecord): void {
    record.collapsing = undefined
    if (--this.collapseWindows === 0) this.onCollapseWindowChange?.()
  }

  /**
   * True when `key` has a superposition record or a branch operation in flight: only then do base
   * reads and writes need to go through this manager (facades check this first, synchronously, so
   * keys that were never forked pay one Map lookup and nothing else).
   */
  involves(key: string): boolean {
    // `quiet` first: with no superposition open (the common case) no Map lookup at all.
    return !this.quiet && (this.records.has(key) || this.locks.has(key))
  }

  /**
   * A put of the base. On a forked key it waits for the key's branch operations (so it cannot land
   * inside a collapse); the branches keep their fork base and a later collapse overwrites the put.
   */
  async put(key: string, value: CacheValue, agentId?: string): Promise<void> {
    if (!this.involves(key)) return this.base.write(key, value, agentId)
    this.admit(key, agentId)
    return this.withLock(key, () => this.base.write(key, value, agentId))
  }

  /** Invalidates the base; a superposition of the key ends with it (its branches' bytes are freed). */
  async invalidate(key: string, agentId?: string): Promise<void> {
    if (!this.involves(key)) return this.base.invalidate(key, agentId)
    this.admit(key, agentId)
    return this.withLock(key, async () => {
      const record = this.records.get(key)
      if (record !== undefined) {
        this.records.delete(key)
        this.noteKeys()
        for (const [id, b] of record.branches) if (b.delta !== undefined) this.gcSibling(key, id, b.delta)
        if (record.baseHash !== undefined) this.release(record.baseHash)
      }
      await this.base.invalidate(key, agentId)
    })
  }

  // ---------------------------------------------------------------- spec actions: tier moves

  /** DemoteBranch (spec action): moves the branch's delta one tier down, if the storage supports moves. */
  demoteBranch(key: string, branch: string): Promise<boolean> {
    return this.moveBranch(key, branch, (k) => this.storage.demote?.(k))
  }

  /** PromoteBranch (spec action): moves the branch's delta to L1. */
  promoteBranch(key: string, branch: string): Promise<boolean> {
    return this.moveBranch(key, branch, (k) => this.storage.promote?.(k))
  }

  /** EvictBranch (spec action): the tiers forget the branch's delta; its reads then answer `undefined`. */
  evictBranch(key: string, branch: string): Promise<boolean> {
    return this.moveBranch(key, branch, (k) => this.storage.evict?.(k))
  }

  /**
   * GcSibling (spec action): frees a retired branch's delta after the table switched away from it.
   * Runs in the background; {@link idle} waits for it. The data is already unreachable: reads
   * consult the table first.
   */
  gcSibling(key: string, branch: string, delta: string): void {
    this.siblingsCollected++
    this.release(delta, `${key}#${branch}`)
  }

  /** Resolves when background frees (GcSibling) and queued blob writes have finished. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background])
    await this.store.idle()
  }

  /** Blob counts and bytes of the content store, plus frees that failed in storage. */
  stats(): ContentStoreStats & { readonly superposedKeys: number; readonly siblingsCollected: number; readonly gcFailures: number } {
    let superposedKeys = 0
    for (const r of this.records.values()) if (r.state === KeySt.SUPERPOSED) superposedKeys++
    return { ...this.store.stats(), superposedKeys, siblingsCollected: this.siblingsCollected, gcFailures: this.gcFailures }
  }

  /** Storage key of a live branch's delta blob (undefined when it equals the base or is not live): diagnostics, conformance. */
  branchBlobKey(key: string, branch: string): string | undefined {
    const entry = this.records.get(key)?.branches.get(branch)
    return entry === undefined || entry.state !== BranchSt.LIVE || entry.delta === undefined ? undefined : this.store.keyOf(entry.delta)
  }

  /** Keys with a superposition record (forked at least once and not invalidated since). */
  forkedKeys(): IterableIterator<string> {
    return this.records.keys()
  }

  // ---------------------------------------------------------------- internals

  private admit(key: string, agentId: string | undefined): void {
    if (this.base.admit !== undefined) this.base.admit(key, agentId)
    else validateKey(key, this.maxKeyLength)
  }

  private async moveBranch(
    key: string,
    branch: string,
    move: (internalKey: string) => Promise<boolean> | undefined
  ): Promise<boolean> {
    const { entry } = this.liveBranch(key, branch, KeyEv.READ_BRANCH, BranchEv.READ_BRANCH)
    if (entry.delta === undefined) return false
    return (await move(this.store.keyOf(entry.delta))) ?? false
  }

  /** The record and live branch entry, or the BranchError the tables say this operation gets. */
  private liveBranch(key: string, branch: string, keyEvent: number, branchEvent: number): { record: KeyRecord; entry: BranchRecord } {
    const record = this.records.get(key)
    const state = record?.state ?? KeySt.SINGLE
    if (keyTransition(state, keyEvent) === NO_TRANSITION) throw this.keyError(key, state, keyEvent, 0, branch)
    const entry = record!.branches.get(branch)
    if (entry === undefined) {
      throw new BranchError({ key, branch, reason: `unknown branch; live branches are ${JSON.stringify(this.branches(key))}` })
    }
    if (branchTransition(entry.state, branchEvent) === NO_TRANSITION) {
      throw new BranchError({ key, branch, reason: `the branch is ${BRANCH_TABLE.states[entry.state]}` })
    }
    return { record: record!, entry }
  }

  private keyError(key: string, state: number, event: number, count: number, branch?: string): BranchError {
    const status = KEY_TABLE.states[state]
    let reason: string
    if (event === KeyEv.FORK_TOO_MANY) reason = `a fork of ${count} branches exceeds maxBranches ${this.maxBranches}`
    else if (event === KeyEv.FORK_NONE) reason = "a fork needs at least one branch"
    else if (event === KeyEv.FORK_OK) reason = "the key is already superposed; collapse or discard its branches first"
    else if (event === KeyEv.COLLAPSE) reason = `cannot collapse a key that is not superposed (status ${status})`
    else reason = `the key is not superposed (status ${status})`
    return new BranchError({ key, ...(branch === undefined ? {} : { branch }), reason })
  }

  private branchIds(key: string, branches: readonly string[] | number): string[] {
    if (typeof branches === "number") {
      if (!Number.isInteger(branches)) throw new BranchError({ key, reason: `branch count must be an integer, got ${branches}` })
      if (branches > this.maxBranches) {
        throw new BranchError({ key, reason: `a fork of ${branches} branches exceeds maxBranches ${this.maxBranches}` })
      }
      return Array.from({ length: Math.max(branches, 0) }, (_, i) => String(i))
    }
    if (!Array.isArray(branches)) throw new BranchError({ key, reason: "branches must be an array of ids or a count" })
    const seen = new Set<string>()
    for (const id of branches) {
      if (typeof id !== "string" || id.length === 0 || id.length > 256 || id.includes("\u0000")) {
        throw new BranchError({ key, reason: `bad branch id ${JSON.stringify(id)}: a non-empty string of at most 256 characters, no NUL` })
      }
      if (seen.has(id)) throw new BranchError({ key, branch: id, reason: "branch id given twice" })
      seen.add(id)
    }
    return [...seen]
  }

  /** The branch's value from the fork base and its delta; undefined if the tiers forgot a needed blob. */
  private async materialize(record: KeyRecord, entry: BranchRecord): Promise<CacheValue | undefined> {
    const [base, delta] = await Promise.all([
      this.decodedBase(record.baseHash!),
      entry.delta === undefined ? undefined : this.store.read(entry.delta),
    ])
    if (entry.delta === undefined) return base === undefined ? undefined : copyOut(base.value)
    if (delta === undefined) return undefined
    if (delta[0] === DELTA_FULL) return copyOut(decodeDelta({ value: null, bytes: new Uint8Array(0) }, delta))
    if (base === undefined) return undefined
    return copyOut(decodeDelta(base, delta))
  }

  /** The fork base decoded (frozen, so branch values may share its subtrees), via a small memo. */
  private async decodedBase(hash: string): Promise<DeltaBase | undefined> {
    const memo = this.decoded.get(hash)
    if (memo !== undefined) {
      this.decoded.delete(hash)
      this.decoded.set(hash, memo)
      // The memo is only valid while the blob is referenced (content addressing: same hash = same bytes).
      if (this.store.refCount(hash) > 0) return memo
    }
    const bytes = await this.store.read(hash)
    if (bytes === undefined) return undefined
    const base: DeltaBase = { value: deepFreeze(decodeValue(bytes)), bytes }
    if (this.decodedLimit > 0) {
      this.decoded.set(hash, base)
      if (this.decoded.size > this.decodedLimit) this.decoded.delete(this.decoded.keys().next().value!)
    }
    return base
  }

  private release(hash: string, what: string = hash): void {
    this.decoded.delete(hash)
    const done = this.store.release(hash).catch((error: unknown) => {
      // The blob stays in storage (unreachable: nothing references it); counted for stats.
      this.gcFailures++
      this.lastGcFailure = { what, error }
    })
    this.background.add(done)
    void done.finally(() => this.background.delete(done))
  }

  /** Recomputes `isQuiet` after `records` or `locks` changed. */
  private noteKeys(): void {
    this.isQuiet = this.records.size === 0 && this.locks.size === 0
  }

  private withLock<T>(key: string, op: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve()
    const run = previous.then(op, op)
    const tail = run.then(noop, noop)
    this.locks.set(key, tail)
    this.noteKeys()
    void tail.then(() => {
      if (this.locks.get(key) === tail) {
        this.locks.delete(key)
        this.noteKeys()
      }
    })
    return run
  }
}

function noop(): void {}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Values handed to callers: JSON deep-frozen (cheap: shared base subtrees are frozen already), bytes copied. */
function copyOut(value: CacheValue): CacheValue {
  return value instanceof Uint8Array ? value.slice() : deepFreeze(value)
}
