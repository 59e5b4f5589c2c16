#!/usr/bin/env node
/**
 * Checker speed: runs each model of a manifest several times, each in a fresh process (cold JIT,
 * like a user's run), and prints the median wall-clock and CPU-time rates. CPU time is the steadier
 * figure on a shared machine; both are reported.
 * Usage: node --import tsx checker/bin/bench-checker.ts [models/manifest.json] [--runs 3] [--only NAME]... [--json]
 */
import { spawnSync } from "node:child_process"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { readManifest, rootOf } from "../src/manifest.js"

const args = process.argv.slice(2)
let manifest = "models/manifest.json"
let runs = 3
let json = false
const only: string[] = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--runs") runs = Number(args[++i])
  else if (args[i] === "--only") only.push(args[++i])
  else if (args[i] === "--json") json = true
  else manifest = args[i]
}
const file = resolve(manifest)
const root = rootOf(file)
const cli = join(dirname(fileURLToPath(import.meta.url)), "tla-check.ts")
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const rows = []
for (const e of readManifest(file).filter((x) => only.length === 0 || only.includes(x.name))) {
  const samples: { wallMs: number; cpuMs: number; generated: number; distinct: number }[] = []
  for (let r = 0; r < runs; r++) {
    const p = spawnSync(process.execPath, ["--import", "tsx", cli, resolve(root, e.spec), "--config", resolve(root, e.config), "--json"], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024
    })
    const j = JSON.parse(p.stdout.trim().split("\n").at(-1) ?? "{}")
    samples.push({ wallMs: j.wallMs, cpuMs: j.cpuMs, generated: j.generated, distinct: j.distinct })
  }
  const { generated, distinct } = samples[0]
  const wallMs = median(samples.map((s) => s.wallMs))
  const cpuMs = median(samples.map((s) => s.cpuMs))
  rows.push({
    name: e.name,
    generated,
    distinct,
    runs,
    wallMs,
    cpuMs,
    statesPerSecond: Math.round((generated / wallMs) * 1000),
    distinctPerSecond: Math.round((distinct / wallMs) * 1000),
    statesPerCpuSecond: Math.round((generated / cpuMs) * 1000),
    distinctPerCpuSecond: Math.round((distinct / cpuMs) * 1000)
  })
}
if (json) process.stdout.write(JSON.stringify(rows, null, 1) + "\n")
else {
  process.stdout.write("name\tgenerated\tdistinct\tmedian wall ms\tstates/s\tdistinct/s\tmedian cpu ms\tstates/cpu-s\tdistinct/cpu-s\n")
  for (const r of rows) {
    process.stdout.write(
      [r.name, r.generated, r.distinct, r.wallMs, r.statesPerSecond, r.distinctPerSecond, r.cpuMs, r.statesPerCpuSecond, r.distinctPerCpuSecond].join("\t") + "\n"
    )
  }
}
