/**
 * `tiercache replay FILE`: replays an access trace through L1 alone (`--policy tiercache`) or exact
 * LRU (`--policy lru`) and reports hit ratio, requests, unique keys and capacity.
 */
import { basename } from "node:path"
import { loadTrace, TRACE_FORMATS, type TraceFormat } from "../traces/read-trace.js"
import {
  flag,
  parseBytes,
  parseChoice,
  parseCommand,
  parseInteger,
  parseOnOff,
  parsePositiveNumber,
  stringOption,
  UsageError,
  type OptionSpecs,
} from "./args.js"
import { formatCount, formatMs, formatPct, renderTable } from "./format.js"
import { REPLAY_HELP } from "./help.js"
import type { CliIo } from "./io.js"
import { createProgress } from "./progress.js"
import { capacityForPct, replayTrace, type SizeUnit } from "./replay-engine.js"
import { lruPolicy, type EvictListener, type ReplayPolicy } from "./replay-policy.js"
import { tiercachePolicy } from "./replay-l1.js"
import { replayPrefetch, type ReplayPrefetchReport } from "./replay-prefetch.js"

export type ReplayPolicyName = "tiercache" | "lru"

const OPTIONS: OptionSpecs = {
  format: { type: "string" },
  size: { type: "string" },
  "size-pct": { type: "string" },
  units: { type: "string" },
  prefetch: { type: "string" },
  policy: { type: "string" },
  limit: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
}

/** Default capacity when neither --size nor --size-pct is given: the middle column of ANCHORS.md. */
const DEFAULT_SIZE_PCT = 5

export interface ReplaySettings {
  readonly file: string
  readonly format: TraceFormat | undefined
  readonly size: number | undefined
  readonly sizePct: number | undefined
  readonly units: SizeUnit | undefined
  readonly prefetch: boolean
  readonly policy: ReplayPolicyName
  readonly limit: number | undefined
  readonly json: boolean
}

/** What `--json` prints (fields that do not apply are omitted). */
export interface ReplayReport {
  readonly file: string
  readonly trace: string
  readonly format: TraceFormat
  readonly policy: ReplayPolicyName
  readonly units: SizeUnit
  readonly requests: number
  readonly uniqueKeys: number
  readonly capacity: number
  readonly hits: number
  readonly misses: number
  readonly hitRatio: number
  readonly byteHitRatio?: number
  readonly prefetch?: ReplayPrefetchReport
  readonly elapsedMs: number
}

/** Turns argv into settings, or throws `UsageError`. */
export function parseReplayArgs(argv: readonly string[]): ReplaySettings | "help" {
  const parsed = parseCommand("replay", argv, OPTIONS)
  if (flag(parsed, "help")) return "help"
  if (parsed.positionals.length === 0) throw new UsageError("replay: missing trace FILE (see tiercache replay --help)")
  if (parsed.positionals.length > 1) throw new UsageError(`replay: expected one FILE, got ${parsed.positionals.length}`)
  const rawSize = stringOption(parsed, "size")
  const rawPct = stringOption(parsed, "size-pct")
  if (rawSize !== undefined && rawPct !== undefined) throw new UsageError("replay: give --size or --size-pct, not both")
  const rawUnits = stringOption(parsed, "units")
  const units = rawUnits === undefined ? undefined : parseChoice("units", rawUnits, ["entries", "bytes"] as const)
  const rawFormat = stringOption(parsed, "format")
  const rawPrefetch = stringOption(parsed, "prefetch")
  const rawPolicy = stringOption(parsed, "policy")
  const rawLimit = stringOption(parsed, "limit")
  return {
    file: parsed.positionals[0],
    format: rawFormat === undefined ? undefined : parseChoice("format", rawFormat, TRACE_FORMATS),
    // In byte mode --size takes units (64MiB); in entry mode a plain count. The unit is only known
    // once the trace is read, so keep it raw-parsed as bytes-or-count here and check it later.
    size: rawSize === undefined ? undefined : units === "entries" ? parseInteger("size", rawSize, 1) : parseBytes("size", rawSize),
    sizePct: rawPct === undefined ? undefined : parsePositiveNumber("size-pct", rawPct, 100),
    units,
    prefetch: rawPrefetch === undefined ? false : parseOnOff("prefetch", rawPrefetch),
    policy: rawPolicy === undefined ? "tiercache" : parseChoice("policy", rawPolicy, ["tiercache", "lru"] as const),
    limit: rawLimit === undefined ? undefined : parseInteger("limit", rawLimit, 1),
    json: flag(parsed, "json"),
  }
}

