/** The WebAssembly binary writer behind L2's LZ4 decoder: LEB128 encodings (the spec's examples) and a module that validates and runs. */
import { describe, expect, it } from "vitest"
import { moduleBytes, op, sleb, uleb } from "../../../src/tiers/l2/wasm-emit.js"

const wasm = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean; Module: new (b: Uint8Array) => object; Instance: new (m: object) => { exports: Record<string, unknown> } } }).WebAssembly

describe("wasm-emit", () => {
  it("encodes unsigned and signed LEB128", () => {
    expect(uleb(0)).toEqual([0])
    expect(uleb(127)).toEqual([0x7f])
    expect(uleb(128)).toEqual([0x80, 0x01])
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26])
    expect(sleb(0)).toEqual([0])
    expect(sleb(63)).toEqual([0x3f])
    expect(sleb(64)).toEqual([0xc0, 0x00])
    expect(sleb(-1)).toEqual([0x7f])
    expect(sleb(-64)).toEqual([0x40])
    expect(sleb(-65)).toEqual([0xbf, 0x7f])
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78])
  })

  it("builds a module that validates and runs: (a, b) → a - b, with a negative constant", () => {
    const bytes = moduleBytes({ functionName: "f", memoryName: "m", params: 2, locals: 1, body: [op.get(0), op.get(1), op.i32Sub(), op.i32Const(-1000), op.i32Add()] })
    expect(wasm.validate(bytes)).toBe(true)
    const f = new wasm.Instance(new wasm.Module(bytes)).exports.f as (a: number, b: number) => number
    expect(f(5000, 3)).toBe(3997)
  })
})
