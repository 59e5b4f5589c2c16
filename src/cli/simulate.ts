/**
 * `tiercache simulate`: the multi-agent workload against a real TierCache, with a summary table
 * (or one JSON object), an optional HTML report and an optional Prometheus endpoint.
 */
import { dirname, resolve } from "node:path"
import { existsSync, statSync } from "node:fs"
import {
  flag,
  parseBytes,
  parseCommand,
  parseInteger,
  parseOnOff,
  stringOption,
  UsageError,
  type OptionSpecs,
} from "./args.js"
import { formatBytes, formatCount, formatMs, formatNs, formatPct, renderTable } from "./format.js"
import { SIMULATE_HELP } from "./help.js"
import type { CliIo } from "./io.js"
import { createProgress, type Progress } from "./progress.js"
import { runSimulation, SIMULATION_DEFAULTS, type SimulationReport, type SimulationRun, type SimulationSettings } from "./simulate-engine.js"
import { cacheMetrics } from "../telemetry/metrics.js"
import { serveMetrics, type MetricsServer } from "../telemetry/metrics-server.js"
import { writeReport } from "../telemetry/report/render-report.js"

const OPTIONS: OptionSpecs = {
  agents: { type: "string" },
  ops: { type: "string" },
  seed: { type: "string" },
  prefetch: { type: "string" },
  dir: { type: "string" },
  l1: { type: "string" },
  l2: { type: "string" },
  l3: { type: "string" },
  concurrency: { type: "string" },
  fsync: { type: "string" },
  json: { type: "boolean" },
  report: { type: "string" },
  "metrics-port": { type: "string" },
  "metrics-linger": { type: "string" },
  help: { type: "boolean", short: "h" },
}

export interface SimulateArgs {
  readonly settings: SimulationSettings
  readonly json: boolean
  readonly report: string | undefined
  readonly metricsPort: number | undefined
  readonly metricsLingerSec: number
}

/** Parses and checks the arguments (files and folders included) before anything runs. */
export function parseSimulateArgs(argv: readonly string[]): SimulateArgs | "help" {
  const parsed = parseCommand("simulate", argv, OPTIONS)
  if (flag(parsed, "help")) return "help"
  if (parsed.positionals.length > 0) throw new UsageError(`simulate: unexpected argument ${parsed.positionals[0]}`)
  const d = SIMULATION_DEFAULTS
  const num = (name: string, min: number, max: number, def: number): number => {
    const raw = stringOption(parsed, name)
    return raw === undefined ? def : parseInteger(name, raw, min, max)
  }
  const bytes = (name: string, def: number): number => {
    const raw = stringOption(parsed, name)
    return raw === undefined ? def : parseBytes(name, raw, 64 * 1024)
  }
  const onOff = (name: string, def: boolean): boolean => {
    const raw = stringOption(parsed, name)
    return raw === undefined ? def : parseOnOff(name, raw)
  }
  const dir = stringOption(parsed, "dir")
  if (dir !== undefined && existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UsageError(`simulate: --dir ${dir} exists and is not a folder`)
  }
  const report = stringOption(parsed, "report")
  if (report !== undefined) {
    if (!report.endsWith(".html")) throw new UsageError(`simulate: --report ${report}: the report file must end in .html`)
    const parent = dirname(resolve(report))
    if (!existsSync(parent)) throw new UsageError(`simulate: --report ${report}: folder ${parent} does not exist`)
  }
  const rawPort = stringOption(parsed, "metrics-port")
  return {
    settings: {
      agents: num("agents", 1, 100_000, d.agents),
      ops: num("ops", 1, 1e9, d.ops),
      seed: num("seed", 0, 2 ** 32 - 1, d.seed),
      prefetch: onOff("prefetch", d.prefetch),
      dir: dir === undefined ? undefined : resolve(dir),
      l1Bytes: bytes("l1", d.l1Bytes),
      l2Bytes: bytes("l2", d.l2Bytes),
      l3Bytes: bytes("l3", d.l3Bytes),
      concurrency: num("concurrency", 1, 10_000, d.concurrency),
      fsync: onOff("fsync", d.fsync),
    },
    json: flag(parsed, "json"),
    report,
    metricsPort: rawPort === undefined ? undefined : parseInteger("metrics-port", rawPort, 0, 65535),
    metricsLingerSec: num("metrics-linger", 0, 86_400, 0),
  }
}

