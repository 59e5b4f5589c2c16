/**
 * Corruption: damaged blobs and a damaged index are detected, never returned, and quarantined.
 */
import { existsSync, readFileSync, readdirSync, statSync, truncateSync, unlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { LOG_FILE, blobPath, hashBytes, openL3, type OpenL3Options } from "../../../src/tiers/l3/index.js"
import { FaultyFs, randomBytes, removeTempDirs, tempDir, textBytes } from "./helpers.js"

afterEach(removeTempDirs)

function open(dir: string, extra: Partial<OpenL3Options> = {}) {
  return openL3({ dir, maxBytes: 1 << 24, ...extra })
}

function flipBit(path: string, byteIndex: number, bit = 0): void {
  const bytes = readFileSync(path)
  bytes[byteIndex] ^= 1 << bit
  writeFileSync(path, bytes)
}

const quarantined = (dir: string) => readdirSync(join(dir, "quarantine"))

/** Store `value` under `key`, close, damage its blob with `damage`, reopen. */
async function damagedWith(value: Uint8Array, damage: (blobFile: string) => void, extra: Partial<OpenL3Options> = {}) {
  const dir = tempDir()
  let l3 = await open(dir, extra)
  await l3.put("k", value, 1)
  await l3.put("healthy", randomBytes(64, 99), 2)
  await l3.close()
  const file = join(dir, blobPath(hashBytes(value)))
  damage(file)
  l3 = await open(dir, extra)
  return { dir, l3, file }
}

/** Blob reads go through the synchronous small-file path by default; 0 forces the async one. */
const READ_PATHS: [string, Partial<OpenL3Options>][] = [
  ["sync read", {}],
  ["async read", { syncReadMaxBytes: 0 }]
]

describe.each(READ_PATHS)("L3 blob corruption (%s)", (_readPath, readOptions) => {
  function open(dir: string, extra: Partial<OpenL3Options> = {}) {
    return openL3({ dir, maxBytes: 1 << 24, ...readOptions, ...extra })
  }
  const damaged = (value: Uint8Array, damage: (blobFile: string) => void, extra: Partial<OpenL3Options> = {}) => damagedWith(value, damage, { ...readOptions, ...extra })

  const cases: [string, Uint8Array, (file: string) => void][] = [
    ["a flipped bit in a raw blob", randomBytes(4096, 1), (f) => flipBit(f, 2000, 3)],
    ["a flipped bit in the last byte", randomBytes(100, 2), (f) => flipBit(f, statSync(f).size - 1, 7)],
    ["a flipped format byte", randomBytes(100, 3), (f) => flipBit(f, 0, 1)],
    ["a flipped bit inside a compressed blob", textBytes(20_000, 4), (f) => flipBit(f, 40, 2)],
    ["a truncated blob", randomBytes(4096, 5), (f) => truncateSync(f, 1000)],
    ["an empty blob", randomBytes(10, 6), (f) => truncateSync(f, 0)],
    ["a blob with bytes appended", randomBytes(100, 7), (f) => writeFileSync(f, Buffer.concat([readFileSync(f), Buffer.from([1])]))],
    ["a blob replaced by another value's bytes of the same size", randomBytes(100, 8), (f) => writeFileSync(f, Buffer.concat([Buffer.from([0]), randomBytes(100, 9)]))]
  ]

  for (const [name, value, damage] of cases) {
    it(`${name}: detected, never returned, quarantined, entry dropped durably`, async () => {
      const { dir, l3, file } = await damaged(value, damage, { compressThreshold: 1024 })
      expect(await l3.get("k")).toBeUndefined()
      expect(l3.counters.quarantined).toBe(1)
      expect(l3.has("k")).toBe(false)
      expect(existsSync(file)).toBe(false)
      expect(quarantined(dir)).toHaveLength(1)
      expect(quarantined(dir)[0].startsWith(hashBytes(value))).toBe(true)
      // Unrelated entries are untouched.
      expect((await l3.get("healthy"))!.bytes).toEqual(randomBytes(64, 99))
      // A fresh put of the same value writes a fresh, good blob.
      expect(await l3.put("k", value, 3)).toBe(true)
      expect((await l3.get("k"))!.bytes).toEqual(value)
      await l3.close()
      const again = await open(dir, { compressThreshold: 1024 })
      expect((await again.get("k"))!.bytes).toEqual(value)
      await again.close()
    })
  }

  it("a missing blob file is a miss; the entry is dropped and stays dropped after reopen", async () => {
    const { dir, l3, file } = await damaged(randomBytes(300, 1), (f) => unlinkSync(f))
    expect(existsSync(file)).toBe(false)
    expect(await l3.get("k")).toBeUndefined()
    expect(l3.counters.quarantined).toBe(1)
    expect(l3.has("k")).toBe(false)
    await l3.close()
    const again = await open(dir)
    expect(again.has("k")).toBe(false)
    expect(await again.get("k")).toBeUndefined()
    await again.close()
  })

  it("every key sharing a corrupt blob is dropped", async () => {
    const dir = tempDir()
    let l3 = await open(dir)
    const value = randomBytes(500, 1)
    await l3.put("a", value, 1)
    await l3.put("b", value, 2)
    await l3.close()
    flipBit(join(dir, blobPath(hashBytes(value))), 100)
    l3 = await open(dir)
    const [a, b] = await Promise.all([l3.get("a"), l3.get("b")])
    expect(a).toBeUndefined()
    expect(b).toBeUndefined()
    expect(l3.counters.quarantined).toBe(1)
    expect(l3.size).toBe(0)
    await l3.close()
  })

  it("bytes damaged on the way from disk (injected at read) are never returned", async () => {
    const dir = tempDir()
    const fs = new FaultyFs()
    const l3 = await open(dir, { fs })
    const values = Array.from({ length: 30 }, (_, i) => (i % 2 ? textBytes(5000 + i, i) : randomBytes(50 + i * 10, i)))
    for (let i = 0; i < values.length; i++) await l3.put(`k${i}`, values[i], i + 1)
    let seed = 7
    fs.onRead = (path, bytes) => {
      if (!path.includes("/blobs/")) return bytes
      seed = (seed * 1103515245 + 12345) >>> 0
      const copy = bytes.slice()
      const at = seed % Math.max(1, copy.length)
      if (copy.length > 0) copy[at] ^= 1 << (seed >>> 29)
      return copy
    }
    for (let i = 0; i < values.length; i++) expect(await l3.get(`k${i}`)).toBeUndefined()
    expect(l3.counters.quarantined).toBe(values.length)
    expect(l3.counters.hits).toBe(0)
    await l3.close()
  })
})

describe("L3 index corruption", () => {
  async function storeTen(dir: string) {
    const l3 = await open(dir)
    for (let i = 1; i <= 10; i++) await l3.put(`k${i}`, randomBytes(40, i), i)
    await l3.close()
  }

  it("a flipped bit in the last record is detected by its checksum and cut off", async () => {
    const dir = tempDir()
    await storeTen(dir)
    const log = join(dir, LOG_FILE)
    const size = statSync(log).size
    flipBit(log, size - 3)
    const l3 = await open(dir)
    expect(l3.stats.tornBytesTruncated).toBeGreaterThan(0)
    expect(statSync(log).size).toBeLessThan(size)
    expect(l3.has("k10")).toBe(false)
    for (let i = 1; i <= 9; i++) expect((await l3.get(`k${i}`))!.bytes).toEqual(randomBytes(40, i))
    await l3.close()
  })

  it("a damaged length field in the middle stops replay there; nothing wrong is ever returned", async () => {
    const dir = tempDir()
    await storeTen(dir)
    const log = join(dir, LOG_FILE)
    const bytes = readFileSync(log)
    const recordLength = 8 + bytes.readUInt32LE(0)
    bytes.writeUInt32LE(0xffff, recordLength * 4) // the fifth record's length
    writeFileSync(log, bytes)
    const l3 = await open(dir)
    expect(l3.size).toBe(4)
    for (let i = 1; i <= 10; i++) {
      const got = await l3.get(`k${i}`)
      if (got !== undefined) expect(got).toEqual({ bytes: randomBytes(40, i), version: i })
    }
    // Blobs of the cut-off records are orphans now and were removed.
    expect(l3.stats.orphansRemoved).toBe(6)
    await l3.close()
  })

  it("a log of pure garbage opens as an empty store", async () => {
    const dir = tempDir()
    await storeTen(dir)
    writeFileSync(join(dir, LOG_FILE), randomBytes(5000, 3))
    const l3 = await open(dir)
    expect(l3.size).toBe(0)
    expect(l3.stats.tornBytesTruncated).toBe(5000)
    expect(await l3.put("new", randomBytes(5), 1)).toBe(true)
    await l3.close()
  })
})
