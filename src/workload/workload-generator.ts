/**
 * The agent workload generator: a seeded, deterministic stream of cache ops from a fleet of
 * concurrently running agents (850 by default) of several kinds.
 *
 * - Each agent runs workflow runs of its kind (agent-kinds.ts) over its private keys and shared keys.
 *   The first read of a private key the agent never wrote becomes a write (an agent creates its state
 *   before reading it back), so no op reads state that cannot exist.
 * - Shared keys follow Zipf popularity; the popular set shifts every `phaseLength` ops (phases).
 * - Noise: after any step, with probability `noise`, a read of a random cold key.
 * - Churn: an agent lives a random number of runs, then emits an `end` op and a new agent (fresh id,
 *   random kind) takes its slot — the population stays at `agents`.
 * - Interleaving: each op comes from a uniformly random slot, so agents progress concurrently.
 *
 * Same options (including `seed`) → the same op stream, op for op.
 */
import { DEFAULT_KINDS, sharedSpace, type KindSpec, type SharedSpace, type StepContext } from "./agent-kinds.js"
import { hashString, Prng } from "./prng.js"
import { ZipfSampler } from "./zipf.js"

export type WorkloadOpKind = "get" | "put" | "end"

/** One generated op. For `end`, `key` is "" and `size` 0. */
export interface WorkloadOp {
  readonly agentId: string
  readonly kind: string
  readonly op: WorkloadOpKind
  readonly key: string
  /** Value size in bytes (deterministic per key). */
  readonly size: number
}

export interface WorkloadOptions {
  /** Default 1. */
  readonly seed?: number
  /** Concurrent agents. Default 850. */
  readonly agents?: number
  /** Ops to generate. Default 1,000,000. */
  readonly ops?: number
  readonly kinds?: readonly KindSpec[]
  /** Zipf exponent of shared-key popularity. Default 0.9. */
  readonly zipfExponent?: number
  /** Sizes of the shared key spaces. */
  readonly searchKeys?: number
  readonly paperKeys?: number
  readonly grepKeys?: number
  readonly projects?: number
  readonly teams?: number
  readonly filesPerProject?: number
  /** Probability of a noise read after each step. Default 0.03. */
  readonly noise?: number
  /** Size of the cold noise key space. Default 1,000,000. */
  readonly noiseKeys?: number
  /** An agent lives a uniform number of runs in this range. Default [4, 16]. */
  readonly lifetimeRuns?: readonly [number, number]
  /** Ops per popularity phase. Default 250,000. */
  readonly phaseLength?: number
  /**
   * Agent ids that do not reveal the kind (`agent-17` instead of `coder-17`), for experiments where
   * kinds are hidden from the cache (behavioural clustering). Ops still carry the true `kind`, as
   * ground truth. Default false.
   */
  readonly opaqueIds?: boolean
}

interface AgentSlot {
  readonly id: string
  readonly kind: KindSpec
  readonly group: number
  readonly lifetime: number
  readonly written: Set<string>
  run: number
  queue: WorkloadOp[]
  pos: number
}

/** Base size (bytes) per key class; each key gets 0.5×–1.5× of it, fixed by its hash. */
const BASE_SIZES: readonly (readonly [RegExp, number])[] = [
  [/:conversation$/, 8192],
  [/:checkpoint$/, 32768],
  [/:plan$/, 2048],
  [/:notes$/, 4096],
  [/:summary$/, 2048],
  [/:scratch-\d+$/, 3072],
  [/:task-\d+$/, 1024],
  [/^repo:/, 6144],
  [/^paper:/, 24576],
  [/^search:/, 4096],
  [/^tool:/, 3072],
  [/^team:/, 2048],
]

/** The value size of `key`: deterministic, 0.5×–1.5× the base size of its class (4 KiB default). */
export function sizeOfKey(key: string): number {
  let base = 4096
  for (const [re, size] of BASE_SIZES) {
    if (re.test(key)) {
      base = size
      break
    }
  }
  return Math.max(64, Math.round(base * (0.5 + (hashString(key) % 1000) / 1000)))
}

/** The generator. Iterate it (for…of) to get the ops; each iteration restarts from the seed. */
export class AgentWorkload implements Iterable<WorkloadOp> {
  readonly options: Required<Omit<WorkloadOptions, "kinds">> & { readonly kinds: readonly KindSpec[] }

