/** Without WebAssembly (as under `node --jitless`), the LZ4 compressor still works: every block goes to the TypeScript decoder and encoder, and compresses to the same bytes. */
import { afterEach, describe, expect, it, vi } from "vitest"

afterEach(() => {
  vi.unstubAllGlobals()
  vi.resetModules()
})

describe("LZ4 without WebAssembly", () => {
  it("round-trips and reports corrupt blocks through the TypeScript decoder", async () => {
    vi.resetModules()
    vi.stubGlobal("WebAssembly", undefined)
    const { decodeLz4, lz4WasmAvailable } = await import("../../../src/tiers/l2/lz4-decode-wasm.js")
    const { lz4EncodeWasmAvailable } = await import("../../../src/tiers/l2/lz4-encode-wasm.js")
    const { createLz4Compressor, CorruptBlock } = await import("../../../src/tiers/l2/index.js")
    expect(lz4WasmAvailable()).toBe(false)
    const input = new TextEncoder().encode(JSON.stringify({ messages: Array.from({ length: 50 }, (_, i) => ({ role: "user", text: `step ${i}` })) }))
    const block = createLz4Compressor().compress(input)
    expect(lz4EncodeWasmAvailable()).toBe(false)
    expect(Buffer.compare(decodeLz4(block), input)).toBe(0)
    expect(() => decodeLz4(block.subarray(0, block.length - 3))).toThrow(CorruptBlock)
  })

  it("compresses to the same bytes as with WebAssembly (the TypeScript encoder stands in)", async () => {
    const input = new TextEncoder().encode(JSON.stringify({ messages: Array.from({ length: 80 }, (_, i) => ({ role: i % 2 ? "user" : "assistant", text: `step ${i} read file ${i % 7}` })) }))
    vi.resetModules()
    const withWasm = await import("../../../src/tiers/l2/index.js")
    const { lz4EncodeWasmAvailable: before } = await import("../../../src/tiers/l2/lz4-encode-wasm.js")
    const expected = withWasm.createLz4Compressor().compress(input)
    expect(before()).toBe(true)
    vi.resetModules()
    vi.stubGlobal("WebAssembly", undefined)
    const { lz4EncodeWasmAvailable } = await import("../../../src/tiers/l2/lz4-encode-wasm.js")
    const { createLz4Compressor } = await import("../../../src/tiers/l2/index.js")
    const block = createLz4Compressor().compress(input)
    expect(lz4EncodeWasmAvailable()).toBe(false)
    expect(Buffer.compare(block, expected)).toBe(0)
    expect(block.length).toBeLessThan(input.length / 2)
  })

  it("is used when present", async () => {
    const { lz4WasmAvailable } = await import("../../../src/tiers/l2/lz4-decode-wasm.js")
    const { lz4EncodeWasmAvailable } = await import("../../../src/tiers/l2/lz4-encode-wasm.js")
    expect(lz4WasmAvailable()).toBe(true)
    expect(lz4EncodeWasmAvailable()).toBe(true)
  })
})
