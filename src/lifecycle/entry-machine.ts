/**
 * The life of one cache entry, as an xstate v5 machine — the single definition of which tier an
 * entry may move to on which event. The hierarchy never runs an actor per entry: it uses the
 * transition table derived from this machine (./transition-table.ts) on its slow paths.
 *
 * A state names the FASTEST place holding the key's current version:
 *
 *   absent ──READ_MISS──▶ loading.demand ──FILL_OK──▶ l1.demand ──DEMOTE──▶ l2 ──DEMOTE──▶ l3
 *          ──PREFETCH──▶ loading.prefetch ─FILL_OK──▶ l1.prefetched ──USE──▶ l1.demand
 *   l2 ──PROMOTE──▶ l1.demand            l3 ──READ_MISS──▶ loading (an L3 read is a fill)
 *   any ──INVALIDATE──▶ invalidated       any ──PUT──▶ l1.demand   l1/l2/l3 ──EVICT──▶ evicted
 *   loading ──FILL_STALE──▶ absent (the fill was overtaken by a put or invalidate: dropped)
 *   CRASH: memory tiers and in-flight fills are lost; the entry survives only if L3 holds it.
 *
 * These are the entry states of spec/TierCoherency.tla: `loading` is an in-flight fill record,
 * `l1`/`l2`/`l3` the tier holding the key's version, `invalidated` an L3 tombstone, `absent` and
 * `evicted` a key held nowhere. The events are its actions (Read, FillStart, FillComplete, Promote,
 * Demote, Evict, Invalidate, Put, PrefetchStart, PrefetchComplete, Crash).
 */
import { assign, setup } from "xstate"

/** Everything that can happen to an entry. `version` is the version the event installs or tombstones. */
export type EntryEvent =
  | { readonly type: "READ_MISS" }
  | { readonly type: "PREFETCH" }
  | { readonly type: "FILL_OK"; readonly version: number }
  | { readonly type: "FILL_STALE" }
  | { readonly type: "PROMOTE" }
  | { readonly type: "DEMOTE" }
  | { readonly type: "EVICT" }
  | { readonly type: "INVALIDATE"; readonly version: number }
  | { readonly type: "PUT"; readonly version: number }
  | { readonly type: "USE" }
  | { readonly type: "CRASH"; readonly durable: boolean }

export interface EntryContext {
  /** Version of the newest put / fill / tombstone the entry went through (-1: none yet). */
  readonly version: number
  /** Fills dropped because a put or invalidate overtook them. */
  readonly staleFills: number
}

/** Transitions shared by every resident state (l1.*, l2, l3): a write or a tombstone wins over residency. */
const writes = {
  PUT: { target: "#entry.l1.demand", actions: "adoptVersion" },
  INVALIDATE: { target: "#entry.invalidated", actions: "adoptVersion" },
} as const

/** A key that is held nowhere (never seen, evicted or invalidated) behaves the same way. */
const nowhere = {
  READ_MISS: { target: "#entry.loading.demand" },
  PREFETCH: { target: "#entry.loading.prefetch" },
  ...writes,
} as const

export const entryMachine = setup({
  types: {
    context: {} as EntryContext,
    events: {} as EntryEvent,
  },
  guards: {
    /** CRASH keeps the entry when its current version is durable in L3 (every acknowledged put is). */
    durableInL3: ({ event }) => event.type === "CRASH" && event.durable,
  },
  actions: {
    /** Remember the version a put, fill or tombstone carried. */
    adoptVersion: assign({
      version: ({ context, event }) => ("version" in event ? event.version : context.version),
    }),
    /** Count a fill that finished after a put/invalidate and was therefore not installed. */
    countStaleFill: assign({ staleFills: ({ context }) => context.staleFills + 1 }),
  },
}).createMachine({
  id: "entry",
  context: { version: -1, staleFills: 0 },
  initial: "absent",
  states: {
    absent: { on: { ...nowhere } },
    loading: {
      initial: "demand",
      states: {
        demand: { on: { FILL_OK: { target: "#entry.l1.demand", actions: "adoptVersion" } } },
        prefetch: {
          on: {
            // A demand read joining an in-flight prefetch makes the fill a demand fill.
            READ_MISS: { target: "demand" },
            FILL_OK: { target: "#entry.l1.prefetched", actions: "adoptVersion" },
          },
        },
      },
      on: {
        FILL_STALE: { target: "absent", actions: "countStaleFill" },
        ...writes,
        CRASH: [{ target: "l3", guard: "durableInL3" }, { target: "absent" }],
      },
    },
    l1: {
      initial: "demand",
      states: {
        demand: {},
        prefetched: { on: { USE: { target: "demand" } } },
      },
      on: {
        DEMOTE: { target: "l2" },
        EVICT: { target: "evicted" },
        ...writes,
        CRASH: [{ target: "l3", guard: "durableInL3" }, { target: "absent" }],
      },
    },
    l2: {
      on: {
        PROMOTE: { target: "l1.demand" },
        PREFETCH: { target: "l1.prefetched" },
        DEMOTE: { target: "l3" },
        EVICT: { target: "evicted" },
        ...writes,
        CRASH: [{ target: "l3", guard: "durableInL3" }, { target: "absent" }],
      },
    },
    l3: {
      on: {
        READ_MISS: { target: "loading.demand" },
        PREFETCH: { target: "loading.prefetch" },
        EVICT: { target: "evicted" },
        ...writes,
      },
    },
    invalidated: { on: { ...nowhere } },
    evicted: { on: { ...nowhere } },
  },
})

export type EntryMachine = typeof entryMachine
