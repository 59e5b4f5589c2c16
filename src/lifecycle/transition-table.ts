/**
 * The compact transition table derived from the entry machine (./entry-machine.ts) by walking
 * `machine.root`: one byte per (state, event), `table[state * EVENT_COUNT + event]` = the target
 * state's index, or `NO_TRANSITION` when the state ignores the event. The hierarchy uses it on its
 * slow paths instead of running an actor per entry; test/lifecycle proves it agrees with the real
 * machine on every state × event.
 *
 * Guards are evaluated here with the concrete event sample of each event code (CRASH has two:
 * durable and volatile), against the machine's initial context — the entry guards look only at
 * the event, so the table is exact.
 */
import type { AnyStateNode, AnyTransitionDefinition } from "xstate"
import { entryMachine, type EntryEvent } from "./entry-machine.js"

/** The event codes of the table, each with the concrete event it stands for. */
export const EVENT_SAMPLES = [
  ["READ_MISS", { type: "READ_MISS" }],
  ["PREFETCH", { type: "PREFETCH" }],
  ["FILL_OK", { type: "FILL_OK", version: 1 }],
  ["FILL_STALE", { type: "FILL_STALE" }],
  ["PROMOTE", { type: "PROMOTE" }],
  ["DEMOTE", { type: "DEMOTE" }],
  ["EVICT", { type: "EVICT" }],
  ["INVALIDATE", { type: "INVALIDATE", version: 1 }],
  ["PUT", { type: "PUT", version: 1 }],
  ["USE", { type: "USE" }],
  ["CRASH_DURABLE", { type: "CRASH", durable: true }],
  ["CRASH_VOLATILE", { type: "CRASH", durable: false }],
] as const satisfies readonly (readonly [string, EntryEvent])[]

export type EventName = (typeof EVENT_SAMPLES)[number][0]
export const EVENT_COUNT = EVENT_SAMPLES.length
export const NO_TRANSITION = 0xff

/** Event code constants, e.g. `Ev.FILL_OK`. */
export const Ev = Object.fromEntries(EVENT_SAMPLES.map(([name], i) => [name, i])) as { readonly [K in EventName]: number }

/** Leaf states of a node in document order, as dotted paths (`"l1.prefetched"`). */
function leaves(node: AnyStateNode): AnyStateNode[] {
  const children = Object.values(node.states) as AnyStateNode[]
  if (children.length === 0) return [node]
  return children.flatMap(leaves)
}

const pathOf = (node: AnyStateNode): string => node.path.join(".")

/** Follows initial states down to a leaf (a transition to `l1` enters `l1.demand`). */
function resolveLeaf(node: AnyStateNode): AnyStateNode {
  let n = node
  while (n.type === "compound") {
    const initial = n.initial?.target?.[0] as AnyStateNode | undefined
    if (initial === undefined) throw new Error(`state ${pathOf(n)} has no initial state`)
    n = initial
  }
  return n
}

function guardPasses(t: AnyTransitionDefinition, event: EntryEvent): boolean {
  if (t.guard === undefined) return true
  const name = typeof t.guard === "string" ? t.guard : (t.guard as { type?: unknown }).type
  const impl = (entryMachine.implementations.guards as Record<string, unknown>)[String(name)]
  if (typeof impl !== "function") throw new Error(`lifecycle table: guard ${String(name)} is not a named guard`)
  const context = entryMachine.config.context
  return Boolean((impl as (args: { context: unknown; event: EntryEvent }) => unknown)({ context, event }))
}

/**
 * Where `event` takes `leaf`, as the machine defines it: the deepest state with a transition for the
 * event type wins (like xstate's own selection), then the first candidate whose guard passes.
 * `null` = no transition; a targetless transition stays on `leaf`.
 */
function targetOf(leaf: AnyStateNode, event: EntryEvent): AnyStateNode | null {
  for (let node: AnyStateNode | undefined = leaf; node !== undefined; node = node.parent) {
    const candidates = node.transitions.get(event.type) as AnyTransitionDefinition[] | undefined
    if (candidates === undefined) continue
    for (const t of candidates) {
      if (!guardPasses(t, event)) continue
      const target = t.target?.[0] as AnyStateNode | undefined
      return target === undefined ? leaf : resolveLeaf(target)
    }
  }
  return null
}

export interface TransitionTable {
  /** Leaf state paths; a state's index is its code. */
  readonly states: readonly string[]
  readonly events: readonly EventName[]
  /** `cells[state * EVENT_COUNT + event]` = target state code or NO_TRANSITION. */
  readonly cells: Uint8Array
}

/** Walks the machine and builds the table (runs once at module load; ~100 lookups). */
export function deriveTransitionTable(): TransitionTable {
  const nodes = leaves(entryMachine.root)
  const states = nodes.map(pathOf)
  const cells = new Uint8Array(nodes.length * EVENT_COUNT).fill(NO_TRANSITION)
  nodes.forEach((node, s) => {
    EVENT_SAMPLES.forEach(([, event], e) => {
      const target = targetOf(node, event)
      if (target !== null) cells[s * EVENT_COUNT + e] = states.indexOf(pathOf(target))
    })
  })
  return { states, events: EVENT_SAMPLES.map(([name]) => name), cells }
}

export const ENTRY_TABLE: TransitionTable = deriveTransitionTable()

const code = (path: string): number => {
  const i = ENTRY_TABLE.states.indexOf(path)
  if (i < 0) throw new Error(`the entry machine has no state ${path}`)
  return i
}

/** State codes, e.g. `St.L1_PREFETCHED`. Looked up by path so a renamed machine state fails loudly at load. */
export const St = {
  ABSENT: code("absent"),
  LOADING_DEMAND: code("loading.demand"),
  LOADING_PREFETCH: code("loading.prefetch"),
  L1_DEMAND: code("l1.demand"),
  L1_PREFETCHED: code("l1.prefetched"),
  L2: code("l2"),
  L3: code("l3"),
  INVALIDATED: code("invalidated"),
  EVICTED: code("evicted"),
} as const

/** The table cell: target state code or NO_TRANSITION. */
export function transitionOf(state: number, event: number): number {
  return ENTRY_TABLE.cells[state * EVENT_COUNT + event]
}

/** Where `event` takes `state`; a state that ignores the event stays where it is. */
export function nextState(state: number, event: number): number {
  const t = ENTRY_TABLE.cells[state * EVENT_COUNT + event]
  return t === NO_TRANSITION ? state : t
}

/** Tier a state's entry is resident in: 1, 2, 3, or 0 (held nowhere / in flight). */
export function tierOf(state: number): 0 | 1 | 2 | 3 {
  if (state === St.L1_DEMAND || state === St.L1_PREFETCHED) return 1
  if (state === St.L2) return 2
  if (state === St.L3) return 3
  return 0
}
