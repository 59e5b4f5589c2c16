/** Shared helpers for the L3 tests: temp folders, deterministic bytes, a fault-injecting file system. */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { nodeFileSystem, type L3FileHandle, type L3FileSystem } from "../../../src/tiers/l3/index.js"

const made: string[] = []

/** A fresh folder under the OS temp dir; removed by `removeTempDirs`. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tiercache-l3-"))
  made.push(dir)
  return dir
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** Incompressible deterministic bytes (xorshift32). */
export function randomBytes(length: number, seed = 1): Uint8Array {
  let x = (seed * 2654435761) >>> 0 || 1
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

/** Compressible deterministic bytes. */
export function textBytes(length: number, seed = 0): Uint8Array {
  const unit = new TextEncoder().encode(`{"seed":${seed},"msg":"agent state, much repeated text"},`)
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = unit[i % unit.length]
  return out
}

export type FsOp = "open" | "write" | "sync" | "truncate" | "close" | "readFile" | "rename" | "unlink" | "readdir" | "mkdir" | "stat" | "syncDir"

/**
 * Wraps the real file system; `fault` may throw (to fail a call) or return replacement bytes
 * for `readFile`. Counts every call per op and path kind.
 */
export class FaultyFs implements L3FileSystem {
  readonly calls: { op: FsOp; path: string }[] = []
  fault: ((op: FsOp, path: string) => void) | undefined
  /** Transform bytes returned by readFile (e.g. flip a bit). */
  onRead: ((path: string, bytes: Uint8Array) => Uint8Array) | undefined

  /** Present only when the wrapped file system has it, so the store's choice of read path is unchanged. */
  readonly readFileSync: ((path: string, expectedSize: number) => Uint8Array) | undefined

  constructor(private readonly inner: L3FileSystem = nodeFileSystem) {
    const readSync = inner.readFileSync?.bind(inner)
    this.readFileSync =
      readSync &&
      ((path, expectedSize) => {
        this.#hit("readFile", path)
        const bytes = readSync(path, expectedSize)
        return this.onRead ? this.onRead(path, bytes) : bytes
      })
  }

  count(op: FsOp, pathPart = ""): number {
    return this.calls.filter((c) => c.op === op && c.path.includes(pathPart)).length
  }

  #hit(op: FsOp, path: string): void {
    this.calls.push({ op, path })
    this.fault?.(op, path)
  }

  async open(path: string, mode: "create" | "existing"): Promise<L3FileHandle> {
    this.#hit("open", path)
    const handle = await this.inner.open(path, mode)
    const hit = (op: FsOp) => this.#hit(op, path)
    return {
      write: async (data, position) => {
        hit("write")
        await handle.write(data, position)
      },
      sync: async () => {
        hit("sync")
        await handle.sync()
      },
      truncate: async (length) => {
        hit("truncate")
        await handle.truncate(length)
      },
      close: async () => {
        // Release the real descriptor even when a fault is injected (a failed close(2) frees it too).
        await handle.close()
        hit("close")
      }
    }
  }
  async readFile(path: string, expectedSize?: number): Promise<Uint8Array> {
    this.#hit("readFile", path)
    const bytes = await this.inner.readFile(path, expectedSize)
    return this.onRead ? this.onRead(path, bytes) : bytes
  }
  async rename(from: string, to: string): Promise<void> {
    this.#hit("rename", from)
    await this.inner.rename(from, to)
  }
  async unlink(path: string): Promise<void> {
    this.#hit("unlink", path)
    await this.inner.unlink(path)
  }
  async readdir(path: string): Promise<string[]> {
    this.#hit("readdir", path)
    return this.inner.readdir(path)
  }
  async mkdir(path: string): Promise<void> {
    this.#hit("mkdir", path)
    await this.inner.mkdir(path)
  }
  async stat(path: string): Promise<{ size: number; isDirectory: boolean }> {
    this.#hit("stat", path)
    return this.inner.stat(path)
  }
  async syncDir(path: string): Promise<void> {
    this.#hit("syncDir", path)
    await this.inner.syncDir(path)
  }
}

/** An error shaped like node's, with an errno code. */
export function fsError(code: string): Error {
  return Object.assign(new Error(`${code}: injected fault`), { code })
}
