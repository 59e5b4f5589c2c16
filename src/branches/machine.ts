/**
 * The branch lifecycle as xstate v5 machines — the single definition of which branch operation is
 * allowed in which state. The superposition manager never runs an actor per key: it uses the
 * compact tables derived from these machines (./transition-table.ts); test/branches proves table
 * and machine agree on every state × event.
 *
 * Per key (the `status` of spec/Superposition.tla's superposition table):
 *
 *   single ──FORK──▶ superposed ──COLLAPSE──▶ collapsed ──FORK──▶ superposed
 *                    superposed ──DISCARD(last live branch)──▶ discarded ──FORK──▶ superposed
 *                    superposed ──PUT_BRANCH / READ_BRANCH / DISCARD(not last)──▶ superposed
 *   any ──INVALIDATE──▶ single        FORK beyond maxBranches: no transition (BranchError)
 *
 * Per branch: live ──PUT_BRANCH / READ_BRANCH──▶ live, live ──WIN──▶ winner,
 * live ──LOSE / DISCARD──▶ discarded (both final: a discarded branch never comes back; a later fork
 * starts a new epoch with fresh branches).
 */
import { assign, setup } from "xstate"

/** Events on a key's superposition record. */
export type KeyEvent =
  | { readonly type: "FORK"; readonly count: number; readonly maxBranches: number }
  | { readonly type: "PUT_BRANCH" }
  | { readonly type: "READ_BRANCH" }
  | { readonly type: "COLLAPSE" }
  | { readonly type: "DISCARD"; readonly remaining: number }
  | { readonly type: "INVALIDATE" }

export interface KeyContext {
  /** Bumped by every transition that retires a set of branches (Collapse, last Discard, Invalidate). */
  readonly epoch: number
}

const fork = { target: "#key.superposed", guard: "forkWithinLimit", actions: "bumpEpoch" } as const
const invalidate = { target: "#key.single", actions: "bumpEpoch" } as const

export const keyMachine = setup({
  types: { context: {} as KeyContext, events: {} as KeyEvent },
  guards: {
    /** A fork creates at least one and at most `maxBranches` branches. */
    forkWithinLimit: ({ event }) => event.type === "FORK" && event.count >= 1 && event.count <= event.maxBranches,
    /** Discarding the last live branch ends the superposition (the base stays as it is). */
    lastLiveBranch: ({ event }) => event.type === "DISCARD" && event.remaining === 0,
  },
  actions: {
    bumpEpoch: assign({ epoch: ({ context }) => context.epoch + 1 }),
  },
}).createMachine({
  id: "key",
  context: { epoch: 0 },
  initial: "single",
  states: {
    single: { on: { FORK: fork, INVALIDATE: invalidate } },
    superposed: {
      on: {
        PUT_BRANCH: { target: "superposed" },
        READ_BRANCH: { target: "superposed" },
        COLLAPSE: { target: "collapsed", actions: "bumpEpoch" },
        DISCARD: [
          { target: "discarded", guard: "lastLiveBranch", actions: "bumpEpoch" },
          { target: "superposed" },
        ],
        INVALIDATE: invalidate,
      },
    },
    collapsed: { on: { FORK: fork, INVALIDATE: invalidate } },
    discarded: { on: { FORK: fork, INVALIDATE: invalidate } },
  },
})

/** Events on one branch. */
export type BranchEvent =
  | { readonly type: "PUT_BRANCH" }
  | { readonly type: "READ_BRANCH" }
  | { readonly type: "WIN" }
  | { readonly type: "LOSE" }
  | { readonly type: "DISCARD" }

export const branchMachine = setup({
  types: { events: {} as BranchEvent },
}).createMachine({
  id: "branch",
  initial: "live",
  states: {
    live: {
      on: {
        PUT_BRANCH: { target: "live" },
        READ_BRANCH: { target: "live" },
        WIN: { target: "winner" },
        LOSE: { target: "discarded" },
        DISCARD: { target: "discarded" },
      },
    },
    winner: { type: "final" },
    discarded: { type: "final" },
  },
})

export type KeyMachine = typeof keyMachine
export type BranchMachine = typeof branchMachine
