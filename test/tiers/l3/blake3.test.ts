/**
 * The WASM BLAKE3 backend must produce exactly @noble's digests: blob names and index hashes
 * written before the switch (by @noble) have to keep verifying.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { blake3 } from "@noble/hashes/blake3.js"
import type { IHasher } from "hash-wasm"
import { afterEach, describe, expect, it } from "vitest"
import { LOG_FILE, blake3Backend, blake3Ready, hashBytes, openL3 } from "../../../src/tiers/l3/index.js"
import { loadBlake3, nobleBlake3 } from "../../../src/tiers/l3/blake3.js"
import { bytesToHex, encodeRecord } from "../../../src/tiers/l3/record.js"
import { randomBytes, removeTempDirs, tempDir } from "./helpers.js"

afterEach(removeTempDirs)

const nobleHex = (bytes: Uint8Array) => bytesToHex(blake3(bytes))
const utf8 = (s: string) => new TextEncoder().encode(s)

/** Lengths around BLAKE3's 64-byte block and 1024-byte chunk edges, and hash-wasm's buffer sizes. */
const LENGTHS = [0, 1, 63, 64, 65, 1023, 1024, 1025, 2048, 2049, 3072, 4095, 4096, 4097, 8193, 16_384, 65_536, 65_537, 1 << 20, (1 << 20) + 3]

describe("BLAKE3 backends", () => {
  it("the WASM backend loads here and is what hashBytes uses once ready", async () => {
    expect((await blake3Ready()).backend).toBe("wasm")
    expect(blake3Backend()).toBe("wasm")
  })

  it("WASM digests equal @noble's for every length and for views at odd offsets", async () => {
    const wasm = await loadBlake3()
    expect(wasm.backend).toBe("wasm")
    for (const length of LENGTHS) {
      const bytes = randomBytes(length, length + 1)
      expect(wasm.hex(bytes), `length ${length}`).toBe(nobleHex(bytes))
      expect(hashBytes(bytes), `hashBytes, length ${length}`).toBe(nobleHex(bytes))
      // verifyBlob hashes `file.subarray(1)`: a view that does not start at offset 0.
      const backing = randomBytes(length + 7, length + 2)
      const view = backing.subarray(3, 3 + length)
      expect(wasm.hex(view), `view, length ${length}`).toBe(nobleHex(view.slice()))
    }
  })

  it("both backends give the published digests of '' and 'abc'", async () => {
    const wasm = await loadBlake3()
    for (const backend of [wasm, nobleBlake3]) {
      expect(backend.hex(utf8(""))).toBe("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")
      expect(backend.hex(utf8("abc"))).toBe("6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85")
    }
  })

  it("a reused hasher does not carry state from one digest to the next", async () => {
    const wasm = await loadBlake3()
    const a = randomBytes(5000, 1)
    const b = randomBytes(10, 2)
    const first = wasm.hex(a)
    expect(wasm.hex(b)).toBe(nobleHex(b))
    expect(wasm.hex(a)).toBe(first)
  })

  it("falls back to @noble when WASM cannot be created", async () => {
    const backend = await loadBlake3(() => Promise.reject(new Error("WebAssembly disabled")))
    expect(backend.backend).toBe("noble")
    const bytes = randomBytes(4096, 3)
    expect(backend.hex(bytes)).toBe(nobleHex(bytes))
  })

  it("falls back to @noble, with the right digest, when the WASM hasher throws mid-hash", async () => {
    const failing = { init: () => failing, update: () => { throw new RangeError("memory growth refused") }, digest: () => "" } as unknown as IHasher
    const backend = await loadBlake3(async () => failing)
    const bytes = randomBytes(4096, 4)
    expect(backend.hex(bytes)).toBe(nobleHex(bytes))
    expect(backend.hex(bytes)).toBe(nobleHex(bytes))
  })

  it("blobs on disk are named by the same digest @noble computes (old stores stay readable)", async () => {
    const dir = tempDir()
    const l3 = await openL3({ dir, maxBytes: 1 << 24 })
    const value = randomBytes(4096, 5)
    await l3.put("k", value, 1)
    const want = nobleHex(value)
    expect(readdirSync(join(dir, "blobs", want.slice(0, 2)))).toEqual([want.slice(2)])
    expect((await l3.get("k"))!.bytes).toEqual(value)
    await l3.close()
  })

  it("a store written with @noble's hashes (before the WASM switch) opens and verifies", async () => {
    // Built by hand, without hashBytes: blob file = format byte 0 + raw bytes, named by @noble's digest.
    const dir = tempDir()
    const values = [randomBytes(4096, 6), randomBytes(1, 7), randomBytes(70_000, 8)]
    const log: Uint8Array[] = []
    values.forEach((value, i) => {
      const hash = nobleHex(value)
      mkdirSync(join(dir, "blobs", hash.slice(0, 2)), { recursive: true })
      writeFileSync(join(dir, "blobs", hash.slice(0, 2), hash.slice(2)), Buffer.concat([Buffer.from([0]), value]))
      log.push(encodeRecord({ type: "put", key: `k${i}`, version: i + 1, hash, rawSize: value.byteLength, storedSize: value.byteLength + 1 }))
    })
    writeFileSync(join(dir, LOG_FILE), Buffer.concat(log))
    const l3 = await openL3({ dir, maxBytes: 1 << 24 })
    for (let i = 0; i < values.length; i++) expect((await l3.get(`k${i}`))?.bytes, `k${i}`).toEqual(values[i])
    expect(l3.counters.quarantined).toBe(0)
    await l3.close()
  })
})
