/**
 * The LZ4 encoder L2 uses when it demotes a value: the parse of lz4-encode.ts (same hash, same
 * candidates in the same order, same greedy or lazy decisions) compiled to a small WebAssembly
 * function, built from the instruction list below by wasm-emit.ts. For a given search depth (up
 * to 16) it writes exactly the bytes `Lz4BlockEncoder` writes (tested), so a value compresses to
 * the same block with or without WebAssembly.
 *
 * Why WebAssembly: the TypeScript encoder spends 90–370 µs (it varies between processes with
 * what the JIT makes of it) on a 3.2 KB packed value. Here a 4-byte read is one unaligned
 * `i32.load`, and a match is extended 8 bytes a step (`i64.load` both sides, xor; at the first
 * difference, the trailing zero bits count the equal bytes).
 *
 * Match candidates: where the TypeScript encoder links positions with the same hash into chains
 * (each step back a dependent load), this one keeps per hash slot a row of its 16 latest
 * positions (a ring, newest first by a per-slot counter): the same candidates in the same order
 * for up to 16 attempts, read from one 64-byte row instead of one load after another. Deeper
 * searches (`maxAttempts` > 16) go to the TypeScript encoder.
 *
 * Memory layout of one call (one module instance for the process, one call at a time; the
 * encoder is synchronous and calls nothing back, so no call can start while another runs):
 *
 *   [0, 256 KiB)      row counters, one i32 per hash slot (only the 4 << hashLog bytes in use are cleared)
 *   [256 KiB, ...)    the input, 16 spare bytes, the output (header + block), 16 spare bytes,
 *                     then the rows: 64 bytes per hash slot (i32 addresses; never cleared, the
 *                     counters say which entries are this call's)
 *
 * The spare bytes let the match extension read 8 bytes past a compared position and let short
 * literal runs be copied with two 8-byte stores (bytes written past a run are overwritten by the
 * next sequence or lie past the returned end). Inputs above `WASM_MAX_INPUT` go to the TypeScript
 * encoder, so the memory (which WebAssembly cannot shrink) stays bounded: 0.5 MiB for values up to
 * 4 KiB, about 6.5 MiB at most (1 MiB in and out, 2^16 rows).
 */
import { checkMaxAttempts, DEFAULT_LAZY, DEFAULT_MAX_ATTEMPTS, HASH_PRIME, HASH_PRIME_5, hashLogFor, Lz4BlockEncoder, writeVarint } from "./lz4-encode.js"
import { MF_LIMIT, maxEncodedBytes } from "./lz4-format.js"
import { copyWithOverrun, op } from "./wasm-emit.js"
import { ensureWasmMemory, lazyWasmFunction } from "./wasm-function.js"

/** Largest input encoded in WebAssembly (larger ones: TypeScript, same output). */
export const WASM_MAX_INPUT = 1 << 20

const SLACK = 16
/** Byte addresses of the row counters and the input (see the module comment). */
const COUNTS_BASE = 0
const SRC_BASE = 1 << 18
/** Positions each hash row keeps: the most candidates one search can examine in WebAssembly. */
export const WASM_MAX_ATTEMPTS = 16
const ROW_BYTES = WASM_MAX_ATTEMPTS * 4

// Locals: the six parameters, then the working variables.
const SRC = 0 // input start address
const N = 1 // input length
const O = 2 // output write address (after the header)
const SHIFT = 3 // 32 - hash table bits
const ATTEMPTS = 4 // candidates examined per position (at most WASM_MAX_ATTEMPTS)
const LAZY = 5 // 1: lazy matching, 0: greedy
const ROWS = 6 // address of the hash rows
const IP = 7
const ANCHOR = 8 // first byte not yet emitted
const INSERTED = 9 // next position to add to the hash rows
const LIMIT = 10 // a match may not cover the last 5 bytes
const LAST = 11 // last position a match may start at
const BEST = 12 // findLongest's result: length (3 = none found)
const BEST_REF = 13 // findLongest's result: address (0 = none found)
const LEN = 14 // the match about to be emitted
const REF = 15
const SEQ = 16
const CAND = 17 // candidate address
const LEFT = 18 // candidates left to examine
const ML = 19 // match length being extended / written
const CNT = 20 // positions ever inserted in the row
const P = 21 // scratch
const H = 22 // hash slot: address of its row counter
const TOKEN_AT = 23
const LIT = 24
const AT = 25 // position findLongest searches from
const ROW = 26 // address of H's row
const IDX = 27 // row index of the candidate
const PARAMS = 7
const LOCALS = 21

const ops = (...parts: number[][][]): number[][] => parts.flat()

