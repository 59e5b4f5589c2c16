/**
 * The LZ4 decoder L2 uses on a hit: the sequence loop of lz4-decode-js.ts compiled to a small
 * WebAssembly function (built from the instruction list below by wasm-emit.ts).
 *
 * Why WebAssembly: decoding a 4 KiB JSON value means ~350 sequences of mostly short copies. In
 * TypeScript every output byte is a bounds-checked typed-array store (8-byte copies need two
 * DataView calls); in WebAssembly a match is copied with 8-byte loads and stores, long runs with
 * `memory.copy`, and the JavaScript side only does two bulk copies (block in, value out).
 *
 * Memory layout per call: the block at 0, the output after it, 16 spare bytes after each so the
 * 8/16-byte "wild" copies may run past a run's end (the bytes past it are overwritten by the
 * following sequences or never read). WebAssembly traps rather than touch memory outside its
 * own; the function also checks every length and offset against the block and output bounds and
 * returns 1 on a malformed block, which is then decoded again by the TypeScript decoder to throw
 * a `CorruptBlock` saying where and why.
 *
 * Outputs above `WASM_MAX_OUTPUT` are decoded in TypeScript, so the module's memory (kept for
 * the process's life, since WebAssembly memory cannot shrink) stays small; so is everything where
 * the runtime has no WebAssembly (`node --jitless`), only slower.
 */
import { CorruptBlock } from "./corrupt-block.js"
import { decodeLz4Js, readLz4Header } from "./lz4-decode-js.js"
import { maxDecodedBytes, maxEncodedBytes } from "./lz4-format.js"
import { copyWithOverrun, op } from "./wasm-emit.js"
import { ensureWasmMemory, lazyWasmFunction } from "./wasm-function.js"

/** Largest output decoded in WebAssembly (larger ones: TypeScript, where the copy is no longer per-sequence bound). */
export const WASM_MAX_OUTPUT = 1 << 20

/** Largest block decoded in WebAssembly: the largest encoding of WASM_MAX_OUTPUT bytes. */
const MAX_WASM_BLOCK = maxEncodedBytes(WASM_MAX_OUTPUT)

/** Spare bytes after the block and after the output, for the wild copies (at most 16 bytes long). */
const SLACK = 16

// Locals: the four parameters, then the working variables.
const S = 0 // block read position
const END = 1 // block end
const D = 2 // output write position
const D_END = 3 // output end
const OUT_START = 4
const TOKEN = 5
const LIT = 6
const B = 7
const OFF = 8
const ML = 9
const FROM = 10
const STOP = 11

/** `if (condition) return 1`, the condition's instructions first. */
function failIf(...condition: number[][]): number[][] {
  return [...condition, op.if(), op.i32Const(1), op.return(), op.end()]
}

/** LZ4 length extension: adds bytes to `local` while they are 255; fails if the block ends first. */
function lengthExtension(local: number): number[][] {
  return [
    op.loop(),
    ...failIf(op.get(S), op.get(END), op.i32GeU()),
    op.get(S), op.i32Load8u(), op.set(B),
    op.get(S), op.i32Const(1), op.i32Add(), op.set(S),
    op.get(local), op.get(B), op.i32Add(), op.set(local),
    op.get(B), op.i32Const(255), op.i32Eq(), op.brIf(0),
    op.end()
  ]
}

/** The fast path applies while at least this many block bytes are left (token, 14 literals + 16-byte wild read, offset). */
const FAST_IN = 32
/** ... and at least this many output bytes (14 literals, an 18-byte match copied as 24 bytes: every wild write stays below the output's end). */
const FAST_OUT = 40

/** Copies 16 bytes from address `src + srcOffset` to `dst` (locals) as two 8-byte moves. */
function copy16(dst: number, src: number, srcOffset: number): number[][] {
  return [op.get(dst), op.get(src), op.i64Load(srcOffset), op.i64Store(), op.get(dst), op.get(src), op.i64Load(srcOffset + 8), op.i64Store(8)]
}

/**
 * A forward copy from FROM to D, `step` bytes at a time, until D reaches STOP (the last step may
 * write up to `step` − 1 bytes past it). Each read may see bytes this copy has just written: one
 * byte at a time is the match copy for offsets below 8 (a short offset repeats the last `off`
 * bytes); eight at a time needs offsets of at least 8.
 */
function copyToStop(step: 1 | 8): number[][] {
  return [
    op.loop(),
    op.get(D), op.get(FROM), ...(step === 1 ? [op.i32Load8u(), op.i32Store8()] : [op.i64Load(), op.i64Store()]),
    op.get(D), op.i32Const(step), op.i32Add(), op.set(D),
    op.get(FROM), op.i32Const(step), op.i32Add(), op.set(FROM),
    op.get(D), op.get(STOP), op.i32LtU(), op.brIf(0),
    op.end(),
  ]
}

