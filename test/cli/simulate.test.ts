import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../../src/cli/main.js"
import { runSimulation, SIMULATION_DEFAULTS } from "../../src/cli/simulate-engine.js"
import { capture } from "./capture.js"

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tiercache-sim-test-"))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A small, quick run: 40 agents, fsync off (tests measure behaviour, not durability). */
const SMALL = ["--agents", "40", "--ops", "1500", "--fsync", "off", "--l1", "256KiB", "--l2", "256KiB"]

describe("tiercache simulate", () => {
  it("--json prints exactly one JSON object with the issue's fields", async () => {
    const io = capture()
    expect(await runCli(["simulate", ...SMALL, "--json"], io)).toBe(0)
    const lines = io.stdout.trim().split("\n")
    expect(lines).toHaveLength(1)
    const r = JSON.parse(lines[0])
    expect(r).toMatchObject({ agents: 40, ops: 1500 })
    expect(typeof r.elapsedMs).toBe("number")
    expect(r.hitRatio).toBeGreaterThan(0)
    expect(r.hitRatio).toBeLessThanOrEqual(1)
    for (const t of ["l1", "l2", "l3"]) {
      expect(Object.keys(r.tiers[t]).sort()).toEqual(["hits", "misses", "p50Ns", "p95Ns", "p99Ns"])
      expect(r.tiers[t].p50Ns).toBeLessThanOrEqual(r.tiers[t].p99Ns)
    }
    expect(r.tiers.l1.hits).toBeGreaterThan(0)
    expect(r.prefetch).toMatchObject({ enabled: true })
    for (const k of ["issued", "used", "accuracy", "coverage", "falsePositiveRate"]) expect(typeof r.prefetch[k]).toBe("number")
    expect(r.memory.peakHeapBytes).toBeGreaterThan(0)
    expect(r.memory.rssBytes).toBeGreaterThan(0)
    // Reads served add up, and the hit ratio is the L1+L2+L3 share of them.
    const { total, l1, l2, l3, load, miss } = r.reads
    expect(l1 + l2 + l3 + load + miss).toBe(total)
    expect(r.hitRatio).toBeCloseTo((l1 + l2 + l3) / total, 12)
    expect(total + r.puts + r.agentsEnded).toBe(1500)
  })

  it("is deterministic for a seed with one operation in flight and prefetch off", async () => {
    const settings = { ...SIMULATION_DEFAULTS, agents: 30, ops: 800, seed: 7, prefetch: false, fsync: false, concurrency: 1, l1Bytes: 128 * 1024, l2Bytes: 128 * 1024 }
    const a = await runSimulation(settings)
    const b = await runSimulation(settings)
    expect(a.report.reads).toEqual(b.report.reads)
    const c = await runSimulation({ ...settings, seed: 8 })
    expect(c.report.reads).not.toEqual(a.report.reads)
  })

  it("prints a readable table without --json", async () => {
    const io = capture()
    expect(await runCli(["simulate", ...SMALL, "--prefetch", "off"], io)).toBe(0)
    expect(io.stdout).toMatch(/hit ratio\s+\d+\.\d\d %/)
    expect(io.stdout).toMatch(/^L1\s+[\d,]+\s+\d+\.\d\d %/m)
    expect(io.stdout).toContain("prefetch: off")
  })

  it("--report writes a self-contained HTML page with the four plots", async () => {
    const file = join(dir, "sim.html")
    const io = capture()
    expect(await runCli(["simulate", ...SMALL, "--json", "--report", file], io)).toBe(0)
    const html = readFileSync(file, "utf8")
    for (const id of ["chart-hit-ratio", "chart-latency-l1", "chart-prefetch", "chart-memory"]) expect(html).toContain(`id="${id}"`)
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/)
    expect(io.stdout.trim().split("\n")).toHaveLength(1) // --json output stays one object
  })

  it("--dir keeps L3 in the given folder (and leaves it there)", async () => {
    const l3 = join(dir, "l3")
    const io = capture()
    expect(await runCli(["simulate", "--agents", "5", "--ops", "200", "--fsync", "off", "--dir", l3, "--json"], io)).toBe(0)
    expect(JSON.parse(io.stdout).config.dir).toBe(l3)
    expect(readdirSync(l3).length).toBeGreaterThan(0)
  })

  it("serves Prometheus metrics on --metrics-port while it runs (and lingers)", async () => {
    const io = capture()
    const done = runCli(["simulate", "--agents", "10", "--ops", "500", "--fsync", "off", "--json", "--metrics-port", "0", "--metrics-linger", "2"], io)
    let url: string | undefined
    for (let i = 0; i < 200 && url === undefined; i++) {
      url = /metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(io.stderr)?.[1]
      if (url === undefined) await new Promise((r) => setTimeout(r, 50))
    }
    expect(url).toBeDefined()
    // Wait for the run to finish (linger starts), then scrape the final figures.
    for (let i = 0; i < 400 && !io.stdout.includes("}"); i++) await new Promise((r) => setTimeout(r, 50))
    const text = await (await fetch(url!)).text()
    const report = JSON.parse(io.stdout)
    expect(text).toContain(`tiercache_tier_hits_total{tier="l1"} ${report.tiers.l1.hits}`)
    expect(text).toMatch(/tiercache_get_duration_seconds_count\{served_by="l1"\} \d+/)
    expect(await done).toBe(0)
  })

  it.each([
    [["simulate", "--agents", "0"], /--agents: 0 is out of range/],
    [["simulate", "--ops", "many"], /--ops: "many" is not a whole number/],
    [["simulate", "--l1", "12XB"], /--l1: "12XB" is not a byte size/],
    [["simulate", "--prefetch", "maybe"], /--prefetch: "maybe" is not on or off/],
    [["simulate", "--report", "out.txt"], /must end in \.html/],
    [["simulate", "--report", "/no/such/folder/r.html"], /folder \/no\/such\/folder does not exist/],
    [["simulate", "--agent", "5"], /unknown option --agent \(did you mean --agents\?\)/],
    [["simulate", "extra"], /unexpected argument extra/],
  ])("bad arguments %j → one-line usage error, exit 2", async (argv, message) => {
    const io = capture()
    expect(await runCli(argv, io)).toBe(2)
    expect(io.stderr).toMatch(message)
    expect(io.stderr.trim().split("\n")).toHaveLength(1)
  })

  it("--dir that is a file is a usage error", async () => {
    const file = join(dir, "a-file")
    writeFileSync(file, "x")
    const io = capture()
    expect(await runCli(["simulate", "--dir", file], io)).toBe(2)
    expect(io.stderr).toContain("is not a folder")
  })

  it("--help prints usage and exits 0; no command prints help and exits 2", async () => {
    let io = capture()
    expect(await runCli(["simulate", "--help"], io)).toBe(0)
    expect(io.stdout).toContain("Usage: tiercache simulate")
    io = capture()
    expect(await runCli([], io)).toBe(2)
    expect(io.stdout).toContain("tiercache simulate")
    io = capture()
    expect(await runCli(["frobnicate"], io)).toBe(2)
    expect(io.stderr).toContain('unknown command "frobnicate"')
  })
})
