/**
 * The agent kinds of the workload generator and the workflows they run.
 *
 * A workflow run is a list of steps over the agent's private keys (`<agentId>:conversation`, …)
 * and shared keys (repository files, tool results, search results, papers, team boards). Each
 * kind has phases: a run uses the steps of the phase the agent is in (the last phase repeats).
 * Shared keys are drawn from Zipf popularity (see SharedSpace), so the same hot shared keys recur
 * across agents while most draws are unpredictable for a per-agent model — as in real agent fleets.
 */
import type { Prng } from "./prng.js"
import type { ZipfSampler } from "./zipf.js"

/** What a step needs to name its keys. */
export interface StepContext {
  readonly agentId: string
  /** 0-based workflow run of this agent. */
  readonly run: number
  /** The agent's project (coders) or team (planners), fixed for its life. */
  readonly group: number
  readonly rng: Prng
  readonly shared: SharedSpace
}

/** Zipf samplers for the shared key spaces, with popularity that shifts between phases. */
export interface SharedSpace {
  /** A shared key `prefix:<id>` from a Zipf-popular space of `space` keys. */
  popular(space: "grep" | "search" | "paper", rng: Prng): string
  /** A popular starting file index of a project. */
  fileIndex(rng: Prng): number
  readonly projects: number
  readonly teams: number
  readonly filesPerProject: number
}

export interface Step {
  readonly op: "get" | "put"
  /** One key, or several accessed in order (a sequential read). */
  readonly keys: (ctx: StepContext) => string | readonly string[]
}

export interface Phase {
  /** Runs spent in this phase before moving to the next (ignored for the last phase). */
  readonly runs: number
  readonly steps: readonly Step[]
}

export interface KindSpec {
  readonly name: string
  /** Relative share of new agents of this kind. */
  readonly weight: number
  readonly phases: readonly Phase[]
}

const own = (name: string) => (ctx: StepContext) => `${ctx.agentId}:${name}`
const get = (keys: Step["keys"]): Step => ({ op: "get", keys })
const put = (keys: Step["keys"]): Step => ({ op: "put", keys })

function fileKey(ctx: StepContext, index: number): string {
  return `repo:p${ctx.group % ctx.shared.projects}:file-${index % ctx.shared.filesPerProject}`
}

/** A coder explores its project (sequential file reads), then loops edit → test. */
export const CODER: KindSpec = {
  name: "coder",
  weight: 0.45,
  phases: [
    {
      runs: 2,
      steps: [
        get(own("conversation")),
        get(own("plan")),
        get((ctx) => {
          const start = ctx.shared.fileIndex(ctx.rng)
          return [0, 1, 2, 3, 4].map((i) => fileKey(ctx, start + i))
        }),
        get((ctx) => ctx.shared.popular("grep", ctx.rng)),
        put(own("notes")),
        put(own("conversation")),
      ],
    },
    {
      runs: 0,
      steps: [
        get(own("conversation")),
        get(own("notes")),
        get((ctx) => fileKey(ctx, ctx.shared.fileIndex(ctx.rng))),
        put((ctx) => `${ctx.agentId}:scratch-${ctx.run % 3}`),
        get((ctx) => `tool:test:p${ctx.group % ctx.shared.projects}`),
        get((ctx) => `${ctx.agentId}:scratch-${ctx.run % 3}`),
        put(own("checkpoint")),
        put(own("conversation")),
      ],
    },
  ],
}

/** A researcher searches, reads papers and keeps notes and a summary. */
export const RESEARCHER: KindSpec = {
  name: "researcher",
  weight: 0.35,
  phases: [
    {
      runs: 0,
      steps: [
        get(own("conversation")),
        get((ctx) => ctx.shared.popular("search", ctx.rng)),
        get((ctx) => ctx.shared.popular("search", ctx.rng)),
        get((ctx) => ctx.shared.popular("paper", ctx.rng)),
        get(own("notes")),
        put(own("notes")),
        get(own("summary")),
        put(own("conversation")),
      ],
    },
  ],
}

/** A planner reads its team board and walks its task list. */
export const PLANNER: KindSpec = {
  name: "planner",
  weight: 0.2,
  phases: [
    {
      runs: 0,
      steps: [
        get(own("conversation")),
        get(own("plan")),
        get((ctx) => `team:t${ctx.group % ctx.shared.teams}:board`),
        get((ctx) => [0, 1, 2, 3].map((i) => `${ctx.agentId}:task-${i}`)),
        put(own("plan")),
        put(own("conversation")),
      ],
    },
  ],
}

export const DEFAULT_KINDS: readonly KindSpec[] = [CODER, RESEARCHER, PLANNER]

/** Builds the shared space over Zipf samplers whose popularity ranking rotates every phase. */
export function sharedSpace(options: {
  readonly grep: ZipfSampler
  readonly search: ZipfSampler
  readonly paper: ZipfSampler
  readonly files: ZipfSampler
  readonly projects: number
  readonly teams: number
  /** Current popularity phase (shifts which ids are hot). */
  readonly phase: () => number
}): SharedSpace {
  const rotate = (rank: number, n: number): number => (rank + options.phase() * Math.ceil(n / 7)) % n
  return {
    popular(space, rng) {
      const z = options[space]
      return `${space}:${rotate(z.sample(rng), z.n)}`
    },
    fileIndex(rng) {
      return rotate(options.files.sample(rng), options.files.n)
    },
    projects: options.projects,
    teams: options.teams,
    filesPerProject: options.files.n,
  }
}