/**
 * One sequence in the common case, decided with four comparisons: the sequence far enough from
 * both ends that no length needs its own bounds check (at most 14 literals, a match of at most 18
 * bytes, the offset bytes inside the block), and literal and match nibbles below 15 (no length
 * extension bytes). Literals are copied as one 16-byte wild copy whatever their number, the match
 * as 24 bytes, 8 at a time (correct for any offset >= 8: each 8 bytes read were written before);
 * offsets below 8 copy byte by byte. The offset needs one unsigned comparison: `off - 1 >=
 * written` is true for off = 0 (wraps) and for off > written, the general path's two checks.
 * Anything else goes to the general path below, which reads the token again.
 *
 * Why: a 4 KiB agent state is ~334 sequences (80 % without literals, matches of 5..16 bytes),
 * so the decode is bound by per-sequence work, not by bytes copied; ~97 % of its sequences take
 * this path, whose instructions are mostly the token → position dependency chain. Measured:
 * 2.1 → 1.8 µs a block (docs/l2.md). A SIMD variant (v128 moves for the literal run and the
 * first 16 match bytes) measured no faster and was dropped.
 */
const fastSequence: number[][] = [
  op.block(), // br 0 = take the general path
  op.get(END), op.get(S), op.i32Sub(), op.i32Const(FAST_IN), op.i32LtU(), op.brIf(0),
  op.get(D_END), op.get(D), op.i32Sub(), op.i32Const(FAST_OUT), op.i32LtU(), op.brIf(0),
  op.get(S), op.i32Load8u(), op.tee(TOKEN), op.i32Const(0xf0), op.i32GeU(), op.brIf(0),
  op.get(TOKEN), op.i32Const(15), op.i32And(), op.tee(ML), op.i32Const(15), op.i32Eq(), op.brIf(0),
  ...copy16(D, S, 1),
  op.get(TOKEN), op.i32Const(4), op.i32ShrU(), op.tee(LIT),
  op.get(D), op.i32Add(), op.set(D),
  op.get(S), op.get(LIT), op.i32Add(), op.tee(S), op.i32Load16u(1), op.tee(OFF),
  op.i32Const(1), op.i32Sub(), op.get(D), op.get(OUT_START), op.i32Sub(), op.i32GeU(),
  op.if(), op.i32Const(1), op.return(), op.end(),
  op.get(S), op.i32Const(3), op.i32Add(), op.set(S),
  op.get(ML), op.i32Const(4), op.i32Add(), op.set(ML),
  op.get(D), op.get(OFF), op.i32Sub(), op.set(FROM),
  op.get(OFF), op.i32Const(8), op.i32GeU(),
  op.if(),
  op.get(D), op.get(FROM), op.i64Load(), op.i64Store(),
  op.get(D), op.get(FROM), op.i64Load(8), op.i64Store(8),
  op.get(D), op.get(FROM), op.i64Load(16), op.i64Store(16),
  op.get(D), op.get(ML), op.i32Add(), op.set(D),
  op.br(2), // next sequence (if, block, loop)
  op.end(),
  // Offsets 1..7: the match repeats the last `off` bytes; a forward byte copy does that.
  op.get(D), op.get(ML), op.i32Add(), op.set(STOP),
  ...copyToStop(1),
  op.br(1), // next sequence (block, loop)
  op.end()
]

