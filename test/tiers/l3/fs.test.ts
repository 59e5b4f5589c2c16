import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { isNotFound, nodeFileSystem } from "../../../src/tiers/l3/index.js"
import { randomBytes, removeTempDirs, tempDir } from "./helpers.js"

afterEach(removeTempDirs)

describe("nodeFileSystem.readFile with a size hint", () => {
  it("returns the whole file whether it is exactly, less or more than the hint", async () => {
    const file = join(tempDir(), "f")
    const bytes = randomBytes(5000, 1)
    writeFileSync(file, bytes)
    for (const hint of [undefined, 0, 1, 4999, 5000, 5001, 20_000]) {
      expect(Buffer.from(await nodeFileSystem.readFile(file, hint)).equals(bytes), `hint ${hint}`).toBe(true)
    }
    writeFileSync(file, new Uint8Array(0))
    expect((await nodeFileSystem.readFile(file, 10)).byteLength).toBe(0)
  })

  it("readFileSync returns the same whole file as readFile, whatever the hint", async () => {
    const file = join(tempDir(), "f")
    for (const size of [0, 1, 4096, 70_000]) {
      const bytes = randomBytes(size, size + 3)
      writeFileSync(file, bytes)
      for (const hint of [0, 1, size - 1, size, size + 1, 2 * size + 5]) {
        if (hint < 0) continue
        expect(Buffer.from(nodeFileSystem.readFileSync!(file, hint)).equals(bytes), `size ${size} hint ${hint}`).toBe(true)
        expect(Buffer.from(await nodeFileSystem.readFile(file, hint)).equals(bytes), `async, size ${size} hint ${hint}`).toBe(true)
      }
    }
  })

  it("readFileSync throws ENOENT for a missing file", () => {
    let error: unknown
    try {
      nodeFileSystem.readFileSync!(join(tempDir(), "missing"), 10)
    } catch (e) {
      error = e
    }
    expect(isNotFound(error)).toBe(true)
  })

  it("reading a folder fails with an error that is not ENOENT (sync and async)", async () => {
    const dir = tempDir()
    let syncError: unknown
    try {
      nodeFileSystem.readFileSync!(dir, 10)
    } catch (e) {
      syncError = e
    }
    const asyncError = await nodeFileSystem.readFile(dir, 10).catch((e: unknown) => e)
    for (const error of [syncError, asyncError]) {
      expect(error).toBeInstanceOf(Error)
      expect(isNotFound(error)).toBe(false)
    }
  })

  it("reports a missing file as ENOENT", async () => {
    const error = await nodeFileSystem.readFile(join(tempDir(), "missing"), 10).catch((e: unknown) => e)
    expect(isNotFound(error)).toBe(true)
  })

  it("open('existing') fails with ENOENT and open('create') truncates", async () => {
    const dir = tempDir()
    mkdirSync(join(dir, "sub"))
    expect(isNotFound(await nodeFileSystem.open(join(dir, "sub", "nope"), "existing").catch((e: unknown) => e))).toBe(true)
    const path = join(dir, "sub", "f")
    writeFileSync(path, randomBytes(100))
    const handle = await nodeFileSystem.open(path, "create")
    await handle.write(randomBytes(10, 2), 0)
    await handle.sync()
    await handle.close()
    expect(Buffer.from(await nodeFileSystem.readFile(path)).equals(randomBytes(10, 2))).toBe(true)
  })
})
