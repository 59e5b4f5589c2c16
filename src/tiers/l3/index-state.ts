/**
 * The index as a pure state machine over log records: key → (hash, version, sizes), tombstones,
 * and the version watermark. The same transitions run on replay (open) and at run time (after a
 * record is durable), so what a reopened store believes is exactly what the live one believed.
 *
 * Ordering rule: a PUT applies only if its version is newer than the key's entry and tombstone
 * (and, for a key with neither, newer than `floor`). Records may therefore reach the log in any
 * order — concurrent puts of one key are decided by version, never by arrival.
 *
 * Tombstones: every removal (delete, evict, quarantine) leaves `tombstones[key] = version` so an
 * older put still in flight cannot resurrect the key. A tombstone ends when a newer put of the
 * key applies. At compaction, tombstones at or below the version watermark recovered when the
 * store was opened are *retired*: no put from the current process can carry such a version
 * (the hierarchy resumes its counter above `maxVersion`), so they are folded into `floor`, one
 * number that keeps refusing puts at or below it for absent keys. The log therefore never grows
 * with the number of keys ever deleted, and the refusal is never weakened.
 */
import type { Version } from "../../types.js"
import { encodedRecordSize, RECORD_HEADER_BYTES, type LogRecord } from "./record.js"

export interface IndexEntry {
  readonly hash: string
  readonly version: Version
  readonly rawSize: number
  readonly storedSize: number
}

type PutRecord = Extract<LogRecord, { type: "put" }>

/** Size of an encoded WATERMARK record. */
const WATERMARK_RECORD_BYTES = RECORD_HEADER_BYTES + 17

export class IndexState {
  /** Live entries, least recently used first (a read moves its key to the end). */
  readonly entries = new Map<string, IndexEntry>()
  readonly tombstones = new Map<string, Version>()
  /** Retired-tombstone floor; see the module comment. */
  floor: Version = -1
  maxVersion: Version = -1
  /** Bytes a compacted log holding exactly this state would take. */
  liveRecordBytes = WATERMARK_RECORD_BYTES

  /** True when a PUT of `key` at `version` would apply now. */
  accepts(key: string, version: Version): boolean {
    const entry = this.entries.get(key)
    if (entry !== undefined && version <= entry.version) return false
    const tombstone = this.tombstones.get(key)
    if (tombstone !== undefined && version <= tombstone) return false
    if (entry === undefined && tombstone === undefined && version <= this.floor) return false
    return true
  }

  /** Apply a PUT. Returns undefined if refused, else the entry it replaced (or null). */
  applyPut(record: PutRecord): IndexEntry | null | undefined {
    this.#see(record.version)
    if (!this.accepts(record.key, record.version)) return undefined
    const previous = this.entries.get(record.key)
    if (previous !== undefined) this.entries.delete(record.key)
    else this.liveRecordBytes += encodedRecordSize("put", record.key)
    this.#dropTombstone(record.key)
    this.entries.set(record.key, { hash: record.hash, version: record.version, rawSize: record.rawSize, storedSize: record.storedSize })
    return previous ?? null
  }

  /**
   * Apply a REMOVE at `version`. Returns the entry removed, or undefined when there was none or
   * the entry is newer than the removal (a stale removal changes nothing).
   */
  applyRemove(key: string, version: Version): IndexEntry | undefined {
    this.#see(version)
    const entry = this.entries.get(key)
    if (entry !== undefined && entry.version > version) return undefined
    if (entry !== undefined) {
      this.entries.delete(key)
      this.liveRecordBytes -= encodedRecordSize("put", key)
    }
    const tombstone = this.tombstones.get(key)
    if (tombstone === undefined) {
      if (entry !== undefined || version > this.floor) {
        this.tombstones.set(key, version)
        this.liveRecordBytes += encodedRecordSize("remove", key)
      }
    } else if (version > tombstone) {
      this.tombstones.set(key, version)
    }
    return entry
  }

  applyWatermark(maxVersion: Version, floor: Version): void {
    this.#see(maxVersion)
    if (floor > this.floor) this.floor = floor
  }

  /** Apply any record (used by replay). Blob bookkeeping is the caller's job. */
  apply(record: LogRecord): void {
    if (record.type === "put") this.applyPut(record)
    else if (record.type === "remove") this.applyRemove(record.key, record.version)
    else this.applyWatermark(record.maxVersion, record.floor)
  }

  /** Record a read: the key becomes the most recently used. */
  touch(key: string, entry: IndexEntry): void {
    if (this.entries.get(key) !== entry) return
    this.entries.delete(key)
    this.entries.set(key, entry)
  }

  /** Fold tombstones at or below `version` into `floor` (see the module comment). */
  retireTombstones(version: Version): void {
    for (const [key, tombstone] of this.tombstones) {
      if (tombstone > version) continue
      if (tombstone > this.floor) this.floor = tombstone
      this.#dropTombstone(key)
    }
  }

  /**
   * The records of a compacted log that reproduces this state exactly. The watermark comes LAST:
   * a live entry may be older than `floor` (floor only refuses puts of keys with no entry), so
   * replaying it after the floor was set would wrongly refuse it.
   */
  snapshot(): LogRecord[] {
    const records: LogRecord[] = []
    for (const [key, tombstone] of this.tombstones) records.push({ type: "remove", key, version: tombstone, reason: "delete" })
    for (const [key, e] of this.entries) {
      records.push({ type: "put", key, version: e.version, hash: e.hash, rawSize: e.rawSize, storedSize: e.storedSize })
    }
    records.push({ type: "watermark", maxVersion: this.maxVersion, floor: this.floor })
    return records
  }

  #dropTombstone(key: string): void {
    if (this.tombstones.delete(key)) this.liveRecordBytes -= encodedRecordSize("remove", key)
  }

  #see(version: Version): void {
    if (version > this.maxVersion) this.maxVersion = version
  }
}
