/**
 * `tiercache simulate` when things go wrong: failures that are not usage errors (exit 1, one line,
 * the error's tag; the stack only with TIERCACHE_DEBUG), a run whose storage disappears, and
 * resources released on every failure path. Also the summary table's edge rows.
 */
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../../src/cli/main.js"
import { formatSimulationReport, parseSimulateArgs, writeSimulationReport } from "../../src/cli/simulate.js"
import { runSimulation, SIMULATION_DEFAULTS, type SimulationReport } from "../../src/cli/simulate-engine.js"
import { capture } from "./capture.js"

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tiercache-sim-fail-"))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const savedDebug = process.env.TIERCACHE_DEBUG
const savedTmp = process.env.TMPDIR
afterEach(() => {
  if (savedDebug === undefined) delete process.env.TIERCACHE_DEBUG
  else process.env.TIERCACHE_DEBUG = savedDebug
  if (savedTmp === undefined) delete process.env.TMPDIR
  else process.env.TMPDIR = savedTmp
})

const TINY = { ...SIMULATION_DEFAULTS, agents: 5, ops: 200, fsync: false, prefetch: false, l1Bytes: 64 * 1024, l2Bytes: 64 * 1024 }

describe("main: help and failures that are not usage errors", () => {
  it.each([["help"], ["--help"], ["-h"]])("%s prints the command list and exits 0", async (arg) => {
    const io = capture()
    expect(await runCli([arg], io)).toBe(0)
    expect(io.stdout).toContain("tiercache simulate")
    expect(io.stdout).toContain("tiercache replay")
    expect(io.stderr).toBe("")
  })

  it("a storage failure exits 1 with the error's tag on one line", async () => {
    delete process.env.TIERCACHE_DEBUG
    const io = capture()
    expect(await runCli(["simulate", "--agents", "2", "--ops", "10", "--dir", "/dev/null/l3"], io)).toBe(1)
    expect(io.stderr).toMatch(/^tiercache: StorageError: .*\/dev\/null\/l3.*ENOTDIR/)
    expect(io.stderr.trim().split("\n")).toHaveLength(1)
    expect(io.stdout).toBe("")
  })

  it("TIERCACHE_DEBUG adds the stack after the one-line message", async () => {
    process.env.TIERCACHE_DEBUG = "1"
    const io = capture()
    expect(await runCli(["simulate", "--agents", "2", "--ops", "10", "--dir", "/dev/null/l3"], io)).toBe(1)
    const lines = io.stderr.trim().split("\n")
    expect(lines[0]).toMatch(/^tiercache: StorageError: /)
    expect(lines.some((l) => /^\s+at /.test(l))).toBe(true)
  })
})

describe("runSimulation failure paths release the cache and the temp folder", () => {
  it("gcBeforeSample without --expose-gc is refused before anything is created", async () => {
    // Vitest workers run without --expose-gc, so globalThis.gc is absent here.
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined()
    const tmp = mkdtempSync(join(dir, "tmp-"))
    process.env.TMPDIR = tmp
    await expect(runSimulation(TINY, { gcBeforeSample: true })).rejects.toThrow("gcBeforeSample needs node --expose-gc")
    expect(readdirSync(tmp)).toEqual([]) // no leaked tiercache-sim-* folder (and no open cache in it)
  })

  it("storage vanishing mid-run fails the run, closes the cache and reports the first error", async () => {
    const l3 = mkdtempSync(join(dir, "vanish-"))
    let removed = false
    const run = runSimulation(
      { ...TINY, ops: 2000, dir: l3, l1Bytes: 64 * 1024, l2Bytes: 64 * 1024 },
      {
        onProgress: (done) => {
          if (done === 100 && !removed) {
            removed = true
            // Gone in one step: a recursive rm here races the cache's own writes into the folder and
            // can fail with ENOTEMPTY (that error, not the cache's, then failed the run). The moved
            // folder is deleted with `dir` after the suite.
            renameSync(l3, `${l3}-gone`)
          }
        },
      },
    )
    await expect(run).rejects.toMatchObject({ _tag: "StorageError" })
    expect(removed).toBe(true)
  })
})