/** `(s, end, d, dEnd) → 0` when the block decodes to exactly [d, dEnd), `1` when it is malformed. */
const body: number[][] = [
  op.get(D), op.set(OUT_START),
  op.loop(), // one turn per sequence
  ...fastSequence,
  ...failIf(op.get(S), op.get(END), op.i32GeU()),
  op.get(S), op.i32Load8u(), op.set(TOKEN),
  op.get(S), op.i32Const(1), op.i32Add(), op.set(S),

  // Literals: length, bounds, copy (16-byte wild copy when short, memory.copy otherwise).
  op.get(TOKEN), op.i32Const(4), op.i32ShrU(), op.tee(LIT), op.i32Const(15), op.i32Eq(),
  op.if(), ...lengthExtension(LIT), op.end(),
  ...failIf(op.get(LIT), op.get(END), op.get(S), op.i32Sub(), op.i32GtU()),
  ...failIf(op.get(LIT), op.get(D_END), op.get(D), op.i32Sub(), op.i32GtU()),
  ...copyWithOverrun(D, S, LIT),
  op.get(S), op.get(LIT), op.i32Add(), op.set(S),
  op.get(D), op.get(LIT), op.i32Add(), op.set(D),

  // The last sequence has literals only: done, and the output must be exactly full.
  op.get(S), op.get(END), op.i32Eq(),
  op.if(), op.get(D), op.get(D_END), op.i32Ne(), op.return(), op.end(),

  // Match: offset (1..bytes written so far), length, bounds.
  ...failIf(op.get(END), op.get(S), op.i32Sub(), op.i32Const(2), op.i32LtU()),
  op.get(S), op.i32Load16u(), op.tee(OFF), op.i32Eqz(), op.if(), op.i32Const(1), op.return(), op.end(),
  ...failIf(op.get(OFF), op.get(D), op.get(OUT_START), op.i32Sub(), op.i32GtU()),
  op.get(S), op.i32Const(2), op.i32Add(), op.set(S),
  op.get(TOKEN), op.i32Const(15), op.i32And(), op.tee(ML), op.i32Const(15), op.i32Eq(),
  op.if(), ...lengthExtension(ML), op.end(),
  op.get(ML), op.i32Const(4), op.i32Add(), op.tee(ML),
  op.get(D_END), op.get(D), op.i32Sub(), op.i32GtU(), op.if(), op.i32Const(1), op.return(), op.end(),
  op.get(D), op.get(OFF), op.i32Sub(), op.set(FROM),
  op.get(D), op.get(ML), op.i32Add(), op.set(STOP),

  // Copy. The common JSON case, a match of at most 16 bytes from at least 16 back: two 8-byte
  // copies, no loop (up to 12 bytes past the match, within SLACK). Otherwise 8 bytes a turn when
  // the offset is at least 8 (every byte read is already final), byte by byte below that (a short
  // offset repeats the last `off` bytes).
  op.get(OFF), op.i32Const(16), op.i32GeU(), op.get(ML), op.i32Const(16), op.i32LeU(), op.i32And(),
  op.if(),
  op.get(D), op.get(FROM), op.i64Load(), op.i64Store(),
  op.get(D), op.i32Const(8), op.i32Add(), op.get(FROM), op.i32Const(8), op.i32Add(), op.i64Load(), op.i64Store(),
  op.get(STOP), op.set(D),
  op.else(),
  op.get(OFF), op.i32Const(8), op.i32GeU(),
  op.if(),
  ...copyToStop(8),
  op.get(STOP), op.set(D),
  op.else(),
  ...copyToStop(1),
  op.end(),
  op.end(),
  op.br(0), // next sequence
  op.end(),
  op.i32Const(1) // not reached: the loop only leaves by return
]

/** The module's one instance (built on first use; null where WebAssembly is unavailable). */
const decoder = lazyWasmFunction<(s: number, end: number, d: number, dEnd: number) => number>({ functionName: "decode", memoryName: "memory", params: 4, locals: 8, body })

/** Whether blocks are decoded in WebAssembly in this process (false: every block goes to the TypeScript decoder). */
export function lz4WasmAvailable(): boolean {
  return decoder() !== null
}

/**
 * Decodes `block` in the module's memory and returns a view of the output there (valid until the
 * module's next decode), or `undefined` when the block must go to the TypeScript decoder: large
 * outputs, blocks too big to be any valid block of at most WASM_MAX_OUTPUT bytes (which would
 * otherwise grow the module's memory for good), no WebAssembly, or the memory lent out right now.
 */
function decodeInWasm(block: Uint8Array): Uint8Array | undefined {
  const { length: outLength, next } = readLz4Header(block)
  const inLength = block.length
  if (lent || outLength > WASM_MAX_OUTPUT || inLength > MAX_WASM_BLOCK || outLength > maxDecodedBytes(inLength - next)) return undefined
  const w = decoder()
  if (w === null) return undefined
  const outStart = (inLength + SLACK + 7) & ~7
  ensureWasmMemory(w, outStart + outLength + SLACK)
  w.bytes.set(block, 0)
  if (w.run(next, inLength, outStart, outStart + outLength) !== 0) {
    decodeLz4Js(block) // throws the CorruptBlock that says where and why
    throw new CorruptBlock({ codec: "lz4", offset: 0, reason: "rejected by the WebAssembly decoder only (a decoder bug)" })
  }
  return w.bytes.subarray(outStart, outStart + outLength)
}

/** True while `withDecodedLz4` has lent a view of the module's memory to its callback. */
let lent = false

/** Decodes a block written by `Lz4BlockEncoder` into a fresh exact-size array; throws `CorruptBlock` on anything else. */
export function decodeLz4(block: Uint8Array): Uint8Array {
  return decodeInWasm(block)?.slice() ?? decodeLz4Js(block)
}

/**
 * Decodes `block` and hands the output to `use` as a view that is valid only during the call (in
 * the WebAssembly memory: no output array is allocated, which on a 4 KiB value saves ~2 µs of
 * the ~10 µs L2 hit, measured). Decodes started inside `use` do not touch the lent memory: they go
 * to the TypeScript decoder. Throws `CorruptBlock` like `decodeLz4`.
 */
export function withDecodedLz4<T>(block: Uint8Array, use: (bytes: Uint8Array) => T): T {
  const view = decodeInWasm(block)
  if (view === undefined) return use(decodeLz4Js(block))
  lent = true
  try {
    return use(view)
  } finally {
    lent = false
  }
}
