/**
 * Reading the access traces in ../shared/traces (and any file in the same layouts):
 * gzip'd or plain text, one request per line, as `<key>`, `<key> <size>` or `<agent_id> <key>`.
 *
 * The whole trace is loaded into arrays: the largest shared trace (3.9 M requests) fits easily, and
 * replay loops over arrays are far faster than over a line stream.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { gunzipSync } from "node:zlib"
import { Data } from "effect"

export type TraceFormat = "keys" | "keys-sizes" | "agent-keys"

export const TRACE_FORMATS: readonly TraceFormat[] = ["keys", "keys-sizes", "agent-keys"]

/** A trace file that cannot be read or does not match its format; `line` is 1-based (0 = whole file). */
export class TraceFormatError extends Data.TaggedError("TraceFormatError")<{
  readonly file: string
  readonly line: number
  readonly reason: string
}> {
  override get message(): string {
    return this.line > 0 ? `${this.file}:${this.line}: ${this.reason}` : `${this.file}: ${this.reason}`
  }
}

export interface LoadedTrace {
  readonly file: string
  readonly format: TraceFormat
  /** One key per request, in file order. */
  readonly keys: string[]
  /** Object size in bytes per request (`keys-sizes` only). */
  readonly sizes: Uint32Array | undefined
  /** Agent id per request (`agent-keys` only). */
  readonly agents: string[] | undefined
  readonly uniqueKeys: number
}

export interface LoadTraceOptions {
  /** Skip detection and parse as this layout. */
  readonly format?: TraceFormat
  /** Keep only the first `limit` requests. */
  readonly limit?: number
}

const INTEGER = /^\d+$/
/** How many leading lines decide the layout. */
const DETECT_LINES = 200

function readText(file: string): string {
  let raw: Buffer
  try {
    raw = readFileSync(file)
  } catch (cause) {
    throw new TraceFormatError({ file, line: 0, reason: `cannot read: ${(cause as Error).message}` })
  }
  // gzip magic 1f 8b: decompress; anything else is taken as plain text.
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = gunzipSync(raw)
    } catch (cause) {
      throw new TraceFormatError({ file, line: 0, reason: `corrupt gzip data: ${(cause as Error).message}` })
    }
  }
  if (raw.includes(0)) throw new TraceFormatError({ file, line: 0, reason: "binary data (NUL byte), not a text trace" })
  return raw.toString("utf8")
}

/**
 * Decides the layout from the first lines: one field → `keys`; two fields whose second is always
 * an integer → `keys-sizes`; otherwise two fields → `agent-keys`.
 */
export function detectFormat(lines: readonly string[], file = "<trace>"): TraceFormat {
  let sampled = 0
  let oneField = 0
  let numericSecond = 0
  for (let i = 0; i < lines.length && sampled < DETECT_LINES; i++) {
    const line = lines[i].trim()
    if (line === "") continue
    sampled++
    const fields = line.split(/\s+/)
    if (fields.length === 1) oneField++
    else if (fields.length === 2 && INTEGER.test(fields[1])) numericSecond++
  }
  if (sampled === 0) throw new TraceFormatError({ file, line: 0, reason: "empty trace" })
  if (oneField === sampled) return "keys"
  if (numericSecond === sampled) return "keys-sizes"
  if (oneField === 0) return "agent-keys"
  throw new TraceFormatError({ file, line: 0, reason: "mixed layouts in the first lines (one and two fields)" })
}

/** Loads a trace; throws `TraceFormatError` naming the file and line of the first bad request. */
export function loadTrace(file: string, options: LoadTraceOptions = {}): LoadedTrace {
  const lines = readText(file).split("\n")
  const format = options.format ?? detectFormat(lines, file)
  const limit = options.limit ?? Number.POSITIVE_INFINITY
  const keys: string[] = []
  const sizeList: number[] | undefined = format === "keys-sizes" ? [] : undefined
  const agents: string[] | undefined = format === "agent-keys" ? [] : undefined
  const seen = new Set<string>()
  for (let i = 0; i < lines.length && keys.length < limit; i++) {
    let line = lines[i]
    if (line.endsWith("\r")) line = line.slice(0, -1)
    if (line.trim() === "") continue
    const lineNo = i + 1
    if (format === "keys") {
      const key = line.trim()
      if (/\s/.test(key)) throw new TraceFormatError({ file, line: lineNo, reason: `expected one key, got "${line.slice(0, 60)}"` })
      keys.push(key)
    } else {
      const fields = line.trim().split(/\s+/)
      if (fields.length !== 2) {
        throw new TraceFormatError({ file, line: lineNo, reason: `expected 2 fields (${format}), got ${fields.length}` })
      }
      if (sizeList !== undefined) {
        if (!INTEGER.test(fields[1]) || Number(fields[1]) > 0xffffffff) {
          throw new TraceFormatError({ file, line: lineNo, reason: `size "${fields[1]}" is not a 32-bit unsigned integer` })
        }
        keys.push(fields[0])
        sizeList.push(Number(fields[1]))
      } else {
        agents!.push(fields[0])
        keys.push(fields[1])
      }
    }
    seen.add(keys[keys.length - 1])
  }
  if (keys.length === 0) throw new TraceFormatError({ file, line: 0, reason: "no requests" })
  return {
    file,
    format,
    keys,
    sizes: sizeList === undefined ? undefined : Uint32Array.from(sizeList),
    agents,
    uniqueKeys: seen.size,
  }
}

/** Capacity used by ANCHORS.md and the traces README: round(p % × unique keys), at least 1. */
export function capacityFor(uniqueKeys: number, pct: number): number {
  return Math.max(1, Math.round((pct / 100) * uniqueKeys))
}

/** The repository root: the nearest folder above this module holding tiercache's package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const pkg = join(dir, "package.json")
    if (existsSync(pkg) && /"name":\s*"tiercache"/.test(readFileSync(pkg, "utf8"))) return dir
    const up = dirname(dir)
    if (up === dir) throw new Error("cannot locate the tiercache repository root")
    dir = up
  }
}

/** The shared traces folder: `$TIERCACHE_TRACES`, else `<repoRoot>/../shared/traces`. */
export function sharedTracesDir(): string {
  return process.env.TIERCACHE_TRACES ?? resolve(repoRoot(), "..", "shared", "traces")
}

/** Absolute paths of every `*.txt.gz` trace in `dir` (default: the shared traces folder), sorted by name. */
export function listSharedTraces(dir: string = sharedTracesDir()): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".txt.gz"))
    .sort()
    .map((f) => join(dir, f))
}

/** The trace's name as ANCHORS.md spells it: file name without `.txt.gz`. */
export function traceName(file: string): string {
  return file.replace(/^.*\//, "").replace(/\.txt(\.gz)?$/, "")
}
