/**
 * fast-check commands for the model-based tests: each one runs an operation on the real TierCache
 * and on the oracle, and checks the real answer against the oracle right away. `toString` is what a
 * shrunk counterexample prints, so it reads like the call that was made.
 */
import type fc from "fast-check"
import type { AgentView, CacheOps, CacheStats, TierCacheHandle } from "../src/api.js"
import type { CacheValue, TierCacheOptions } from "../src/types.js"
import { AGENTS } from "./arbitraries.js"
import { Oracle, sameValue, show } from "./oracle.js"

/** The system under test: a cache, one view per agent, and how to reopen it on the same folder. */
export interface Real {
  cache: TierCacheHandle
  views: Map<string, AgentView>
  readonly reopen: () => Promise<TierCacheHandle>
  /** Stats of every instance closed by a restart (stats start afresh on reopen). */
  readonly closedStats: CacheStats[]
}

export type Model = Oracle
export type Cmd = fc.AsyncCommand<Model, Real>

/** The ops object for `agent` (undefined = root cache), creating the view if needed. */
function opsFor(real: Real, agent: string | undefined): CacheOps {
  if (agent === undefined) return real.cache
  let view = real.views.get(agent)
  if (view === undefined) {
    view = real.cache.agent(agent)
    real.views.set(agent, view)
  }
  return view
}

const who = (agent: string | undefined) => (agent === undefined ? "cache" : `agent(${agent})`)

/** Runs `op` expecting an AccessDenied rejection when the oracle forbids the access. */
async function expectAccess<T>(model: Model, agent: string | undefined, key: string, op: () => Promise<T> | T): Promise<T | undefined> {
  if (model.mayAccess(agent, key)) return await op()
  let tag: string | undefined
  try {
    await op()
  } catch (e) {
    tag = (e as { _tag?: string })._tag
  }
  if (tag !== "AccessDenied") throw new Error(`${who(agent)} reached ${key}, private to ${model.ownerOf(key)}: expected AccessDenied, got ${tag ?? "success"}`)
  return undefined
}

export class PutCmd implements Cmd {
  constructor(readonly agent: string | undefined, readonly key: string, readonly value: CacheValue) {}
  check = () => true
  async run(model: Model, real: Real): Promise<void> {
    const ops = opsFor(real, this.agent)
    const allowed = model.mayAccess(this.agent, this.key)
    await expectAccess(model, this.agent, this.key, () => ops.put(this.key, this.value))
    if (allowed) model.put(this.key, this.value)
  }
  toString = () => `${who(this.agent)}.put(${JSON.stringify(this.key)}, ${show(this.value)})`
}

export class GetCmd implements Cmd {
  constructor(readonly agent: string | undefined, readonly key: string, readonly mayForget: boolean) {}
  check = () => true
  async run(model: Model, real: Real): Promise<void> {
    const ops = opsFor(real, this.agent)
    if (!model.mayAccess(this.agent, this.key)) {
      await expectAccess(model, this.agent, this.key, () => ops.get(this.key))
      return
    }
    const got = await ops.get(this.key)
    const want = model.current(this.key)
    if (got === undefined && this.mayForget) return
    if (!sameValue(got, want)) throw new Error(`get(${this.key}) returned ${show(got)}, newest acknowledged is ${show(want)}`)
  }
  toString = () => `${who(this.agent)}.get(${JSON.stringify(this.key)})`
}

export class GetIfPresentCmd implements Cmd {
  constructor(readonly agent: string | undefined, readonly key: string) {}
  check = () => true
  async run(model: Model, real: Real): Promise<void> {
    const ops = opsFor(real, this.agent)
    if (!model.mayAccess(this.agent, this.key)) {
      await expectAccess(model, this.agent, this.key, () => ops.getIfPresent(this.key))
      return
    }
    const got = ops.getIfPresent(this.key)
    if (got !== undefined && !sameValue(got, model.current(this.key))) {
      throw new Error(`getIfPresent(${this.key}) returned ${show(got)}, newest acknowledged is ${show(model.current(this.key))}`)
    }
  }
  toString = () => `${who(this.agent)}.getIfPresent(${JSON.stringify(this.key)})`
}

export class InvalidateCmd implements Cmd {
  constructor(readonly agent: string | undefined, readonly key: string) {}
  check = () => true
  async run(model: Model, real: Real): Promise<void> {
    const ops = opsFor(real, this.agent)
    const allowed = model.mayAccess(this.agent, this.key)
    await expectAccess(model, this.agent, this.key, () => ops.invalidate(this.key))
    if (allowed) {
      model.invalidate(this.key)
      const after = ops.getIfPresent(this.key)
      if (after !== undefined) throw new Error(`getIfPresent(${this.key}) after invalidate returned ${show(after)}`)
    }
  }
  toString = () => `${who(this.agent)}.invalidate(${JSON.stringify(this.key)})`
}

/** Ends an agent (its private keys are released) and opens a fresh view for it. */
export class EndAgentCmd implements Cmd {
  constructor(readonly agent: string) {}
  check = () => true
  async run(model: Model, real: Real): Promise<void> {
    const view = opsFor(real, this.agent) as AgentView
    await view.end()
    model.endAgent(this.agent)
    let tag: string | undefined
    try {
      await view.get("k0")
    } catch (e) {
      tag = (e as { _tag?: string })._tag
    }
    if (tag !== "CacheClosed") throw new Error(`a read through an ended view gave ${tag ?? "success"}, expected CacheClosed`)
    real.views.delete(this.agent)
    opsFor(real, this.agent)
    model.registerAgent(this.agent)
  }
  toString = () => `agent(${this.agent}).end()`
}

/** Closes the cache and reopens it on the same L3 folder: every acknowledged put must survive. */
export class RestartCmd implements Cmd {
  check = () => true
  async run(model: Model, real: Real): Promise<void> {
    real.closedStats.push(real.cache.stats())
    await real.cache.close()
    real.cache = await real.reopen()
    real.views.clear()
    for (const a of AGENTS) opsFor(real, a)
    for (const key of model.keys()) {
      const got = await real.cache.get(key)
      if (!sameValue(got, model.current(key))) throw new Error(`after restart get(${key}) returned ${show(got)}, acknowledged ${show(model.current(key))}`)
    }
  }
  toString = () => "restart()"
}

/** Options for the two configurations the model-based suite runs. */
export function tinyBudgets(dir: string, load: TierCacheOptions["load"], l3MaxBytes: number): TierCacheOptions {
  return {
    dir,
    l1: { maxBytes: 2048, maxEntries: 4 },
    l2: { maxBytes: 3072, compressThreshold: 1024 },
    l3: { maxBytes: l3MaxBytes, fsync: false },
    load,
  }
}
