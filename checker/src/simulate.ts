/**
 * Random simulation: N behaviours, each starting from a uniformly chosen initial state and taking
 * a uniformly chosen successor at each step, until the behaviour has `depth` states or reaches a
 * state without successors. Invariants are checked on every state; the first violation stops the
 * simulation (as TLC's -simulate does). Each behaviour can be written as an ITF file.
 */
import { join } from "node:path"
import { incompleteState } from "./bfs.js"
import { writeItf } from "./itf.js"
import { formatLabel, labelOf } from "./labels.js"
import type { LoadedModel } from "./model.js"
import { EXIT, formatTrace, perSecond } from "./report.js"
import type { Ctx, Frame } from "./scope.js"
import type { Value } from "./values.js"

/** Options for {@link simulate}. */
export interface SimulateOptions {
  readonly runs: number
  /** Maximum number of states in a behaviour. */
  readonly depth: number
  readonly seed: number
  readonly itfDir?: string
  readonly checkDeadlock?: boolean
}

/** Outcome of a simulation. */
export interface SimulateResult {
  readonly exitCode: number
  readonly text: string
  readonly summary: Record<string, unknown>
}

/** A small, fast, seedable PRNG (mulberry32); the same seed gives the same behaviours. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Runs the simulation. */
export function simulate(model: LoadedModel, opts: SimulateOptions): SimulateResult {
  const start = performance.now()
  const rand = mulberry32(opts.seed)
  const nvars = model.vars.length
  const checkDeadlock = opts.checkDeadlock ?? model.checkDeadlock
  const ctx: Ctx = { cur: [], nxt: new Array(nvars).fill(undefined), assigned: 0 }

  /** Every successor (or initial state) with the name of the action that produced it. */
  const collect = (act: LoadedModel["init"], initial: boolean): { state: Value[]; action: string }[] => {
    const out: { state: Value[]; action: string }[] = []
    const frame: Frame = new Array(act.layout.size)
    act.act(ctx, frame, () => {
      const s = ctx.nxt.slice() as Value[]
      for (let i = 0; i < nvars; i++) if (s[i] === undefined) incompleteState(model, ctx.nxt, initial)
      out.push({ state: s, action: initial ? "Initial predicate" : formatLabel(labelOf(ctx)) })
    })
    ctx.nxt.fill(undefined)
    return out
  }
  const violatedBy = (s: Value[]): string | null => {
    for (const inv of model.invariants) if (!inv.check(s)) return inv.name
    return null
  }

  const inits = collect(model.init, true)
  let steps = 0
  let deadlocks = 0
  let maxLen = 0
  const files: string[] = []
  let failure: { kind: "violation" | "deadlock"; name: string | null; trace: Value[][]; actions: string[]; run: number } | undefined
  for (let run = 0; run < opts.runs && !failure && inits.length > 0; run++) {
    const first = inits[Math.floor(rand() * inits.length)]
    const trace: Value[][] = [first.state]
    const actions: string[] = [first.action]
    let bad = violatedBy(trace[0])
    while (!bad && trace.length < opts.depth) {
      ctx.cur = trace[trace.length - 1]
      const succ = collect(model.next, false)
      if (succ.length === 0) {
        deadlocks++
        if (checkDeadlock) failure = { kind: "deadlock", name: null, trace, actions, run }
        break
      }
      const pick = succ[Math.floor(rand() * succ.length)]
      trace.push(pick.state)
      actions.push(pick.action)
      steps++
      bad = violatedBy(trace[trace.length - 1])
    }
    if (bad) failure = { kind: "violation", name: bad, trace, actions, run }
    maxLen = Math.max(maxLen, trace.length)
    if (opts.itfDir) {
      const file = join(opts.itfDir, `${model.moduleName}-seed${opts.seed}-${String(run).padStart(4, "0")}.itf.json`)
      writeItf(file, model.vars, trace, {
        source: model.specFile,
        description: `random behaviour ${run} (seed ${opts.seed}, depth ${opts.depth})`,
        seed: opts.seed,
        run,
        ...(bad ? { violated: bad } : {})
      }, actions)
      files.push(file)
    }
  }
  const wallMs = performance.now() - start
  const runsDone = failure ? failure.run + 1 : inits.length > 0 ? opts.runs : 0
  const outcome = failure ? (failure.kind === "violation" ? `violation:${failure.name}` : "deadlock") : "ok"
  const exitCode = !failure ? EXIT.ok : failure.kind === "violation" ? EXIT.violation : EXIT.deadlock
  const lines: string[] = []
  if (failure) {
    lines.push(failure.kind === "violation" ? `Error: Invariant ${failure.name} is violated.` : "Error: Deadlock reached.")
    lines.push("Error: The behavior up to this point is:")
    lines.push(formatTrace(model.vars, failure.trace, failure.actions))
  } else {
    lines.push(`Simulation completed. No error has been found in ${runsDone} behaviours.`)
  }
  lines.push(`${runsDone} behaviours, ${steps} steps, longest behaviour ${maxLen} states, ${deadlocks} ended without successors.`)
  if (files.length) lines.push(`Wrote ${files.length} ITF traces to ${opts.itfDir}.`)
  lines.push(`Finished in ${Math.round(wallMs)}ms (${perSecond(steps, wallMs)} steps/s).`)
  return {
    exitCode,
    text: lines.join("\n"),
    summary: {
      spec: model.specFile,
      mode: "simulate",
      outcome,
      violated: failure?.name ?? null,
      runs: runsDone,
      steps,
      longest: maxLen,
      deadlocks,
      seed: opts.seed,
      depth: opts.depth,
      traceLength: failure ? failure.trace.length : null,
      files,
      wallMs: Math.round(wallMs * 10) / 10,
      stepsPerSecond: perSecond(steps, wallMs),
      exitCode
    }
  }
}
