/**
 * The branch lifecycle as xstate v5 machines — the single definition of which branch operation is
 * allowed in which state. The superposition manager never runs an actor per key: it uses the
 * compact tables derived from these machines (./transition-table.ts); test/branches proves table
 * and machine agree on every state × event.
 *
 * Per key (the `status` of spec/Superposition.tla's superposition table):
 *
 *   single ──FORK──▶ superposed ──COLLAPSE──▶ collapsed ──FORK──▶ superposed
 *                    superposed ──PUT_BRANCH / READ_BRANCH / DISCARD(not the last live branch)──▶ superposed
 *   any ──INVALIDATE──▶ single
 *
 * No transition (a `BranchError`): FORK of a superposed key or beyond maxBranches; DISCARD of the
 * last live branch (the spec's Discard requires `live # {b}`: the last branch is collapsed onto
 * instead); anything but FORK / INVALIDATE on a key that is not superposed.
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
  /** `remaining`: live branches left after this discard. */
  | { readonly type: "DISCARD"; readonly remaining: number }
  | { readonly type: "INVALIDATE" }

export interface KeyContext {
  /** Bumped by Fork, Collapse and Invalidate (spec: by Fork and Collapse): a new epoch retires every read in flight. */
  readonly epoch: number
}

const fork = { target: "#key.superposed", guard: "forkWithinLimit", actions: "bumpEpoch" } as const
const invalidate = { target: "#key.single", actions: "bumpEpoch" } as const

export const keyMachine = setup({
  types: { context: {} as KeyContext, events: {} as KeyEvent },
  guards: {
    /** A fork creates at least one and at most `maxBranches` branches. */
    forkWithinLimit: ({ event }) => event.type === "FORK" && event.count >= 1 && event.count <= event.maxBranches,
    /** Discard keeps at least one live branch (spec: Discard(b) requires live # {b}). */
    notLastLiveBranch: ({ event }) => event.type === "DISCARD" && event.remaining >= 1,
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
        DISCARD: { target: "superposed", guard: "notLastLiveBranch" },
        INVALIDATE: invalidate,
      },
    },
    collapsed: { on: { FORK: fork, INVALIDATE: invalidate } },
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
