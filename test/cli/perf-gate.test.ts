/**
 * The perf gate: its verdict logic, and — end to end, against a baseline measured in the test —
 * that it passes an unchanged build and fails a deliberate 10 % hit-ratio loss or 10 % slowdown
 * (TIERCACHE_GATE_INJECT).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { compareFigures, gateFailed, judge, type Baseline, type Figure } from "../../bench/gate/compare.js"

const ROOT = resolve(import.meta.dirname, "../..")
const fig = (value: number, better: Figure["better"], kind: Figure["kind"] = "deterministic", absSlack?: number): Figure => ({
  value,
  better,
  unit: "u",
  kind,
  ...(absSlack === undefined ? {} : { absSlack }),
})

describe("gate verdicts", () => {
  it("fails a hit-ratio drop beyond 5 % and passes one within it", () => {
    expect(judge("h", fig(0.6, "higher"), fig(0.569, "higher"), 0.05, 0.05).status).toBe("fail") // -5.2 %
    expect(judge("h", fig(0.6, "higher"), fig(0.571, "higher"), 0.05, 0.05).status).toBe("ok") // -4.8 %
    expect(judge("h", fig(0.6, "higher"), fig(0.9, "higher"), 0.05, 0.05).status).toBe("ok") // better is fine
  })

  it("uses the timing margin for timing figures (lower is better)", () => {
    expect(judge("t", fig(2, "lower", "timing"), fig(2.15, "lower", "timing"), 0.05, 0.08).status).toBe("ok") // +7.5 % < 8 %
    expect(judge("t", fig(2, "lower", "timing"), fig(2.2, "lower", "timing"), 0.05, 0.08).status).toBe("fail") // +10 %
  })

  it("treats state counts as equal-or-fail both ways, and near-zero figures by absolute slack", () => {
    expect(judge("s", fig(100, "equal"), fig(94, "equal"), 0.05, 0.05).status).toBe("fail")
    expect(judge("s", fig(100, "equal"), fig(106, "equal"), 0.05, 0.05).status).toBe("fail")
    expect(judge("s", fig(100, "equal"), fig(100, "equal"), 0.05, 0.05).status).toBe("ok")
    expect(judge("a", fig(0, "lower", "deterministic", 0.1), fig(0.05, "lower"), 0.05, 0.05).status).toBe("ok")
    expect(judge("a", fig(0, "lower", "deterministic", 0.1), fig(8, "lower"), 0.05, 0.05).status).toBe("fail")
  })

  it("fails when a baseline figure was not measured; reports new figures without failing", () => {
    const baseline: Baseline = { version: 1, created: "", command: "", machine: {}, tolerance: 0.05, timingMargin: 0.05, figures: { a: fig(1, "higher"), b: fig(1, "higher") } }
    const verdicts = compareFigures(baseline, { a: fig(1, "higher"), c: fig(3, "higher") })
    expect(verdicts.map((v) => [v.name, v.status])).toEqual([["a", "ok"], ["b", "missing"], ["c", "new"]])
    expect(gateFailed(verdicts)).toBe(true)
    expect(gateFailed(verdicts.filter((v) => v.name !== "b"))).toBe(false)
  })
})

describe("perf gate end to end (child processes)", () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "tiercache-gate-"))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const gate = (args: string[], inject?: string) =>
    spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", "bench/gate/run.ts", ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, TIERCACHE_GATE_INJECT: inject ?? "" },
      timeout: 300_000,
    })

  it("passes an unchanged build and catches a deliberate 10 % hit-ratio loss", () => {
    const file = join(dir, "hitratio-baseline.json")
    const base = gate(["--baseline", "--only", "hitratio", "--baseline-file", file])
    expect(base.status, base.stderr).toBe(0)
    const clean = gate(["--only", "hitratio", "--baseline-file", file])
    expect(clean.status, clean.stdout + clean.stderr).toBe(0)
    expect(clean.stdout).toMatch(/bench-gate: pass/)
    const injected = gate(["--only", "hitratio", "--baseline-file", file], "hitratio")
    expect(injected.status, injected.stdout).toBe(1)
    expect(injected.stdout).toMatch(/FAIL hitratio\.\S+: .*REGRESSION beyond 5\.0 %/)
    expect(injected.stdout).toMatch(/bench-gate: FAIL/)
  }, 300_000)

  it("catches a deliberate 10 % slowdown of L1 get and of getIfPresent (timing ratios against lru-cache)", () => {
    const file = join(dir, "timing-baseline.json")
    const base = gate(["--baseline", "--only", "timing", "--runs", "3", "--baseline-file", file])
    expect(base.status, base.stderr).toBe(0)
    const injected = gate(["--only", "timing", "--runs", "3", "--baseline-file", file], "slowdown")
    expect(injected.status, injected.stdout).toBe(1)
    expect(injected.stdout).toMatch(/FAIL timing\.l1GetOverLruGet: .*REGRESSION/)
    expect(injected.stdout).toMatch(/FAIL timing\.getIfPresentOverLruGet: .*REGRESSION/)
  }, 300_000)
})