  constructor(options: WorkloadOptions = {}) {
    const o = {
      seed: options.seed ?? 1,
      agents: options.agents ?? 850,
      ops: options.ops ?? 1_000_000,
      kinds: options.kinds ?? DEFAULT_KINDS,
      zipfExponent: options.zipfExponent ?? 0.9,
      searchKeys: options.searchKeys ?? 20_000,
      paperKeys: options.paperKeys ?? 5_000,
      grepKeys: options.grepKeys ?? 2_000,
      projects: options.projects ?? 40,
      teams: options.teams ?? 30,
      filesPerProject: options.filesPerProject ?? 300,
      noise: options.noise ?? 0.03,
      noiseKeys: options.noiseKeys ?? 1_000_000,
      lifetimeRuns: options.lifetimeRuns ?? ([4, 16] as const),
      phaseLength: options.phaseLength ?? 250_000,
      opaqueIds: options.opaqueIds ?? false,
    }
    if (!(o.agents >= 1)) throw new RangeError(`agents must be >= 1, got ${o.agents}`)
    if (o.kinds.length === 0) throw new RangeError("at least one agent kind is needed")
    if (o.lifetimeRuns[0] < 1 || o.lifetimeRuns[1] < o.lifetimeRuns[0]) throw new RangeError("lifetimeRuns must be [min >= 1, max >= min]")
    this.options = o
  }

  *[Symbol.iterator](): Iterator<WorkloadOp> {
    const o = this.options
    const rng = new Prng(o.seed)
    let emitted = 0
    const samplers = {
      grep: new ZipfSampler(o.grepKeys, o.zipfExponent),
      search: new ZipfSampler(o.searchKeys, o.zipfExponent),
      paper: new ZipfSampler(o.paperKeys, o.zipfExponent),
      files: new ZipfSampler(o.filesPerProject, o.zipfExponent),
    }
    const shared = sharedSpace({ ...samplers, projects: o.projects, teams: o.teams, phase: () => Math.floor(emitted / o.phaseLength) })
    const totalWeight = o.kinds.reduce((s, k) => s + k.weight, 0)
    let serial = 0
    const newAgent = (): AgentSlot => {
      let pick = rng.next() * totalWeight
      let kind = o.kinds[o.kinds.length - 1]
      for (const k of o.kinds) {
        pick -= k.weight
        if (pick < 0) {
          kind = k
          break
        }
      }
      return {
        id: `${o.opaqueIds ? "agent" : kind.name}-${serial++}`,
        kind,
        group: rng.int(Math.max(o.projects, o.teams)),
        lifetime: rng.between(o.lifetimeRuns[0], o.lifetimeRuns[1]),
        written: new Set(),
        run: 0,
        queue: [],
        pos: 0,
      }
    }
    const slots: AgentSlot[] = []
    for (let i = 0; i < o.agents; i++) slots.push(newAgent())

    while (emitted < o.ops) {
      const s = rng.int(o.agents)
      let agent = slots[s]
      if (agent.pos >= agent.queue.length) {
        if (agent.run >= agent.lifetime) {
          emitted++
          yield { agentId: agent.id, kind: agent.kind.name, op: "end", key: "", size: 0 }
          slots[s] = newAgent()
          continue
        }
        agent.queue = planRun(agent, rng, shared, o.noise, o.noiseKeys)
        agent.pos = 0
        agent.run++
        agent = slots[s]
      }
      emitted++
      yield agent.queue[agent.pos++]
    }
  }

  /** All ops as an array (convenient for benchmarks that replay the stream several times). */
  toArray(): WorkloadOp[] {
    return Array.from(this)
  }
}

/** Materialises one workflow run of `agent` as ops. */
function planRun(agent: AgentSlot, rng: Prng, shared: SharedSpace, noise: number, noiseKeys: number): WorkloadOp[] {
  const phases = agent.kind.phases
  let phase = phases[phases.length - 1]
  let before = 0
  for (const p of phases) {
    if (agent.run < before + p.runs) {
      phase = p
      break
    }
    before += p.runs
  }
  const ctx: StepContext = { agentId: agent.id, run: agent.run, group: agent.group, rng, shared }
  const prefix = agent.id + ":"
  const ops: WorkloadOp[] = []
  for (const step of phase.steps) {
    const produced = step.keys(ctx)
    const keys: readonly string[] = typeof produced === "string" ? [produced] : produced
    for (const key of keys) {
      let op = step.op
      if (key.startsWith(prefix)) {
        // An agent cannot read private state it never wrote: its first access creates it.
        if (op === "get" && !agent.written.has(key)) op = "put"
        if (op === "put") agent.written.add(key)
      }
      ops.push({ agentId: agent.id, kind: agent.kind.name, op, key, size: sizeOfKey(key) })
    }
    if (noise > 0 && rng.chance(noise)) {
      const key = `noise:${rng.int(noiseKeys)}`
      ops.push({ agentId: agent.id, kind: agent.kind.name, op: "get", key, size: sizeOfKey(key) })
    }
  }
  return ops
}
