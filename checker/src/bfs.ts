/**
 * Breadth-first exploration of the state graph, as TLC does it with one worker.
 *
 * `generated` counts every initial state computed plus every successor computed from every
 * explored state, duplicates and self-loops included. Invariants are checked on each new distinct
 * state when it is found, so the first violation found lies on the lowest level that has one and
 * its trace is a shortest counterexample. A state with no successor at all is a deadlock (a
 * state whose only successor is itself is not).
 */
import { EvalError } from "./errors.js"
import { FingerprintSet } from "./fpset.js"
import { hashState, lanes } from "./fingerprint.js"
import type { LoadedModel } from "./model.js"
import { formatLabel, labelOf, type ActionLabel } from "./labels.js"
import type { Ctx, Frame } from "./scope.js"
import type { Value } from "./values.js"

/** How a run ended. */
export type Outcome = "ok" | "deadlock" | "violation"

/** The facts of one model-checking run. */
export interface CheckResult {
  readonly outcome: Outcome
  /** The violated invariant, for `violation`. */
  readonly violated: string | null
  readonly generated: number
  readonly distinct: number
  /** States still queued when the search stopped (0 after a complete search). */
  readonly left: number
  /** Number of BFS levels reached (1 when there are only initial states). */
  readonly depth: number
  /** The counterexample, initial state first (for violation and deadlock). */
  readonly trace: Value[][] | null
  /** For each trace state, the action that produced it (`Put(k1)`; the first is `Initial predicate`). */
  readonly traceActions: string[] | null
  readonly wallMs: number
  /** CPU time of this process during the search (user + system); steadier than wall time on a busy machine. */
  readonly cpuMs: number
}

/** Options for {@link checkModel}. */
export interface CheckOptions {
  /** Overrides the cfg's CHECK_DEADLOCK. */
  readonly checkDeadlock?: boolean
  /** Stops with an error after this many distinct states (a safety net for runaway models). */
  readonly maxStates?: number
  /** Called about every `progressMs` (default 10 s) during long searches, like TLC's Progress lines. */
  readonly onProgress?: (p: { generated: number; distinct: number; left: number; depth: number; wallMs: number }) => void
  readonly progressMs?: number
}

class Stop {
  constructor(
    readonly outcome: Outcome,
    readonly index: number,
    readonly violated: string | null
  ) {}
}

/** Thrown when a successor leaves a variable unassigned. */
export function incompleteState(model: LoadedModel, nxt: (Value | undefined)[], initial: boolean): never {
  const missing = model.vars.filter((_, i) => nxt[i] === undefined)
  throw new EvalError(
    `${initial ? "an initial state" : "a successor state"} does not assign ${missing.join(", ")} (${
      initial ? "the initial predicate must give every variable a value" : "every action must assign every primed variable or leave it UNCHANGED"
    })`
  )
}

/** Runs the breadth-first search. */
export function checkModel(model: LoadedModel, options: CheckOptions = {}): CheckResult {
  const start = performance.now()
  const cpuStart = process.cpuUsage()
  const checkDeadlock = options.checkDeadlock ?? model.checkDeadlock
  const maxStates = options.maxStates ?? Number.POSITIVE_INFINITY
  const nvars = model.vars.length
  const seen = new FingerprintSet()
  const states: Value[][] = []
  /** The action that first reached each distinct state (name and arguments). */
  const reachedBy: (ActionLabel | undefined)[] = []
  let parent = new Int32Array(1024)
  let level = new Int32Array(1024)
  const invariants = model.invariants
  let generated = 0
  let depth = 0

  const ctx: Ctx = { cur: [], nxt: new Array(nvars).fill(undefined), assigned: 0 }
  const add = (s: Value[], from: number): void => {
    hashState(s)
    if (!seen.add(lanes.h1, lanes.h2)) return
    const idx = states.length
    if (idx === parent.length) {
      const p = new Int32Array(idx * 2)
      p.set(parent)
      parent = p
      const l = new Int32Array(idx * 2)
      l.set(level)
      level = l
    }
    states.push(s)
    reachedBy.push(from < 0 ? undefined : labelOf(ctx))
    parent[idx] = from
    const lv = from < 0 ? 1 : level[from] + 1
    level[idx] = lv
    if (lv > depth) depth = lv
    for (let i = 0; i < invariants.length; i++) {
      if (!invariants[i].check(s)) throw new Stop("violation", idx, invariants[i].name)
    }
    if (idx + 1 > maxStates) throw new EvalError(`more than ${maxStates} distinct states; stopping (raise --max-states)`)
  }

  let head = 0
  let stop: Stop | undefined
  try {
    const initFrame: Frame = new Array(model.init.layout.size)
    model.init.act(ctx, initFrame, () => {
      generated++
      const s = ctx.nxt.slice() as Value[]
      for (let i = 0; i < nvars; i++) if (s[i] === undefined) incompleteState(model, ctx.nxt, true)
      add(s, -1)
    })
    ctx.nxt.fill(undefined)
    const frame: Frame = new Array(model.next.layout.size)
    const next = model.next.act
    let successors = 0
    const progressMs = options.progressMs ?? 10_000
    let nextProgress = start + progressMs
    const emit = (): void => {
      generated++
      successors++
      // Checking the clock only every 65536 successors keeps this off the hot path.
      if ((generated & 0xffff) === 0 && options.onProgress && performance.now() >= nextProgress) {
        nextProgress = performance.now() + progressMs
        options.onProgress({ generated, distinct: states.length, left: states.length - head - 1, depth, wallMs: performance.now() - start })
      }
      const nxt = ctx.nxt
      const s = new Array<Value>(nvars)
      for (let i = 0; i < nvars; i++) {
        const v = nxt[i]
        if (v === undefined) incompleteState(model, nxt, false)
        s[i] = v
      }
      add(s, head)
    }
    for (; head < states.length; head++) {
      ctx.cur = states[head]
      successors = 0
      next(ctx, frame, emit)
      if (successors === 0 && checkDeadlock) throw new Stop("deadlock", head, null)
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e
    stop = e
  }
  const wallMs = performance.now() - start
  const cpu = process.cpuUsage(cpuStart)
  const cpuMs = (cpu.user + cpu.system) / 1000
  if (!stop) {
    return { outcome: "ok", violated: null, generated, distinct: states.length, left: 0, depth, trace: null, traceActions: null, wallMs, cpuMs }
  }
  const trace: Value[][] = []
  const traceActions: string[] = []
  for (let i = stop.index; i >= 0; i = parent[i]) {
    trace.push(states[i])
    traceActions.push(i === 0 || parent[i] < 0 ? "Initial predicate" : formatLabel(reachedBy[i]))
  }
  trace.reverse()
  traceActions.reverse()
  return {
    outcome: stop.outcome,
    violated: stop.violated,
    generated,
    distinct: states.length,
    // The state at `head` was dequeued when the search stopped; everything after it is queued.
    left: Math.max(0, states.length - head - 1),
    depth,
    trace,
    traceActions,
    wallMs,
    cpuMs
  }
}
