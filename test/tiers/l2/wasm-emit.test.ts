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

  /** Builds `(a, b) → i32` from `body` (2 params, 1 local) and returns it. */
  const build = (body: number[][]) => {
    const bytes = moduleBytes({ functionName: "f", memoryName: "m", params: 2, locals: 1, body })
    expect(wasm.validate(bytes)).toBe(true)
    return new wasm.Instance(new wasm.Module(bytes)).exports.f as (a: number, b: number) => number
  }

  it("select picks by a condition: (a, b) → a < b ? a : b", () => {
    const min = build([op.get(0), op.get(1), op.get(0), op.get(1), op.i32LtU(), op.select()])
    expect(min(3, 5)).toBe(3)
    expect(min(9, 2)).toBe(2)
  })

  it("i32 mul, or, xor, shl wrap like Math.imul and JavaScript's bit operators", () => {
    const f = build([op.get(0), op.get(1), op.i32Mul(), op.get(0), op.i32Const(4), op.i32Shl(), op.i32Or(), op.get(1), op.i32Xor()])
    for (const [a, b] of [[3, 5], [-1640531535, 123456789], [0x7fffffff, 2]]) expect(f(a, b)).toBe((Math.imul(a, b) | (a << 4)) ^ b)
  })

  it("loads and stores with a static offset address base + offset (the default offset 0 encodes as before)", () => {
    expect(op.i64Load()).toEqual([0x29, 0, 0])
    expect(op.i64Store(300)).toEqual([0x37, 0, 0xac, 0x02])
    // Store a at 1 + 7, b at 1 + 12 (16-bit); read back through other bases: i32 at 3 + 5, u16 at 10 + 3.
    const f = build([op.i32Const(1), op.get(0), op.i32Store(7), op.i32Const(1), op.get(1), op.i32Store16(12), op.i32Const(3), op.i32Load(5), op.i32Const(10), op.i32Load16u(3), op.i32Add()])
    expect(f(1000, 0x12345)).toBe(1000 + 0x2345)
    // An 8-byte move from 0 + 16 to 8 + 16, read back at 20 + 4.
    const g = build([op.i32Const(0), op.get(0), op.i32Store(16), op.i32Const(8), op.i32Const(0), op.i64Load(16), op.i64Store(16), op.i32Const(20), op.i32Load(4)])
    expect(g(-5, 0)).toBe(-5)
  })

  it("i32 store / store16 / load: a 16-bit store writes 2 bytes, unaligned accesses work", () => {
    const f = build([op.i32Const(1), op.get(0), op.i32Store(), op.i32Const(9), op.get(1), op.i32Store16(), op.i32Const(9), op.i32Load(), op.i32Const(1), op.i32Load(), op.i32Add()])
    expect(f(1000, 0x12345)).toBe(1000 + 0x2345)
  })

  it("i64 xor, eqz, ctz and wrap: the index of the lowest differing bit of two 8-byte loads (100 when equal)", () => {
    const f = build([
      op.i32Const(0), op.get(0), op.i32Store(), op.i32Const(8), op.get(1), op.i32Store(),
      op.i32Const(0), op.i64Load(), op.i32Const(8), op.i64Load(), op.i64Xor(), op.i64Eqz(),
      op.if(), op.i32Const(100), op.return(), op.end(),
      op.i32Const(0), op.i64Load(), op.i32Const(8), op.i64Load(), op.i64Xor(), op.i64Ctz(), op.i32WrapI64()
    ])
    expect(f(5, 5)).toBe(100)
    expect(f(1, 3)).toBe(1)
    expect(f(0x100, 0)).toBe(8)
    expect(f(0, -0x80000000)).toBe(31)
  })
})
