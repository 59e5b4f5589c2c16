/** Without WebAssembly (as under `node --jitless`), the LZ4 compressor still works: every block goes to the TypeScript decoder. */
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
    const { createLz4Compressor, CorruptBlock } = await import("../../../src/tiers/l2/index.js")
    expect(lz4WasmAvailable()).toBe(false)
    const input = new TextEncoder().encode(JSON.stringify({ messages: Array.from({ length: 50 }, (_, i) => ({ role: "user", text: `step ${i}` })) }))
    const block = createLz4Compressor().compress(input)
    expect(Buffer.compare(decodeLz4(block), input)).toBe(0)
    expect(() => decodeLz4(block.subarray(0, block.length - 3))).toThrow(CorruptBlock)
  })

  it("is used when present", async () => {
    const { lz4WasmAvailable } = await import("../../../src/tiers/l2/lz4-decode-wasm.js")
    expect(lz4WasmAvailable()).toBe(true)
  })
})
