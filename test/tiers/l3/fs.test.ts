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