/** Hash slot address of the position in local `at`, its first 4 bytes on the stack (lz4-encode.ts `hash5`). */
function hashSlotOf(at: number): number[][] {
  return [
    op.i32Const(HASH_PRIME), op.i32Mul(),
    op.get(at), op.i32Const(4), op.i32Add(), op.i32Load8u(), op.i32Const(HASH_PRIME_5), op.i32Mul(), op.i32Xor(),
    op.get(SHIFT), op.i32ShrU(), op.i32Const(2), op.i32Shl()
  ]
}

/**
 * Adds the position in INSERTED to its hash row (slot counter address in H): the row is a ring of
 * the slot's latest 16 positions, the counter says how many were ever inserted (its low 4 bits:
 * the slot to overwrite).
 */
const insertAtH: number[][] = [
  op.get(ROWS), op.get(H), op.i32Const(4), op.i32Shl(), op.i32Add(),
  op.get(H), op.i32Load(), op.tee(CNT), op.i32Const(WASM_MAX_ATTEMPTS - 1), op.i32And(), op.i32Const(2), op.i32Shl(), op.i32Add(),
  op.get(INSERTED), op.i32Store(),
  op.get(H), op.get(CNT), op.i32Const(1), op.i32Add(), op.i32Store()
]

/** Adds positions [INSERTED, AT) to the hash rows (the bytes a match covered). */
const insertUpToAt: number[][] = [
  op.block(),
  op.loop(),
  op.get(INSERTED), op.get(AT), op.i32GeU(), op.brIf(1),
  op.get(INSERTED), op.i32Load(), ...hashSlotOf(INSERTED), op.set(H),
  ...insertAtH,
  op.get(INSERTED), op.i32Const(1), op.i32Add(), op.set(INSERTED),
  op.br(0),
  op.end(),
  op.end()
]

/**
 * The longest earlier match for position AT (lz4-encode.ts `#findLongest`): BEST and BEST_REF,
 * BEST_REF = 0 when no match of at least 4 bytes exists.
 */
const findLongestAt: number[][] = [
  ...insertUpToAt,
  // The candidates: the row's positions, newest first, at most min(ATTEMPTS, inserted so far).
  op.get(AT), op.i32Load(), op.tee(SEQ), ...hashSlotOf(AT), op.tee(H), op.i32Load(), op.tee(CNT), op.set(IDX),
  op.get(ROWS), op.get(H), op.i32Const(4), op.i32Shl(), op.i32Add(), op.set(ROW),
  op.get(ATTEMPTS), op.get(CNT), op.get(ATTEMPTS), op.get(CNT), op.i32LtU(), op.select(), op.set(LEFT),
  op.i32Const(3), op.set(BEST),
  op.i32Const(0), op.set(BEST_REF),
  op.block(), // leaves the walk
  op.loop(),
  op.get(LEFT), op.i32Eqz(), op.brIf(1),
  op.get(ROW), op.get(IDX), op.i32Const(1), op.i32Sub(), op.tee(IDX), op.i32Const(WASM_MAX_ATTEMPTS - 1), op.i32And(), op.i32Const(2), op.i32Shl(), op.i32Add(), op.i32Load(), op.set(CAND),
  // Positions in a row only get older: the first one out of the window ends the walk.
  op.get(AT), op.get(CAND), op.i32Sub(), op.i32Const(65535), op.i32GtU(), op.brIf(1),
  // Cheap reject first: a longer match must agree at the byte just past the current best.
  op.get(CAND), op.get(BEST), op.i32Add(), op.i32Load8u(),
  op.get(AT), op.get(BEST), op.i32Add(), op.i32Load8u(), op.i32Eq(),
  op.get(CAND), op.i32Load(), op.get(SEQ), op.i32Eq(), op.i32And(),
  op.if(),
  op.i32Const(4), op.set(ML),
  // Extend 8 bytes a step while both 8-byte loads are equal (the loop-carried work is one add);
  // at the first difference, the xor's trailing zero bits count the equal bytes.
  op.block(),
  op.loop(),
  op.get(AT), op.get(ML), op.i32Add(), op.get(LIMIT), op.i32GeU(), op.brIf(1),
  op.get(AT), op.get(ML), op.i32Add(), op.i64Load(),
  op.get(CAND), op.get(ML), op.i32Add(), op.i64Load(),
  op.i64Xor(), op.i64Eqz(),
  op.if(), op.get(ML), op.i32Const(8), op.i32Add(), op.set(ML), op.br(1), op.end(),
  op.get(AT), op.get(ML), op.i32Add(), op.i64Load(),
  op.get(CAND), op.get(ML), op.i32Add(), op.i64Load(),
  op.i64Xor(), op.i64Ctz(), op.i32WrapI64(), op.i32Const(3), op.i32ShrU(),
  op.get(ML), op.i32Add(), op.set(ML),
  op.end(),
  op.end(),
  // The 8-byte steps may run past LIMIT: clip, as the byte loop stops there.
  op.get(LIMIT), op.get(AT), op.i32Sub(), op.get(ML),
  op.get(AT), op.get(ML), op.i32Add(), op.get(LIMIT), op.i32GtU(),
  op.select(), op.set(ML),
  op.get(ML), op.get(BEST), op.i32GtU(),
  op.if(),
  op.get(ML), op.set(BEST),
  op.get(CAND), op.set(BEST_REF),
  op.get(AT), op.get(ML), op.i32Add(), op.get(LIMIT), op.i32GeU(), op.brIf(3), // cannot get longer
  op.end(),
  op.end(),
  op.get(LEFT), op.i32Const(1), op.i32Sub(), op.set(LEFT),
  op.br(0),
  op.end(),
  op.end(),
  // AT itself (INSERTED = AT here) goes in after the walk: in a full row it overwrites the 16th candidate.
  ...insertAtH,
  op.get(AT), op.i32Const(1), op.i32Add(), op.set(INSERTED)
]

