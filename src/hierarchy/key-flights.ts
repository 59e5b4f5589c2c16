/**
 * Per-key records of pending asynchronous work — the "stale set" protection.
 *
 * A record exists only while some async op on its key is pending (a fill, an L3 promotion, a
 * prefetch, a put or invalidate waiting for durability), so memory is bounded by concurrency, not
 * by the number of keys. Every put and invalidate bumps the record's `epoch` twice: when it starts
 * and when it is acknowledged. A fill remembers the epoch it started under (its token) and may
 * install its value only if the epoch is unchanged when it completes — so a fill that began before
 * a put/invalidate, or that might have read the pre-put value, never installs it (the spec's
 * FillComplete guard; NoResurrection / NoStaleRead).
 */
import type { CacheValue, Version } from "../types.js"
import type { ServedBy } from "./types.js"

/** What a fill delivers to its readers. `stale` = overtaken by a put/invalidate: re-read. */
export interface FillResult {
  readonly value: CacheValue | undefined
  readonly stale: boolean
  readonly servedBy: ServedBy
}

export interface KeyFlight {
  /** Bumped at the start and at the acknowledgement of every put / invalidate of the key. */
  epoch: number
  /** Pending async ops holding this record. */
  ops: number
  /** Puts / invalidates of the key started but not yet acknowledged (or failed). */
  pendingWrites: number
  /** Newest put / invalidate version acknowledged while the record lived (-1: none). */
  newestAcked: Version
  /** The single in-flight fill shared by every concurrent miss (single-flight). */
  fill: Promise<FillResult> | undefined
  /** The shared fill was started by a prefetch and no demand read has joined it yet. */
  fillIsPrefetch: boolean
}

export class KeyFlights {
  private readonly records = new Map<string, KeyFlight>()

  /** The key's record, created if needed, with one more pending op counted on it. */
  acquire(key: string): KeyFlight {
    let f = this.records.get(key)
    if (f === undefined) {
      f = { epoch: 0, ops: 0, pendingWrites: 0, newestAcked: -1, fill: undefined, fillIsPrefetch: false }
      this.records.set(key, f)
    }
    f.ops++
    return f
  }

  /** One pending op on `key` finished; the record goes away with the last one. */
  release(key: string, f: KeyFlight): void {
    if (--f.ops === 0 && this.records.get(key) === f) this.records.delete(key)
  }

  get(key: string): KeyFlight | undefined {
    return this.records.get(key)
  }

  /** Number of keys with pending async work (test and stats visibility). */
  get size(): number {
    return this.records.size
  }

  /** Crash: all in-flight records are lost. Pending ops still hold their (now orphaned) records. */
  clear(): void {
    for (const f of this.records.values()) f.epoch++ // orphaned fills must not install after a crash
    this.records.clear()
  }
}
