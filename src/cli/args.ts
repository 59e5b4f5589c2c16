/**
 * Command-line parsing for the `tiercache` CLI: a thin layer over `node:util` `parseArgs` that turns
 * every problem into a one-line `UsageError` and converts option strings into checked numbers.
 *
 * No dependency: the CLI has two subcommands with flat options, which `parseArgs` handles; what it
 * lacks (typed values, ranges, byte suffixes, "did you mean") lives here.
 */
import { parseArgs } from "node:util"

/** Bad command-line input. `main` prints `message` on one line and exits with code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError"
}

/** An option a subcommand accepts: a string value or a boolean switch. */
export interface OptionSpec {
  readonly type: "string" | "boolean"
  readonly short?: string
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>

export interface ParsedCommand {
  readonly values: Readonly<Record<string, string | boolean | undefined>>
  readonly positionals: readonly string[]
}

/**
 * Parses `argv` (the arguments after the subcommand) against `specs`. Unknown options, missing
 * values and repeated options become a `UsageError` naming the option.
 */
export function parseCommand(command: string, argv: readonly string[], specs: OptionSpecs): ParsedCommand {
  // A string option followed by nothing (or by another option) is a missing value; parseArgs would
  // otherwise consume the next flag as the value ("--size --json").
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (!arg.startsWith("--") || arg.includes("=")) continue
    const spec = specs[arg.slice(2)]
    if (spec?.type === "string" && (i + 1 >= argv.length || argv[i + 1].startsWith("--"))) {
      throw new UsageError(`${command}: option ${arg} needs a value`)
    }
  }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: [...argv],
      options: specs as Record<string, { type: "string" | "boolean"; short?: string }>,
      allowPositionals: true,
      strict: true,
    })
  } catch (err) {
    throw new UsageError(`${command}: ${describeParseError(err, specs)}`)
  }
  // parseArgs silently keeps the last of a repeated option; "--ops 10 --ops 20" is a mistake.
  const seen = new Set<string>()
  for (const arg of argv) {
    if (arg === "--") break
    if (!arg.startsWith("--")) continue
    const name = arg.slice(2).split("=")[0]
    if (seen.has(name)) throw new UsageError(`${command}: option --${name} given more than once`)
    seen.add(name)
  }
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals }
}

function describeParseError(err: unknown, specs: OptionSpecs): string {
  const msg = err instanceof Error ? err.message : String(err)
  const unknown = /Unknown option '([^']+)'/.exec(msg)
  if (unknown !== null) {
    const name = unknown[1].replace(/^-+/, "")
    const near = closest(name, Object.keys(specs))
    return `unknown option ${unknown[1]}${near === undefined ? "" : ` (did you mean --${near}?)`}`
  }
  const unexpected = /Unexpected argument '([^']+)'/.exec(msg)
  if (unexpected !== null) return `unexpected argument ${unexpected[1]}`
  // parseArgs messages are multi-line with hints; keep the first line only.
  return msg.split("\n")[0].replace(/\.$/, "")
}

/** The candidate within edit distance 2 of `name`, if any. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const c of candidates) {
    const d = editDistance(name, c)
    if (d < bestDistance) {
      best = c
      bestDistance = d
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = up
    }
  }
  return row[b.length]
}

/** A whole number in [min, max]; accepts `_` separators and `1e6`-style exponents ("--ops 1e6"). */
export function parseInteger(option: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = raw.replaceAll("_", "")
  const value = /^[+]?\d+(\.\d+)?(e\d+)?$/i.test(text) ? Number(text) : Number.NaN
  if (!Number.isInteger(value)) throw new UsageError(`option --${option}: "${raw}" is not a whole number`)
  if (value < min || value > max) {
    throw new UsageError(`option --${option}: ${raw} is out of range (${min}..${max === Number.MAX_SAFE_INTEGER ? "" : max})`)
  }
  return value
}

/** A finite number in (0, max] ("--size-pct 5", "--size-pct 0.5"). */
export function parsePositiveNumber(option: string, raw: string, max: number): number {
  const value = /^[+]?(\d+(\.\d*)?|\.\d+)$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new UsageError(`option --${option}: "${raw}" is not a number in (0, ${max}]`)
  }
  return value
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
}

/**
 * A byte count: a whole number with an optional unit — `65536`, `64k`, `64KiB`, `1.5MiB`, `2GB`.
 * Bare `k`/`m`/`g` are binary (what people mean for cache sizes); `kB`/`MB`/`GB` are decimal.
 */
export function parseBytes(option: string, raw: string, min = 1): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.replaceAll("_", ""))
  const unit = m === null ? undefined : BYTE_UNITS[m[2].toLowerCase()]
  if (m === null || unit === undefined) {
    throw new UsageError(`option --${option}: "${raw}" is not a byte size (examples: 65536, 64KiB, 16MiB, 1GiB)`)
  }
  const value = Math.round(Number(m[1]) * unit)
  if (value < min || !Number.isSafeInteger(value)) {
    throw new UsageError(`option --${option}: ${raw} is out of range (at least ${min} bytes)`)
  }
  return value
}

/** One of a fixed set of words. */
export function parseChoice<T extends string>(option: string, raw: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(raw)) return raw as T
  throw new UsageError(`option --${option}: "${raw}" is not one of ${choices.join(", ")}`)
}

/** `on`/`off` (also `true`/`false`, `1`/`0`). */
export function parseOnOff(option: string, raw: string): boolean {
  const v = raw.toLowerCase()
  if (v === "on" || v === "true" || v === "1") return true
  if (v === "off" || v === "false" || v === "0") return false
  throw new UsageError(`option --${option}: "${raw}" is not on or off`)
}

/** The string value of an option, or undefined. */
export function stringOption(parsed: ParsedCommand, name: string): string | undefined {
  const v = parsed.values[name]
  return typeof v === "string" ? v : undefined
}

/** Whether a boolean switch was given. */
export function flag(parsed: ParsedCommand, name: string): boolean {
  return parsed.values[name] === true
}