/** Builds the named policy for `capacity` units. */
export function makeReplayPolicy(
  name: ReplayPolicyName,
  capacity: number,
  unit: SizeUnit,
  uniqueKeys: number,
  onEvict?: EvictListener,
): ReplayPolicy {
  return name === "lru"
    ? lruPolicy(capacity, unit === "bytes", onEvict)
    : tiercachePolicy(capacity, unit === "bytes", uniqueKeys, onEvict)
}

/** Loads the trace and replays it; throws TraceFormatError / UsageError on bad input. */
export function runReplay(settings: ReplaySettings, onProgress?: (done: number, total: number) => void): ReplayReport {
  const trace = loadTrace(settings.file, { format: settings.format, limit: settings.limit })
  // keys-sizes traces replay by bytes unless told otherwise; everything else by entries.
  const units: SizeUnit = settings.units ?? (trace.format === "keys-sizes" ? "bytes" : "entries")
  if (units === "bytes" && trace.format !== "keys-sizes") {
    throw new UsageError(`replay: --units bytes needs a keys-sizes trace; ${settings.file} is ${trace.format}`)
  }
  const capacity = settings.size ?? capacityForPct(trace, units, settings.sizePct ?? DEFAULT_SIZE_PCT)
  const prefetch = settings.prefetch ? replayPrefetch(trace, units === "bytes") : undefined
  const policy = makeReplayPolicy(settings.policy, capacity, units, trace.uniqueKeys, prefetch?.onEvict)
  prefetch?.attach(policy)
  const counts = replayTrace(trace, policy, units, prefetch?.observe, (done) => onProgress?.(done, trace.keys.length))
  return {
    file: settings.file,
    trace: basename(settings.file).replace(/\.txt(\.gz)?$/, ""),
    format: trace.format,
    policy: settings.policy,
    units,
    requests: counts.requests,
    uniqueKeys: trace.uniqueKeys,
    capacity,
    hits: counts.hits,
    misses: counts.misses,
    hitRatio: counts.hitRatio,
    ...(counts.byteHitRatio === undefined ? {} : { byteHitRatio: counts.byteHitRatio }),
    ...(prefetch === undefined ? {} : { prefetch: prefetch.report() }),
    elapsedMs: Math.round(counts.elapsedMs),
  }
}

/** The human summary. */
export function formatReplayReport(r: ReplayReport): string {
  const rows: string[][] = [
    ["", "value"],
    ["trace", `${r.trace} (${r.format})`],
    ["policy", r.policy],
    ["requests", formatCount(r.requests)],
    ["unique keys", formatCount(r.uniqueKeys)],
    ["capacity", `${formatCount(r.capacity)} ${r.units}`],
    ["hits", formatCount(r.hits)],
    ["misses", formatCount(r.misses)],
    ["hit ratio", formatPct(r.hitRatio)],
  ]
  if (r.byteHitRatio !== undefined) rows.push(["byte hit ratio", formatPct(r.byteHitRatio)])
  if (r.prefetch !== undefined) {
    rows.push(["prefetch issued", formatCount(r.prefetch.issued)])
    rows.push(["prefetch used", formatCount(r.prefetch.used)])
    rows.push(["prefetch accuracy", formatPct(r.prefetch.accuracy)])
    rows.push(["prefetch coverage", formatPct(r.prefetch.coverage)])
  }
  rows.push(["elapsed", formatMs(r.elapsedMs)])
  return renderTable(rows)
}

/** The `replay` subcommand. Returns the exit code. */
export function replayCommand(argv: readonly string[], io: CliIo): number {
  const settings = parseReplayArgs(argv)
  if (settings === "help") {
    io.out(REPLAY_HELP)
    return 0
  }
  let progress: ReturnType<typeof createProgress> | undefined
  const report = runReplay(settings, (done, total) => {
    if (settings.json) return
    progress ??= createProgress("replay", total, io.progressStream)
    progress.update(done)
  })
  progress?.finish()
  io.out(settings.json ? JSON.stringify(report) : formatReplayReport(report))
  return 0
}
