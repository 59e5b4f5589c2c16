/**
 * How the transition-table derivation (src/lifecycle/transition-table.ts) handles machine shapes
 * the current entry machine does not use but xstate allows — inline guard objects, targetless
 * transitions, unnamed guards, renamed states — and `tierOf` for every state.
 *
 * Each variant is a copy of the real machine's config with one edit, swapped in for
 * `entry-machine.js` with `vi.doMock` before a fresh import of the table module, so the code under
 * test is the real derivation run at module load.
 */
import { createMachine, type AnyStateMachine } from "xstate"
import { afterEach, describe, expect, it, vi } from "vitest"
import { entryMachine as realMachine } from "../../src/lifecycle/entry-machine.js"
import { ENTRY_TABLE, EVENT_COUNT, Ev, NO_TRANSITION, nextState, St, tierOf, transitionOf } from "../../src/lifecycle/transition-table.js"

type Config = Record<string, unknown> & { states: Record<string, Record<string, unknown>> }

/** A deep copy of the real machine's config (it holds only strings, arrays and plain objects). */
const realConfig = (): Config => structuredClone(realMachine.config) as unknown as Config

/** Imports the table module against `machine` instead of the real entry machine. */
async function tableFor(machine: AnyStateMachine) {
  vi.resetModules()
  vi.doMock("../../src/lifecycle/entry-machine.js", () => ({ entryMachine: machine }))
  return import("../../src/lifecycle/transition-table.js")
}

const variant = (config: Config) => createMachine(config as never, realMachine.implementations as never)

afterEach(() => {
  vi.doUnmock("../../src/lifecycle/entry-machine.js")
  vi.resetModules()
})

describe("tierOf", () => {
  it("names the tier each state's entry is resident in", () => {
    const tiers = Object.fromEntries(ENTRY_TABLE.states.map((path, code) => [path, tierOf(code)]))
    expect(tiers).toEqual({
      absent: 0,
      "loading.demand": 0,
      "loading.prefetch": 0,
      "l1.demand": 1,
      "l1.prefetched": 1,
      l2: 2,
      l3: 3,
      invalidated: 0,
      evicted: 0,
    })
  })

  it("transitionOf reports NO_TRANSITION where nextState stays put", () => {
    expect(transitionOf(St.L3, Ev.FILL_OK)).toBe(NO_TRANSITION)
    expect(nextState(St.L3, Ev.FILL_OK)).toBe(St.L3)
    expect(transitionOf(St.L2, Ev.PROMOTE)).toBe(St.L1_DEMAND)
  })
})

describe("deriving the table from machine variants", () => {
  it("the real config, rebuilt, derives the same table (the variants below start from it)", async () => {
    const mod = await tableFor(variant(realConfig()))
    expect(mod.ENTRY_TABLE.states).toEqual(ENTRY_TABLE.states)
    expect([...mod.ENTRY_TABLE.cells]).toEqual([...ENTRY_TABLE.cells])
  })

  it("evaluates a guard written as an object ({ type }) like a guard written as its name", async () => {
    const config = realConfig()
    const loading = config.states.loading as { on: { CRASH: { guard: unknown }[] } }
    loading.on.CRASH[0].guard = { type: "durableInL3" }
    const mod = await tableFor(variant(config))
    expect([...mod.ENTRY_TABLE.cells]).toEqual([...ENTRY_TABLE.cells])
    expect(mod.transitionOf(mod.St.LOADING_DEMAND, mod.Ev.CRASH_DURABLE)).toBe(mod.St.L3)
    expect(mod.transitionOf(mod.St.LOADING_DEMAND, mod.Ev.CRASH_VOLATILE)).toBe(mod.St.ABSENT)
  })

  it("a targetless transition keeps the entry in its state (a self-loop cell, not NO_TRANSITION)", async () => {
    const config = realConfig()
    const l1 = config.states.l1 as { states: { demand: Record<string, unknown> } }
    l1.states.demand = { on: { USE: { actions: "countStaleFill" } } }
    const mod = await tableFor(variant(config))
    expect(transitionOf(St.L1_DEMAND, Ev.USE)).toBe(NO_TRANSITION) // the real machine ignores USE there
    expect(mod.transitionOf(mod.St.L1_DEMAND, mod.Ev.USE)).toBe(mod.St.L1_DEMAND)
    expect(mod.nextState(mod.St.L1_DEMAND, mod.Ev.USE)).toBe(mod.St.L1_DEMAND)
  })

  it("refuses a guard it cannot evaluate by name (an inline function)", async () => {
    const config = realConfig()
    const l2 = config.states.l2 as { on: { CRASH: { guard: unknown }[] } }
    l2.on.CRASH[0].guard = () => true
    await expect(tableFor(variant(config))).rejects.toThrow(/lifecycle table: guard .* is not a named guard/)
  })

  it("fails at load when a state the hierarchy relies on is missing", async () => {
    const config = realConfig()
    delete config.states.evicted
    // nothing may target the removed state
    const l1 = config.states.l1 as { on: Record<string, unknown> }
    l1.on.EVICT = { target: "absent" }
    const l2 = config.states.l2 as { on: Record<string, unknown> }
    if (l2.on.EVICT !== undefined) l2.on.EVICT = { target: "absent" }
    const l3 = config.states.l3 as { on: Record<string, unknown> }
    if (l3.on.EVICT !== undefined) l3.on.EVICT = { target: "absent" }
    await expect(tableFor(variant(config))).rejects.toThrow("the entry machine has no state evicted")
  })
})

it("EVENT_COUNT matches the event codes", () => {
  expect(Object.keys(Ev)).toHaveLength(EVENT_COUNT)
})
