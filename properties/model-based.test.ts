/**
 * Model-based tests: random sequences of put, get, getIfPresent, invalidate, agent-scoped calls,
 * agent end and close-and-reopen, run against the real TierCache with tiny budgets (so eviction,
 * demotion and promotion happen all the time) and checked against the oracle after every command.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import type { CacheStats } from "../src/api.js"
import { createTierCache } from "../src/index.js"
import { AGENTS, agentArb, keyArb, valueArb } from "./arbitraries.js"
import { EndAgentCmd, GetCmd, GetIfPresentCmd, InvalidateCmd, PutCmd, RestartCmd, tinyBudgets, type Real } from "./commands.js"
import { CI_RUNS, PROPERTY_TIMEOUT_MS, runs } from "./config.js"
import { Oracle } from "./oracle.js"

function commandsArb(mayForget: boolean) {
  return fc.commands(
    [
      fc.tuple(agentArb, keyArb, valueArb).map(([a, k, v]) => new PutCmd(a, k, v)),
      fc.tuple(agentArb, keyArb).map(([a, k]) => new GetCmd(a, k, mayForget)),
      fc.tuple(agentArb, keyArb).map(([a, k]) => new GetIfPresentCmd(a, k)),
      fc.tuple(agentArb, keyArb).map(([a, k]) => new InvalidateCmd(a, k)),
      fc.constantFrom(...AGENTS).map((a) => new EndAgentCmd(a)),
      fc.constant(new RestartCmd()),
    ],
    { maxCommands: 60, size: "+2" },
  )
}

/** Tier activity summed over every run: proves the budgets really forced the tiers to work. */
const activity = { scenarios: 0, commands: 0, puts: 0, gets: 0, l1Evictions: 0, l2Hits: 0, l3Hits: 0, promotions: 0, demotions: 0, loads: 0 }

function recordActivity(real: Real): void {
  for (const s of [...real.closedStats, real.cache.stats()]) addActivity(s)
}

function addActivity(s: CacheStats): void {
  activity.puts += s.puts
  activity.gets += s.gets
  activity.l1Evictions += s.l1.evictions
  activity.l2Hits += s.l2.hits
  activity.l3Hits += s.l3.hits
  activity.promotions += s.l2.promotions + s.l3.promotions + s.l1.promotions
  activity.demotions += s.l1.demotions + s.l2.demotions + s.l3.demotions
  activity.loads += s.loads
}

async function runScenario(cmds: Iterable<fc.AsyncCommand<Oracle, Real>>, withLoader: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tc-props-"))
  const oracle = new Oracle()
  // The loader's source of truth is the oracle: a user whose puts are saved to the source.
  const load = withLoader ? async (key: string) => oracle.current(key) : undefined
  // Without a loader L3 is large, so nothing acknowledged may be forgotten; with one, L3 is tiny too.
  const options = tinyBudgets(dir, load, withLoader ? 16_384 : 1 << 20)
  const cache = await createTierCache(options)
  const real: Real = { cache, views: new Map(), reopen: () => createTierCache(options), closedStats: [] }
  for (const a of AGENTS) {
    real.views.set(a, cache.agent(a))
    oracle.registerAgent(a)
  }
  activity.scenarios++
  activity.commands += [...cmds].length
  try {
    await fc.asyncModelRun(() => ({ model: oracle, real }), cmds)
  } finally {
    recordActivity(real)
    await real.cache.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

describe("TierCache against the oracle", () => {
  afterAll(() => {
    console.log("model-based tier activity over all runs:", activity)
    expect(activity.l1Evictions).toBeGreaterThan(0)
    expect(activity.l2Hits).toBeGreaterThan(0)
    expect(activity.l3Hits).toBeGreaterThan(0)
    expect(activity.promotions).toBeGreaterThan(0)
    expect(activity.demotions).toBeGreaterThan(0)
    expect(activity.loads).toBeGreaterThan(0)
  })
  it("durable configuration: no loader, large L3 — every get returns exactly the newest acknowledged value", async () => {
    await fc.assert(fc.asyncProperty(commandsArb(false), (cmds) => runScenario(cmds, false)), runs(CI_RUNS))
  }, PROPERTY_TIMEOUT_MS)
  it("forgetful configuration: tiny L1/L2/L3 and a loader — reads never lie", async () => {
    await fc.assert(fc.asyncProperty(commandsArb(false), (cmds) => runScenario(cmds, true)), runs(CI_RUNS))
  }, PROPERTY_TIMEOUT_MS)
})
