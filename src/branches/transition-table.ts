/**
 * Compact transition tables derived from the branch machines (./machine.ts) by walking their state
 * nodes: `cells[state * eventCount + event]` = target state code or `NO_TRANSITION`. The
 * superposition manager consults these on every operation instead of running actors; a missing
 * transition is a `BranchError`.
 *
 * Guards are evaluated with one concrete event sample per event code (`FORK_OK` and
 * `FORK_TOO_MANY` are two samples of FORK); the branch guards look only at the event, so the table
 * is exact. test/branches/machine.test.ts replays every cell on a real actor.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition, EventObject } from "xstate"
import { branchMachine, keyMachine, type BranchEvent, type KeyEvent } from "./machine.js"

export const NO_TRANSITION = 0xff

/** A derived table: state names (index = code), event sample names (index = code), cells. */
export interface BranchTable<E extends string> {
  readonly states: readonly string[]
  readonly events: readonly E[]
  readonly samples: readonly EventObject[]
  readonly cells: Uint8Array
}

export const KEY_EVENT_SAMPLES = [
  ["FORK_OK", { type: "FORK", count: 2, maxBranches: 16 }],
  ["FORK_TOO_MANY", { type: "FORK", count: 17, maxBranches: 16 }],
  ["FORK_NONE", { type: "FORK", count: 0, maxBranches: 16 }],
  ["PUT_BRANCH", { type: "PUT_BRANCH" }],
  ["READ_BRANCH", { type: "READ_BRANCH" }],
  ["COLLAPSE", { type: "COLLAPSE" }],
  ["DISCARD_SOME", { type: "DISCARD", remaining: 1 }],
  ["DISCARD_LAST", { type: "DISCARD", remaining: 0 }],
  ["INVALIDATE", { type: "INVALIDATE" }],
] as const satisfies readonly (readonly [string, KeyEvent])[]

export const BRANCH_EVENT_SAMPLES = [
  ["PUT_BRANCH", { type: "PUT_BRANCH" }],
  ["READ_BRANCH", { type: "READ_BRANCH" }],
  ["WIN", { type: "WIN" }],
  ["LOSE", { type: "LOSE" }],
  ["DISCARD", { type: "DISCARD" }],
] as const satisfies readonly (readonly [string, BranchEvent])[]

function guardPasses(machine: AnyStateMachine, t: AnyTransitionDefinition, event: EventObject): boolean {
  if (t.guard === undefined) return true
  const name = typeof t.guard === "string" ? t.guard : (t.guard as { type?: unknown }).type
  const impl = (machine.implementations.guards as Record<string, unknown>)[String(name)]
  if (typeof impl !== "function") throw new Error(`branch table: guard ${String(name)} is not a named guard`)
  return Boolean((impl as (a: { context: unknown; event: EventObject }) => unknown)({ context: machine.config.context, event }))
}

/** First transition for the event whose guard passes (xstate's own selection on a flat machine). */
function targetOf(machine: AnyStateMachine, node: AnyStateNode, event: EventObject): AnyStateNode | null {
  const candidates = node.transitions.get(event.type) as AnyTransitionDefinition[] | undefined
  if (candidates === undefined) return null
  for (const t of candidates) {
    if (!guardPasses(machine, t, event)) continue
    return (t.target?.[0] as AnyStateNode | undefined) ?? node
  }
  return null
}

/** Builds the table of a flat machine (both branch machines are flat: one level of states). */
export function deriveTable<E extends string>(
  machine: AnyStateMachine,
  samples: readonly (readonly [E, EventObject])[]
): BranchTable<E> {
  const nodes = Object.values(machine.root.states) as AnyStateNode[]
  for (const n of nodes) if (n.type === "compound") throw new Error(`branch table: ${n.key} is nested; tables assume flat machines`)
  const states = nodes.map((n) => n.key)
  const cells = new Uint8Array(nodes.length * samples.length).fill(NO_TRANSITION)
  nodes.forEach((node, s) => {
    samples.forEach(([, event], e) => {
      const target = targetOf(machine, node, event)
      if (target !== null) cells[s * samples.length + e] = states.indexOf(target.key)
    })
  })
  return { states, events: samples.map(([name]) => name), samples: samples.map(([, ev]) => ev), cells }
}

export type KeyEventName = (typeof KEY_EVENT_SAMPLES)[number][0]
export type BranchEventName = (typeof BRANCH_EVENT_SAMPLES)[number][0]

export const KEY_TABLE: BranchTable<KeyEventName> = deriveTable(keyMachine, KEY_EVENT_SAMPLES)
export const BRANCH_TABLE: BranchTable<BranchEventName> = deriveTable(branchMachine, BRANCH_EVENT_SAMPLES)

const codes = <E extends string>(names: readonly E[]): { readonly [K in E]: number } =>
  Object.fromEntries(names.map((n, i) => [n, i])) as { readonly [K in E]: number }

function stateCode(table: BranchTable<string>, name: string): number {
  const i = table.states.indexOf(name)
  if (i < 0) throw new Error(`branch machine has no state ${name}`)
  return i
}

/** Key event codes, e.g. `KeyEv.COLLAPSE`. */
export const KeyEv = codes(KEY_TABLE.events)
/** Branch event codes. */
export const BranchEv = codes(BRANCH_TABLE.events)

/** Key state codes; looked up by name so a renamed machine state fails loudly at load. */
export const KeySt = {
  SINGLE: stateCode(KEY_TABLE, "single"),
  SUPERPOSED: stateCode(KEY_TABLE, "superposed"),
  COLLAPSED: stateCode(KEY_TABLE, "collapsed"),
} as const

export const BranchSt = {
  LIVE: stateCode(BRANCH_TABLE, "live"),
  WINNER: stateCode(BRANCH_TABLE, "winner"),
  DISCARDED: stateCode(BRANCH_TABLE, "discarded"),
} as const

/** Target key state of `event` in `state`, or NO_TRANSITION. */
export function keyTransition(state: number, event: number): number {
  return KEY_TABLE.cells[state * KEY_TABLE.events.length + event]
}

/** Target branch state of `event` in `state`, or NO_TRANSITION. */
export function branchTransition(state: number, event: number): number {
  return BRANCH_TABLE.cells[state * BRANCH_TABLE.events.length + event]
}

/** The FORK event code for a fork of `count` branches under a `maxBranches` limit. */
export function forkEvent(count: number, maxBranches: number): number {
  if (count < 1) return KeyEv.FORK_NONE
  return count <= maxBranches ? KeyEv.FORK_OK : KeyEv.FORK_TOO_MANY
}
