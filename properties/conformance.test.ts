/**
 * Conformance: random behaviours of the specs, written by `tla-check --simulate` as ITF traces,
 * replayed step by step on the implementation (see properties/conformance/).
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { describe, expect, it } from "vitest"
import { PROPERTY_TIMEOUT_MS } from "./config.js"
import { readItf } from "./conformance/itf.js"
import { replayTierCoherency, type ReplayStats } from "./conformance/tier-coherency-replay.js"

const scale = Number(process.env.PROPS_SCALE ?? "1")

/** Writes `n` random behaviours of `spec` under `config` (depth `depth`, seed `seed`) and returns their files. */
function simulate(spec: string, config: string, n: number, depth: number, seed: number): string[] {
  const out = mkdtempSync(join(tmpdir(), "tc-itf-"))
  execFileSync(process.execPath, ["--import", "tsx", "checker/bin/tla-check.ts", spec, "--config", config, "--simulate", String(n), "--depth", String(depth), "--seed", String(seed), "--itf-dir", out], { stdio: "pipe" })
  return readdirSync(out).filter((f) => f.endsWith(".itf.json")).sort().map((f) => join(out, f))
}

describe("conformance with spec/TierCoherency.tla", () => {
  it("replays random spec behaviours on the implementation with matching states after every step", async () => {
    const files = simulate("spec/TierCoherency.tla", "models/TierCoherency.cfg", Math.round(150 * scale), 40, 20261126)
    expect(files.length).toBe(Math.round(150 * scale))
    const stats: ReplayStats = { steps: 0, actions: {} }
    for (const f of files) await replayTierCoherency(readItf(f), stats)
    rmSync(dirname(files[0]), { recursive: true, force: true })
    console.log(`conformance TierCoherency: ${files.length} traces, ${stats.steps} steps replayed`, stats.actions)
    // Every action of the spec must have been exercised.
    for (const a of ["Read", "Put", "FillStart", "FillComplete", "PrefetchStart", "PrefetchComplete", "Promote", "Demote", "Evict", "Invalidate", "Crash"]) {
      expect(stats.actions[a] ?? 0, `action ${a} never replayed`).toBeGreaterThan(0)
    }
  }, PROPERTY_TIMEOUT_MS)
})