/** The human summary. */
export function formatSimulationReport(r: SimulationReport): string {
  const head = renderTable([
    ["", "value"],
    ["agents", formatCount(r.agents)],
    ["operations", `${formatCount(r.ops)} (${formatCount(r.reads.total)} reads, ${formatCount(r.puts)} puts, ${formatCount(r.agentsEnded)} agents ended)`],
    ["elapsed", `${formatMs(r.elapsedMs)} (${formatCount(r.opsPerSec)} ops/s)`],
    ["hit ratio", `${formatPct(r.hitRatio)} of reads answered by L1/L2/L3`],
    ["peak heap", `${formatBytes(r.memory.peakHeapBytes)}${r.memory.peakHeapBytes > 200 * 1024 ** 2 ? "  (over the 200 MB target)" : ""}`],
    ["rss (peak)", `${formatBytes(r.memory.rssBytes)} (${formatBytes(r.memory.peakRssBytes)})`],
  ])
  const reads = r.reads.total || 1
  const tiers = renderTable(
    [
      ["level", "reads served", "share", "hit p50", "hit p95", "hit p99", "get() p50", "get() p99"],
      ...(["l1", "l2", "l3"] as const).map((t) => {
        const none = r.reads[t] === 0
        return [
          t.toUpperCase(),
          formatCount(r.reads[t]),
          formatPct(r.reads[t] / reads),
          none ? "-" : formatNs(r.tiers[t].p50Ns),
          none ? "-" : formatNs(r.tiers[t].p95Ns),
          none ? "-" : formatNs(r.tiers[t].p99Ns),
          none ? "-" : `≤ ${formatNs(r.readLatency[t].p50Ns)}`,
          none ? "-" : `≤ ${formatNs(r.readLatency[t].p99Ns)}`,
        ]
      }),
      [
        "loader",
        formatCount(r.reads.load),
        formatPct(r.reads.load / reads),
        "",
        "",
        "",
        r.reads.load === 0 ? "-" : `≤ ${formatNs(r.readLatency.load.p50Ns)}`,
        r.reads.load === 0 ? "-" : `≤ ${formatNs(r.readLatency.load.p99Ns)}`,
      ],
    ],
    new Set([1, 2, 3, 4, 5, 6, 7]),
  )
  const p = r.prefetch
  const prefetch = p.enabled
    ? renderTable([
        ["prefetch", "value"],
        ["issued", formatCount(p.issued)],
        ["used", formatCount(p.used)],
        ["accuracy", formatPct(p.accuracy)],
        ["coverage", formatPct(p.coverage)],
        ["false positives", formatPct(p.falsePositiveRate)],
        ["wasted", formatBytes(p.wastedBytes)],
      ])
    : "prefetch: off"
  return `${head}\n\n${tiers}\n\n${prefetch}\n\nhit p50/p95/p99: the cache's own timing of hits per tier; get(): end-to-end await as an agent sees it (power-of-two buckets).`
}

/** The HTML report's summary rows. */
function summaryRows(r: SimulationReport): Array<readonly [string, string]> {
  return [
    ["agents", formatCount(r.agents)],
    ["operations", formatCount(r.ops)],
    ["seed", String(r.seed)],
    ["elapsed", formatMs(r.elapsedMs)],
    ["hit ratio", formatPct(r.hitRatio)],
    ["L1 / L2 / L3 share of reads", `${formatPct(r.reads.l1 / (r.reads.total || 1))} / ${formatPct(r.reads.l2 / (r.reads.total || 1))} / ${formatPct(r.reads.l3 / (r.reads.total || 1))}`],
    ["prefetch", r.prefetch.enabled ? `accuracy ${formatPct(r.prefetch.accuracy)}, coverage ${formatPct(r.prefetch.coverage)}, ${formatCount(r.prefetch.issued)} issued` : "off"],
    ["peak heap", formatBytes(r.memory.peakHeapBytes)],
    ["budgets L1 / L2 / L3", `${formatBytes(r.config.l1Bytes)} / ${formatBytes(r.config.l2Bytes)} / ${formatBytes(r.config.l3Bytes)}`],
  ]
}

/** Writes the HTML report of a finished run. */
export function writeSimulationReport(file: string, run: SimulationRun, command: string): void {
  writeReport(file, {
    title: `tiercache simulate — ${run.report.agents} agents, ${formatCount(run.report.ops)} operations`,
    generatedAt: new Date().toISOString(),
    command,
    summary: summaryRows(run.report),
    samples: run.samples,
    latency: (["l1", "l2", "l3", "load"] as const).filter((l) => run.latency[l].total > 0).map((l) => run.latency[l].toReport(l)),
  })
}

/** The `simulate` subcommand. Resolves the exit code. */
export async function simulateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseSimulateArgs(argv)
  if (args === "help") {
    io.out(SIMULATE_HELP)
    return 0
  }
  let server: MetricsServer | undefined
  const progress: Progress = args.json ? createProgress("", 0) : createProgress("simulate", args.settings.ops, io.progressStream)
  try {
    const run = await runSimulation(args.settings, {
      onProgress: (done) => progress.update(done),
      onCache: async (stats) => {
        if (args.metricsPort === undefined) return undefined
        const metrics = cacheMetrics({ stats })
        server = await serveMetrics(metrics, args.metricsPort)
        io.err(`metrics: ${server.url}`)
        return metrics
      },
    })
    progress.finish()
    if (args.report !== undefined) {
      writeSimulationReport(args.report, run, `tiercache simulate ${argv.join(" ")}`.trim())
      if (!args.json) io.err(`report: ${resolve(args.report)}`)
    }
    io.out(args.json ? JSON.stringify(run.report) : formatSimulationReport(run.report))
    if (server !== undefined && args.metricsLingerSec > 0) {
      io.err(`metrics: serving the final figures for ${args.metricsLingerSec} s more`)
      await new Promise((r) => setTimeout(r, args.metricsLingerSec * 1000))
    }
    return 0
  } finally {
    progress.finish()
    await server?.close()
  }
}
