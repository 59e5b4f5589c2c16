/**
 * The L3 index log writer on an in-memory file: group commit order, close waiting for in-flight
 * and exclusive work, appends after close, poisoning, and roll-back without fsync.
 */
import { describe, expect, it } from "vitest"
import type { L3FileHandle } from "../../../src/tiers/l3/fs.js"
import { LogWriter } from "../../../src/tiers/l3/log-writer.js"

/** A file in memory; `gate` (when set) holds every write until released; `failWrite` fails the next write. */
class MemoryFile implements L3FileHandle {
  bytes = new Uint8Array(0)
  readonly calls: string[] = []
  gate: Promise<void> | undefined
  failWrite: Error | undefined
  failTruncate: Error | undefined
  closed = false

  async write(data: Uint8Array, position: number): Promise<void> {
    this.calls.push(`write ${data.byteLength}@${position}`)
    await this.gate
    if (this.failWrite !== undefined) {
      const e = this.failWrite
      this.failWrite = undefined
      // A partial write reached the file before the failure.
      this.resize(position + 1)
      throw e
    }
    this.resize(Math.max(this.bytes.byteLength, position + data.byteLength))
    this.bytes.set(data, position)
  }
  async sync(): Promise<void> {
    this.calls.push("sync")
  }
  async truncate(length: number): Promise<void> {
    this.calls.push(`truncate ${length}`)
    if (this.failTruncate !== undefined) throw this.failTruncate
    this.resize(length)
  }
  async close(): Promise<void> {
    this.calls.push("close")
    this.closed = true
  }
  private resize(length: number): void {
    const next = new Uint8Array(length)
    next.set(this.bytes.subarray(0, Math.min(length, this.bytes.byteLength)))
    this.bytes = next
  }
}

function deferred(): { promise: Promise<void>; release: () => void } {
  let release!: () => void
  const promise = new Promise<void>((r) => (release = r))
  return { promise, release }
}

function writer(file: MemoryFile, fsync = false): LogWriter {
  return new LogWriter({
    handle: file,
    offset: 0,
    fsync,
    beforeFlush: async () => undefined,
    toError: (op, cause) => new Error(`${op}: ${cause instanceof Error ? cause.message : String(cause)}`),
  })
}

const rec = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes)

describe("LogWriter", () => {
  it("batches records queued while a write is in flight into one group commit, in order", async () => {
    const file = new MemoryFile()
    const log = writer(file, true)
    const gate = deferred()
    file.gate = gate.promise
    const order: string[] = []
    const a = log.append([rec(1)], () => order.push("a"))
    const b = log.append([rec(2), rec(3)], () => order.push("b"))
    const c = log.append([rec(4)], () => order.push("c"))
    gate.release()
    await Promise.all([a, b, c])
    expect(order).toEqual(["a", "b", "c"])
    expect(Array.from(file.bytes)).toEqual([1, 2, 3, 4])
    expect(log.stats).toEqual({ flushes: 2, fsyncs: 2, records: 4, logBytes: 4 })
  })

  it("close waits for the batch in flight, then closes; appends after close reject; close is idempotent", async () => {
    const file = new MemoryFile()
    const log = writer(file)
    const gate = deferred()
    file.gate = gate.promise
    const durable = log.append([rec(7, 7)], () => "durable")
    const closing = log.close()
    expect(file.closed).toBe(false)
    gate.release()
    await closing
    expect(await durable).toBe("durable")
    expect(file.closed).toBe(true)
    expect(Array.from(file.bytes)).toEqual([7, 7])
    await expect(log.append([rec(1)], () => undefined)).rejects.toThrow("append: index log is closed")
    await log.close()
    expect(file.calls.filter((c) => c === "close")).toHaveLength(1)
  })

  it("close waits for exclusive work and for the records queued behind it", async () => {
    const file = new MemoryFile()
    const log = writer(file)
    const inside = deferred()
    const exclusive = log.exclusive(async (handle, offset) => {
      await inside.promise
      return { handle, offset }
    })
    const queued = log.append([rec(9)], () => "queued")
    const closing = log.close()
    await Promise.resolve()
    expect(file.calls).toEqual([]) // nothing written while exclusive runs
    inside.release()
    await Promise.all([exclusive, closing])
    expect(await queued).toBe("queued")
    expect(file.calls).toEqual(["write 1@0", "close"])
  })

  it("a failed write is rolled back by truncate (no fsync when fsync is off) and the next append still works", async () => {
    const file = new MemoryFile()
    const log = writer(file)
    await log.append([rec(1)], () => undefined)
    file.failWrite = new Error("EIO")
    await expect(log.append([rec(2, 2)], () => undefined)).rejects.toThrow("append: EIO")
    expect(file.calls).toEqual(["write 1@0", "write 2@1", "truncate 1"])
    expect(log.poisoned).toBe(false)
    await log.append([rec(3)], () => undefined)
    expect(Array.from(file.bytes)).toEqual([1, 3])
  })

  it("a failed roll-back poisons the writer: queued and later appends reject with the first cause", async () => {
    const file = new MemoryFile()
    const log = writer(file)
    const gate = deferred()
    file.gate = gate.promise
    file.failWrite = new Error("EIO")
    file.failTruncate = new Error("EROFS")
    const first = log.append([rec(1)], () => undefined)
    const queued = log.append([rec(2)], () => undefined) // waits behind the failing batch
    gate.release()
    await expect(first).rejects.toThrow("append: EIO")
    await expect(queued).rejects.toThrow("append: EIO")
    expect(log.poisoned).toBe(true)
    await expect(log.append([rec(3)], () => undefined)).rejects.toThrow("append: EIO")
    expect(file.calls.filter((c) => c.startsWith("write"))).toHaveLength(1)
  })

  it("poison() refuses further appends; an onDurable that throws rejects only its own append", async () => {
    const file = new MemoryFile()
    const log = writer(file)
    const bad = log.append([rec(1)], () => {
      throw new Error("listener failed")
    })
    const good = log.append([rec(2)], () => "ok")
    await expect(bad).rejects.toThrow("listener failed")
    expect(await good).toBe("ok")
    log.poison(new Error("switch failed"))
    await expect(log.append([rec(3)], () => undefined)).rejects.toThrow("append: switch failed")
  })
})
