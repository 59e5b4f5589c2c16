/**
 * The file-system calls L3 makes, behind a small injectable interface.
 *
 * Tests wrap it to inject faults (failed or torn writes, bit flips, ENOSPC, missing files) and to
 * control ordering. Implementations signal a missing file by rejecting with an error whose
 * `code` is `"ENOENT"` (as node:fs does); every other rejection is treated as an I/O failure and
 * surfaces from L3 as a `StorageError`.
 */
import * as fs from "node:fs"
import * as fsp from "node:fs/promises"

/** An open file used for positional writes (the index log, a blob being written). */
export interface L3FileHandle {
  /** Write all of `data` at byte `position`. */
  write(data: Uint8Array, position: number): Promise<void>
  /** fsync: the written bytes (and the size) are durable when this resolves. */
  sync(): Promise<void>
  /** Cut (or extend) the file to `length` bytes. */
  truncate(length: number): Promise<void>
  close(): Promise<void>
}

export interface L3FileSystem {
  /**
   * Open for writing. `"create"` creates or truncates the file (O_CREAT | O_TRUNC); `"existing"`
   * opens it without truncating and fails with ENOENT if it is missing.
   */
  open(path: string, mode: "create" | "existing"): Promise<L3FileHandle>
  /**
   * Whole-file read. `expectedSize` is a hint (the index knows every blob's size): an
   * implementation may use it to read in one call, but must still return the whole file when
   * it is longer or shorter than expected.
   */
  readFile(path: string, expectedSize?: number): Promise<Uint8Array>
  /**
   * Optional synchronous whole-file read, same contract as `readFile` (errors are thrown instead
   * of rejected). L3 uses it for blobs of at most `syncReadMaxBytes` (see `OpenL3Options`): a warm
   * small read blocks the event loop for a few µs, far less than the thread-pool round trips of
   * an asynchronous read. Implementations without it (fault-injecting wrappers, remote stores)
   * get every read through `readFile`.
   */
  readFileSync?(path: string, expectedSize: number): Uint8Array
  /** Atomic replace of `to` by `from` (POSIX rename). */
  rename(from: string, to: string): Promise<void>
  unlink(path: string): Promise<void>
  /** Names in a directory (not paths). */
  readdir(path: string): Promise<string[]>
  /** Create a directory and its parents; no error if it exists. */
  mkdir(path: string): Promise<void>
  stat(path: string): Promise<{ readonly size: number; readonly isDirectory: boolean }>
  /** fsync a directory so renames / creations inside it are durable. */
  syncDir(path: string): Promise<void>
}

/** True when `error` means "no such file or directory". */
export function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "ENOENT"
}

class NodeFileHandle implements L3FileHandle {
  constructor(private readonly handle: fsp.FileHandle) {}

  async write(data: Uint8Array, position: number): Promise<void> {
    let written = 0
    // A positional write may be short (e.g. near a full disk); loop until everything is written.
    while (written < data.byteLength) {
      const { bytesWritten } = await this.handle.write(data, written, data.byteLength - written, position + written)
      if (bytesWritten === 0) throw Object.assign(new Error("write wrote 0 bytes"), { code: "EIO" })
      written += bytesWritten
    }
  }

  sync(): Promise<void> {
    return this.handle.sync()
  }

  truncate(length: number): Promise<void> {
    return this.handle.truncate(length)
  }

  close(): Promise<void> {
    return this.handle.close()
  }
}

/** The default implementation on node:fs/promises. */
export const nodeFileSystem: L3FileSystem = {
  async open(path, mode) {
    return new NodeFileHandle(await fsp.open(path, mode === "create" ? "w" : "r+"))
  },
  async readFile(path, expectedSize) {
    if (expectedSize === undefined) {
      const buffer = await fsp.readFile(path)
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    }
    return readSized(path, expectedSize)
  },
  readFileSync: readSizedSync,
  rename: (from, to) => fsp.rename(from, to),
  unlink: (path) => fsp.unlink(path),
  readdir: (path) => fsp.readdir(path),
  async mkdir(path) {
    await fsp.mkdir(path, { recursive: true })
  },
  async stat(path) {
    const s = await fsp.stat(path)
    return { size: s.size, isDirectory: s.isDirectory() }
  },
  async syncDir(path) {
    const handle = await fsp.open(path, "r")
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  }
}

/**
 * open + positional read(s) into a buffer of the expected size, then close in the background:
 * two thread-pool round trips where fs.readFile makes five (open / fstat / read / read-to-EOF /
 * close), and no FileHandle object. One byte more than expected is requested so a longer file is
 * noticed; for a regular file a short read means end of file, so no extra read confirms it.
 * Closing a read-only descriptor cannot lose data, so the caller does not wait for it.
 */
function readSized(path: string, expectedSize: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    fs.open(path, "r", (openError, fd) => {
      if (openError !== null) return reject(openError)
      const finish = (error: Error | null, bytes?: Uint8Array) => {
        fs.close(fd, ignoreCloseError)
        if (error !== null) reject(error)
        else resolve(bytes!)
      }
      let buffer: Uint8Array = new Uint8Array(expectedSize + 1)
      let length = 0
      const readMore = () => {
        const want = buffer.length - length
        fs.read(fd, buffer, length, want, length, (readError, bytesRead) => {
          if (readError !== null) return finish(readError)
          length += bytesRead
          if (bytesRead < want) return finish(null, buffer.subarray(0, length))
          buffer = grow(buffer)
          readMore()
        })
      }
      readMore()
    })
  })
}

/** {@link readSized} without the thread pool: open, read, close on the calling thread. */
function readSizedSync(path: string, expectedSize: number): Uint8Array {
  const fd = fs.openSync(path, "r")
  try {
    let buffer: Uint8Array = new Uint8Array(expectedSize + 1)
    let length = 0
    for (;;) {
      const want = buffer.length - length
      const bytesRead = fs.readSync(fd, buffer, length, want, length)
      length += bytesRead
      if (bytesRead < want) return buffer.subarray(0, length)
      buffer = grow(buffer)
    }
  } finally {
    fs.closeSync(fd)
  }
}

function grow(buffer: Uint8Array): Uint8Array<ArrayBuffer> {
  const bigger = new Uint8Array(buffer.length * 2)
  bigger.set(buffer)
  return bigger
}

function ignoreCloseError(): void {}
