/**
 * A file system for L3 that fails on purpose: write errors (EIO), a full disk (ENOSPC), torn
 * writes (half the bytes land, then an error), failed fsync and failed rename — each with a
 * probability drawn from a seeded PRNG, so a failing run replays exactly.
 */
import { nodeFileSystem, type L3FileHandle, type L3FileSystem } from "../src/tiers/l3/index.js"
import { Prng } from "../src/workload/prng.js"

export type WriteFault = "eio" | "enospc" | "torn" | "sync" | "rename"

/** A seeded uniform [0, 1) source (deterministic fault placement). */
export function prng(seed: number): () => number {
  const p = new Prng(seed)
  return () => p.next()
}

function fail(code: string): Error {
  return Object.assign(new Error(`injected ${code}`), { code })
}

export class FaultyFs implements L3FileSystem {
  /** Faults fire only while armed (recovery on reopen runs on a healthy disk). */
  armed = true
  injected = 0

  constructor(
    private readonly faults: readonly WriteFault[],
    private readonly probability: number,
    private readonly random: () => number,
    private readonly base: L3FileSystem = nodeFileSystem,
  ) {}

  private fires(kind: WriteFault): boolean {
    if (!this.armed || !this.faults.includes(kind) || this.random() >= this.probability) return false
    this.injected++
    return true
  }

  async open(path: string, mode: "create" | "existing"): Promise<L3FileHandle> {
    if (this.fires("enospc")) throw fail("ENOSPC")
    const h = await this.base.open(path, mode)
    return {
      write: async (data, position) => {
        if (this.fires("eio")) throw fail("EIO")
        if (this.fires("enospc")) throw fail("ENOSPC")
        if (this.fires("torn")) {
          await h.write(data.subarray(0, data.byteLength >> 1), position)
          throw fail("EIO")
        }
        return h.write(data, position)
      },
      sync: async () => {
        if (this.fires("sync")) throw fail("EIO")
        return h.sync()
      },
      truncate: (length) => h.truncate(length),
      close: () => h.close(),
    }
  }

  readFile(path: string): Promise<Uint8Array> {
    return this.base.readFile(path)
  }

  /** Reads pass through (the faults are on the write side); present so L3's synchronous small-blob read path is exercised too. */
  readFileSync(path: string, expectedSize: number): Uint8Array {
    const read = this.base.readFileSync
    if (read === undefined) throw new Error("the base file system has no synchronous read")
    return read.call(this.base, path, expectedSize)
  }

  async rename(from: string, to: string): Promise<void> {
    if (this.fires("rename")) throw fail("EIO")
    return this.base.rename(from, to)
  }

  unlink(path: string): Promise<void> {
    return this.base.unlink(path)
  }

  readdir(path: string): Promise<string[]> {
    return this.base.readdir(path)
  }

  mkdir(path: string): Promise<void> {
    return this.base.mkdir(path)
  }

  stat(path: string): Promise<{ readonly size: number; readonly isDirectory: boolean }> {
    return this.base.stat(path)
  }

  async syncDir(path: string): Promise<void> {
    if (this.fires("sync")) throw fail("EIO")
    return this.base.syncDir(path)
  }
}