/** Writes `length - 15` (in local `local`, destroyed) as LZ4 length extension bytes at O. */
function lengthExtension(local: number): number[][] {
  return [
    op.get(local), op.i32Const(15), op.i32Sub(), op.set(local),
    op.block(),
    op.loop(),
    op.get(local), op.i32Const(255), op.i32LtU(), op.brIf(1),
    op.get(O), op.i32Const(255), op.i32Store8(),
    op.get(O), op.i32Const(1), op.i32Add(), op.set(O),
    op.get(local), op.i32Const(255), op.i32Sub(), op.set(local),
    op.br(0),
    op.end(),
    op.end(),
    op.get(O), op.get(local), op.i32Store8(),
    op.get(O), op.i32Const(1), op.i32Add(), op.set(O)
  ]
}

/** Copies LIT bytes from ANCHOR to O and advances O: two 8-byte stores up to 16 bytes, memory.copy above. */
const copyLiterals: number[][] = [...copyWithOverrun(O, ANCHOR, LIT), op.get(O), op.get(LIT), op.i32Add(), op.set(O)]

/** Token (its literal nibble, match nibble from TOKEN_AT's stack value), literal length extension. */
const literalLength: number[][] = [
  op.get(LIT), op.i32Const(15), op.i32GeU(),
  op.if(),
  op.get(TOKEN_AT), op.i32Const(0xf0), op.get(P), op.i32Or(), op.i32Store8(),
  op.get(LIT), op.set(H), ...lengthExtension(H),
  op.else(),
  op.get(TOKEN_AT), op.get(LIT), op.i32Const(4), op.i32Shl(), op.get(P), op.i32Or(), op.i32Store8(),
  op.end()
]

/** One sequence: LIT literals from ANCHOR, then the match (IP - REF, LEN) (lz4-encode.ts `writeSequence`). */
const writeSequence: number[][] = [
  op.get(IP), op.get(ANCHOR), op.i32Sub(), op.set(LIT),
  op.get(O), op.set(TOKEN_AT),
  op.get(O), op.i32Const(1), op.i32Add(), op.set(O),
  // P: the token's match nibble, min(LEN - 4, 15).
  op.i32Const(15), op.get(LEN), op.i32Const(4), op.i32Sub(), op.tee(ML), op.get(ML), op.i32Const(15), op.i32GeU(), op.select(), op.set(P),
  ...literalLength,
  ...copyLiterals,
  op.get(O), op.get(IP), op.get(REF), op.i32Sub(), op.i32Store16(),
  op.get(O), op.i32Const(2), op.i32Add(), op.set(O),
  op.get(ML), op.i32Const(15), op.i32GeU(),
  op.if(), ...lengthExtension(ML), op.end()
]

