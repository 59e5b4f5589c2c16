/**
 * A minimal WebAssembly binary writer: just enough to build a module with one memory and one
 * i32 function from an instruction list written in TypeScript (see lz4-decode-wasm.ts, lz4-encode-wasm.ts), so the
 * repository holds readable source for the module instead of an opaque binary.
 *
 * Only the instructions L2's LZ4 decoder and encoder use are defined. Encodings follow the WebAssembly core
 * specification (binary format, sections 5.2–5.5); `memory.copy` is from the bulk-memory
 * proposal, part of the standard and enabled in Node 20.
 */

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = []
  do {
    let byte = value & 0x7f
    value = Math.floor(value / 128)
    if (value !== 0) byte |= 0x80
    out.push(byte)
  } while (value !== 0)
  return out
}

/** Signed LEB128 (32-bit range). */
export function sleb(value: number): number[] {
  const out: number[] = []
  for (;;) {
    const byte = value & 0x7f
    value >>= 7
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)
    out.push(done ? byte : byte | 0x80)
    if (done) return out
  }
}

const I32 = 0x7f
const EMPTY_BLOCK = 0x40

/** Instructions, each returning its encoding; a function body is a flat array of them. */
export const op = {
  block: () => [0x02, EMPTY_BLOCK],
  loop: () => [0x03, EMPTY_BLOCK],
  if: () => [0x04, EMPTY_BLOCK],
  else: () => [0x05],
  end: () => [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  return: () => [0x0f],
  /** `(a, b, condition) → condition ? a : b` */
  select: () => [0x1b],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32Const: (value: number) => [0x41, ...sleb(value)],
  /**
   * Loads and stores encode (alignment exponent hint, static offset); unaligned access is
   * allowed. `offset` is added to the address operand by the instruction itself (no `i32.add`).
   */
  i32Load: (offset = 0) => [0x28, 0, ...uleb(offset)],
  i64Load: (offset = 0) => [0x29, 0, ...uleb(offset)],
  i32Load8u: (offset = 0) => [0x2d, 0, ...uleb(offset)],
  i32Load16u: (offset = 0) => [0x2f, 0, ...uleb(offset)],
  i32Store: (offset = 0) => [0x36, 0, ...uleb(offset)],
  i32Store8: (offset = 0) => [0x3a, 0, ...uleb(offset)],
  i32Store16: (offset = 0) => [0x3b, 0, ...uleb(offset)],
  i64Store: (offset = 0) => [0x37, 0, ...uleb(offset)],
  memoryCopy: () => [0xfc, ...uleb(10), 0, 0],
  i32Eqz: () => [0x45],
  i32Eq: () => [0x46],
  i32Ne: () => [0x47],
  i32LtU: () => [0x49],
  i32GtU: () => [0x4b],
  i32LeU: () => [0x4d],
  i32GeU: () => [0x4f],
  i32Add: () => [0x6a],
  i32Sub: () => [0x6b],
  i32Mul: () => [0x6c],
  i32And: () => [0x71],
  i32Or: () => [0x72],
  i32Xor: () => [0x73],
  i32Shl: () => [0x74],
  i32ShrU: () => [0x76],
  i64Eqz: () => [0x50],
  i64Ctz: () => [0x7a],
  i64Xor: () => [0x85],
  i32WrapI64: () => [0xa7]
} as const

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content]
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)]
  return [...uleb(bytes.length), ...bytes]
}

/** What `moduleBytes` builds: one exported memory and one exported function (i32 params → i32). */
export interface FunctionModule {
  readonly functionName: string
  readonly memoryName: string
  readonly params: number
  /** Extra i32 locals, numbered after the params. */
  readonly locals: number
  /** The body's instructions (without the final `end`, which is added). */
  readonly body: readonly number[][]
}

/** The binary of a module holding one memory (1 page to start) and one i32 function. */
export function moduleBytes(m: FunctionModule): Uint8Array {
  const code = [...uleb(1), ...uleb(m.locals), I32, ...m.body.flat(), 0x0b]
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [1, 0x60, ...uleb(m.params), ...new Array<number>(m.params).fill(I32), 1, I32]), // types
    ...section(3, [1, 0]), // functions: one, of type 0
    ...section(5, [1, 0x00, 1]), // memories: one, min 1 page, no max
    ...section(7, [2, ...name(m.functionName), 0x00, 0, ...name(m.memoryName), 0x02, 0]), // exports
    ...section(10, [1, ...uleb(code.length), ...code]) // code
  ]
  return Uint8Array.from(bytes)
}

/**
 * Copies `len` bytes from address `src` to address `dst` (locals): up to 16 bytes as two 8-byte
 * loads and stores, which may read and write up to 16 bytes past the run (the caller keeps that
 * much slack after both), `memory.copy` above. Used for LZ4 literal runs by the decoder and the
 * encoder.
 */
export function copyWithOverrun(dst: number, src: number, len: number): number[][] {
  return [
    op.get(len), op.i32Const(16), op.i32LeU(),
    op.if(),
    op.get(dst), op.get(src), op.i64Load(), op.i64Store(),
    op.get(dst), op.i32Const(8), op.i32Add(), op.get(src), op.i32Const(8), op.i32Add(), op.i64Load(), op.i64Store(),
    op.else(),
    op.get(dst), op.get(src), op.get(len), op.memoryCopy(),
    op.end()
  ]
}