describe("simulate arguments and summary rows", () => {
  it.each([
    [["--agents", "0"], "option --agents: 0 is out of range (1..100000)"],
    [["--seed=-1"], 'option --seed: "-1" is not a whole number'],
    [["--concurrency", "10001"], "option --concurrency: 10001 is out of range (1..10000)"],
    [["--l2", "1KiB"], "option --l2: 1KiB is out of range (at least 65536 bytes)"],
    [["--fsync", "sometimes"], 'option --fsync: "sometimes" is not on or off'],
    [["--metrics-port", "65536"], "option --metrics-port: 65536 is out of range (0..65535)"],
    [["--metrics-linger", "86401"], "option --metrics-linger: 86401 is out of range (0..86400)"],
  ])("%j → one-line usage error, exit 2", async (argv, message) => {
    const io = capture()
    expect(await runCli(["simulate", ...argv], io)).toBe(2)
    expect(io.stderr).toBe(`tiercache: ${message}\n`)
  })

  it("parses every option into settings", () => {
    const a = parseSimulateArgs([
      "--agents", "3", "--ops", "1e3", "--seed", "9", "--prefetch", "off", "--dir", dir, "--l1", "1MiB", "--l2", "2MiB",
      "--l3", "3MiB", "--concurrency", "4", "--fsync", "on", "--json", "--report", join(dir, "r.html"),
      "--metrics-port", "0", "--metrics-linger", "2",
    ])
    expect(a).toEqual({
      settings: { agents: 3, ops: 1000, seed: 9, prefetch: false, dir, l1Bytes: 1024 ** 2, l2Bytes: 2 * 1024 ** 2, l3Bytes: 3 * 1024 ** 2, concurrency: 4, fsync: true },
      json: true,
      report: join(dir, "r.html"),
      metricsPort: 0,
      metricsLingerSec: 2,
    })
  })

  it("the summary shows '-' for levels that served nothing, flags heap over 200 MB, and lists prefetch figures", async () => {
    const run = await runSimulation({ ...TINY, prefetch: true })
    const r: SimulationReport = {
      ...run.report,
      reads: { ...run.report.reads, l3: 0, load: 0 },
      memory: { ...run.report.memory, peakHeapBytes: 300 * 1024 ** 2 },
    }
    const text = formatSimulationReport(r)
    expect(text).toMatch(/^L3\s+0\s+0\.00 %\s+-\s+-\s+-\s+-\s+-$/m)
    expect(text).toMatch(/^loader\s+0\s+0\.00 %\s+-\s+-$/m)
    expect(text).toContain("300.0 MiB  (over the 200 MB target)")
    for (const row of ["issued", "used", "accuracy", "coverage", "false positives", "wasted"]) expect(text).toMatch(new RegExp(`^${row}\\s+\\S`, "m"))
    expect(text).not.toContain("prefetch: off")
    const normal = formatSimulationReport({ ...run.report, memory: { ...run.report.memory, peakHeapBytes: 10 * 1024 ** 2 } })
    expect(normal).not.toContain("over the 200 MB target")
  })

  it("no reads at all: shares are 0 % rather than NaN", async () => {
    const run = await runSimulation(TINY)
    const r: SimulationReport = { ...run.report, reads: { total: 0, l1: 0, l2: 0, l3: 0, load: 0, miss: 0 } }
    const text = formatSimulationReport(r)
    expect(text).not.toContain("NaN")
    expect(text).toMatch(/^L1\s+0\s+0\.00 %/m)
  })

  it("the HTML summary says 'off' for prefetch and 0 % shares when nothing was read", async () => {
    const run = await runSimulation(TINY)
    const file = join(dir, "no-reads.html")
    writeSimulationReport(file, { ...run, report: { ...run.report, reads: { total: 0, l1: 0, l2: 0, l3: 0, load: 0, miss: 0 } } }, "test")
    const html = readFileSync(file, "utf8")
    expect(html).toContain("<tr><th>prefetch</th><td>off</td></tr>")
    expect(html).toContain("<tr><th>L1 / L2 / L3 share of reads</th><td>0.00 % / 0.00 % / 0.00 %</td></tr>")
    expect(html).not.toContain("NaN")
  })

  it("--report without --json names the written file on stderr; the page summarises prefetch", async () => {
    const file = join(dir, "run.html")
    const io = capture()
    expect(await runCli(["simulate", "--agents", "5", "--ops", "200", "--fsync", "off", "--l1", "64KiB", "--l2", "64KiB", "--prefetch", "on", "--report", file], io)).toBe(0)
    expect(io.stderr).toBe(`report: ${file}\n`)
    expect(readFileSync(file, "utf8")).toMatch(/accuracy \d+\.\d\d %, coverage \d+\.\d\d %, [\d,]+ issued/)
  })
})