/** `(src, n, out, shift, attempts, lazy, rows) → end of output`: the header is written by the caller. */
const body: number[][] = ops(
  [op.get(SRC), op.set(IP), op.get(SRC), op.set(ANCHOR), op.get(SRC), op.set(INSERTED)],
  [op.get(SRC), op.get(N), op.i32Add(), op.i32Const(5), op.i32Sub(), op.set(LIMIT)],
  [op.get(SRC), op.get(N), op.i32Add(), op.i32Const(MF_LIMIT), op.i32Sub(), op.set(LAST)],
  [op.get(N), op.i32Const(MF_LIMIT + 1), op.i32GeU(), op.if()],
  [op.block(), op.loop()], // one turn per position tried or sequence written
  [op.get(IP), op.get(LAST), op.i32GtU(), op.brIf(1)],
  [op.get(IP), op.set(AT)],
  findLongestAt,
  [op.get(BEST_REF), op.i32Eqz(), op.if(), op.get(IP), op.i32Const(1), op.i32Add(), op.set(IP), op.br(1), op.end()],
  [op.get(BEST), op.set(LEN), op.get(BEST_REF), op.set(REF)],
  // Lazy matching: while the match one byte later is longer, take it (this byte becomes a literal).
  [op.block(), op.get(LAZY), op.i32Eqz(), op.brIf(0), op.loop()],
  [op.get(IP), op.i32Const(1), op.i32Add(), op.tee(AT), op.get(LAST), op.i32GtU(), op.brIf(1)],
  findLongestAt,
  [op.get(BEST_REF), op.i32Eqz(), op.brIf(1)],
  [op.get(BEST), op.get(LEN), op.i32LeU(), op.brIf(1)],
  [op.get(AT), op.set(IP), op.get(BEST), op.set(LEN), op.get(BEST_REF), op.set(REF), op.br(0)],
  [op.end(), op.end()],
  writeSequence,
  [op.get(IP), op.get(LEN), op.i32Add(), op.tee(IP), op.set(ANCHOR)],
  [op.br(0), op.end(), op.end()],
  [op.end()],
  // The last literals: a token and the run, no match.
  [op.get(SRC), op.get(N), op.i32Add(), op.get(ANCHOR), op.i32Sub(), op.set(LIT)],
  [op.get(O), op.set(TOKEN_AT), op.get(O), op.i32Const(1), op.i32Add(), op.set(O), op.i32Const(0), op.set(P)],
  literalLength,
  copyLiterals,
  [op.get(O)]
)

type EncodeFunction = (src: number, n: number, out: number, shift: number, attempts: number, lazy: number, rows: number) => number

/** The module's one instance (built on first use; null where WebAssembly is unavailable). */
const instance = lazyWasmFunction<EncodeFunction>({ functionName: "encode", memoryName: "memory", params: PARAMS, locals: LOCALS, body })

/** Whether this process encodes in WebAssembly (false: every input goes to the TypeScript encoder). */
export function lz4EncodeWasmAvailable(): boolean {
  return instance() !== null
}

/**
 * LZ4 block encoder writing the layout of lz4-format.ts, in WebAssembly where available and for
 * inputs up to `WASM_MAX_INPUT`, otherwise through `Lz4BlockEncoder` (same output either way).
 * Instances share the one WebAssembly memory; each keeps its own TypeScript fallback (allocated on
 * first use).
 */
export class Lz4WasmEncoder {
  readonly #maxAttempts: number
  readonly #lazy: boolean
  #fallback: Lz4BlockEncoder | undefined

  /** @param maxAttempts and @param lazy as `Lz4BlockEncoder`'s. */
  constructor(maxAttempts: number = DEFAULT_MAX_ATTEMPTS, lazy: boolean = DEFAULT_LAZY) {
    checkMaxAttempts(maxAttempts)
    this.#maxAttempts = maxAttempts
    this.#lazy = lazy
  }

  /** The encoded form of `src`: a fresh exact-size array. */
  encode(src: Uint8Array): Uint8Array {
    const n = src.length
    const w = n > WASM_MAX_INPUT || this.#maxAttempts > WASM_MAX_ATTEMPTS ? null : instance()
    if (w === null) return (this.#fallback ??= new Lz4BlockEncoder(this.#maxAttempts, this.#lazy)).encode(src)
    const hashLog = hashLogFor(n)
    const outStart = (SRC_BASE + n + SLACK + 7) & ~7
    const rows = (outStart + maxEncodedBytes(n) + SLACK + 63) & ~63
    ensureWasmMemory(w, rows + (ROW_BYTES << hashLog))
    const bytes = w.bytes
    // Only the counters are cleared (the rows' old positions lie past their counters).
    if (n > MF_LIMIT) bytes.fill(0, COUNTS_BASE, COUNTS_BASE + (4 << hashLog))
    bytes.set(src, SRC_BASE)
    const headerEnd = writeVarint(bytes, outStart, n)
    const end = w.run(SRC_BASE, n, headerEnd, 32 - hashLog, this.#maxAttempts, this.#lazy ? 1 : 0, rows)
    return bytes.slice(outStart, end)
  }
}
