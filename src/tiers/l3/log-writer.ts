/**
 * Group commit for the index log.
 *
 * `append` queues records; one flush writes every queued record with a single positional write
 * and a single fsync, then runs each caller's `onDurable` step (in log order) and resolves it.
 * While a flush is in progress new records gather for the next one, so N concurrent puts cost
 * about one fsync per flush rather than N. A resolved promise means the record is durable.
 *
 * Failure: if the write or fsync fails, every caller in that batch is rejected and the log is cut
 * back to the last durable offset (ftruncate + fsync) so a record whose put was reported failed
 * cannot reappear on replay. If even that fails, the writer is *poisoned*: it rejects everything
 * until the store is reopened (replay then decides, from the checksums, what the log holds).
 */
import type { L3FileHandle } from "./fs.js"

interface Waiter {
  readonly onDurable: () => unknown
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
}

/** Counters that show group commit at work. */
export interface LogWriterStats {
  /** Batches written. */
  flushes: number
  /** fsync calls on the log (0 when fsync is disabled). */
  fsyncs: number
  /** Records written. */
  records: number
  /** Current log length in bytes. */
  logBytes: number
}

export interface LogWriterOptions {
  readonly handle: L3FileHandle
  /** Length of the valid log already on disk; appends start here. */
  readonly offset: number
  readonly fsync: boolean
  /** Runs before each batch is written (L3 uses it to fsync blob folders touched by renames). */
  readonly beforeFlush: () => Promise<void>
  /** Wraps an I/O failure into the error callers see. */
  readonly toError: (op: string, cause: unknown) => Error
}

export class LogWriter {
  #handle: L3FileHandle
  #offset: number
  readonly #options: LogWriterOptions
  #queue: { bytes: Uint8Array[]; waiters: Waiter[] } = { bytes: [], waiters: [] }
  #flushing: Promise<void> | undefined
  #exclusive: Promise<void> | undefined
  #poisoned: unknown
  #closed = false
  readonly stats: LogWriterStats

  constructor(options: LogWriterOptions) {
    this.#options = options
    this.#handle = options.handle
    this.#offset = options.offset
    this.stats = { flushes: 0, fsyncs: 0, records: 0, logBytes: options.offset }
  }

  /** True once a failed write could not be rolled back; every append then rejects. */
  get poisoned(): boolean {
    return this.#poisoned !== undefined
  }

  /** Refuse all further appends (used when the log file could not be switched after compaction). */
  poison(cause: unknown): void {
    this.#poisoned ??= cause
  }

  /** Length of the log in bytes. */
  get offset(): number {
    return this.#offset
  }

  /**
   * Queue `records` (written contiguously, in order). Resolves with `onDurable()`'s result once
   * they are durable; `onDurable` runs synchronously right after the fsync, in log order.
   */
  append<T>(records: readonly Uint8Array[], onDurable: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(this.#options.toError("append", new Error("index log is closed")))
    if (this.#poisoned !== undefined) return Promise.reject(this.#options.toError("append", this.#poisoned))
    return new Promise<T>((resolve, reject) => {
      this.#queue.bytes.push(...records)
      this.#queue.waiters.push({ onDurable, resolve: resolve as (v: unknown) => void, reject })
      this.#kick()
    })
  }

  /**
   * Run `fn` while no batch is being written (waits for the current one; queued records wait
   * for `fn`). `fn` may replace the file: it returns the handle and offset to continue with.
   */
  async exclusive(fn: (handle: L3FileHandle, offset: number) => Promise<{ handle: L3FileHandle; offset: number }>): Promise<void> {
    while (this.#exclusive !== undefined) await this.#exclusive
    let release!: () => void
    this.#exclusive = new Promise<void>((r) => (release = r))
    try {
      while (this.#flushing !== undefined) await this.#flushing
      const next = await fn(this.#handle, this.#offset)
      this.#handle = next.handle
      this.#offset = next.offset
      this.stats.logBytes = next.offset
    } finally {
      this.#exclusive = undefined
      release()
      this.#kick()
    }
  }

  /** Wait for everything queued so far, then close the handle. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    while (this.#flushing !== undefined || this.#exclusive !== undefined || this.#queue.waiters.length > 0) {
      if (this.#flushing !== undefined) await this.#flushing
      else if (this.#exclusive !== undefined) await this.#exclusive
      else this.#kick()
    }
    this.#closed = true
    await this.#handle.close()
  }

  #kick(): void {
    if (this.#flushing !== undefined || this.#exclusive !== undefined || this.#queue.waiters.length === 0) return
    this.#flushing = this.#flushAll().finally(() => {
      this.#flushing = undefined
      this.#kick()
    })
  }

  async #flushAll(): Promise<void> {
    while (this.#queue.waiters.length > 0 && this.#exclusive === undefined) {
      const batch = this.#queue
      this.#queue = { bytes: [], waiters: [] }
      if (this.#poisoned !== undefined) {
        const error = this.#options.toError("append", this.#poisoned)
        for (const w of batch.waiters) w.reject(error)
        continue
      }
      const data = concat(batch.bytes)
      try {
        await this.#options.beforeFlush()
        await this.#handle.write(data, this.#offset)
        if (this.#options.fsync) {
          await this.#handle.sync()
          this.stats.fsyncs++
        }
      } catch (cause) {
        await this.#rollBack(cause)
        const error = this.#options.toError("append", cause)
        for (const w of batch.waiters) w.reject(error)
        continue
      }
      this.#offset += data.byteLength
      this.stats.flushes++
      this.stats.records += batch.bytes.length
      this.stats.logBytes = this.#offset
      for (const w of batch.waiters) {
        try {
          w.resolve(w.onDurable())
        } catch (error) {
          w.reject(error)
        }
      }
    }
  }

  /** Cut a failed batch off the log so it cannot be replayed; poison the writer if that fails too. */
  async #rollBack(cause: unknown): Promise<void> {
    try {
      await this.#handle.truncate(this.#offset)
      if (this.#options.fsync) await this.#handle.sync()
    } catch {
      this.#poisoned = cause
    }
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]
  let length = 0
  for (const p of parts) length += p.byteLength
  const out = new Uint8Array(length)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}
