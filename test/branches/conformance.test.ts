/**
 * Conformance with spec/Superposition.tla: random behaviours written by `tla-check --simulate` as
 * ITF traces, replayed step by step on the superposition manager (./superposition-replay.ts).
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { readItf } from "../../properties/conformance/itf.js"
import { replaySuperposition, type SuperpositionReplayStats } from "./superposition-replay.js"

const made: string[] = []
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true })
})

/** Writes `n` random behaviours of the spec under `config` and returns their files. */
function simulate(config: string, n: number, depth: number, seed: number): string[] {
  const out = mkdtempSync(join(tmpdir(), "tc-sp-itf-"))
  made.push(out)
  execFileSync(
    process.execPath,
    ["--import", "tsx", "checker/bin/tla-check.ts", "spec/Superposition.tla", "--config", config, "--simulate", String(n), "--depth", String(depth), "--seed", String(seed), "--itf-dir", out],
    { stdio: "pipe" }
  )
  return readdirSync(out).filter((f) => f.endsWith(".itf.json")).sort().map((f) => join(out, f))
}

describe("conformance with spec/Superposition.tla", () => {
  it("replays random spec behaviours (3 branches, and 2 branches over two fork/collapse rounds)", async () => {
    const files = [
      ...simulate("models/Superposition.cfg", 60, 40, 20261126),
      ...simulate("models/SuperpositionTwoRounds.cfg", 60, 60, 20261127),
    ]
    expect(files.length).toBe(120)
    const stats: SuperpositionReplayStats = { steps: 0, actions: {}, relaxedTierChecks: 0 }
    for (const f of files) await replaySuperposition(readItf(f), stats)
    console.log(`conformance Superposition: ${files.length} traces, ${stats.steps} steps replayed, ${stats.relaxedTierChecks} subset-only tier checks`, stats.actions)
    for (const a of ["Fork", "PutBranch", "ReadBranch", "ReadBranchStart", "ReadBranchComplete", "ReadBase", "Collapse", "Discard", "PromoteBranch", "DemoteBranch", "EvictBranch", "GcSibling"]) {
      expect(stats.actions[a] ?? 0, `action ${a} never replayed`).toBeGreaterThan(0)
    }
  })
})
