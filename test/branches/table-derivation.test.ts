/**
 * `deriveTable` (src/branches/transition-table.ts) on small flat machines shaped the ways xstate
 * allows but the branch machines happen not to use: guards written as objects, targetless
 * transitions, guards it cannot evaluate by name, nested states. The derivation must either
 * produce the cells xstate itself would take or refuse the machine loudly.
 */
import { createMachine, getNextSnapshot, setup } from "xstate"
import { describe, expect, it } from "vitest"
import { deriveTable, NO_TRANSITION } from "../../src/branches/transition-table.js"

type Ev = { type: "GO"; ok: boolean } | { type: "POKE" }
const SAMPLES = [
  ["GO_OK", { type: "GO", ok: true }],
  ["GO_NO", { type: "GO", ok: false }],
  ["POKE", { type: "POKE" }],
] as const

const guarded = setup({
  types: { events: {} as Ev },
  guards: { isOk: ({ event }) => event.type === "GO" && event.ok },
  actions: { note: () => undefined },
})

describe("deriveTable on machine variants", () => {
  it("evaluates object guards like named ones and maps targetless transitions to a self-loop", () => {
    const machine = guarded.createMachine({
      id: "m",
      initial: "idle",
      states: {
        idle: { on: { GO: [{ target: "busy", guard: { type: "isOk" } }, { target: "failed" }], POKE: { actions: "note" } } },
        busy: { on: { POKE: { target: "idle" } } },
        failed: {},
      },
    })
    const table = deriveTable(machine, SAMPLES)
    expect(table.states).toEqual(["idle", "busy", "failed"])
    expect(table.events).toEqual(["GO_OK", "GO_NO", "POKE"])
    const cell = (state: string, event: string) => table.cells[table.states.indexOf(state) * SAMPLES.length + table.events.indexOf(event as never)]
    expect(cell("idle", "GO_OK")).toBe(table.states.indexOf("busy"))
    expect(cell("idle", "GO_NO")).toBe(table.states.indexOf("failed"))
    expect(cell("idle", "POKE")).toBe(table.states.indexOf("idle"))
    expect(cell("busy", "GO_OK")).toBe(NO_TRANSITION)
    expect(cell("failed", "POKE")).toBe(NO_TRANSITION)
    // and xstate agrees on every cell
    for (const [s, state] of table.states.entries()) {
      for (const [e, [, event]] of SAMPLES.entries()) {
        const before = machine.resolveState({ value: state, context: undefined as never })
        const target = table.cells[s * SAMPLES.length + e]
        if (target === NO_TRANSITION) expect(before.can(event), `${state} × ${event.type}`).toBe(false)
        else expect(getNextSnapshot(machine, before, event).value).toBe(table.states[target])
      }
    }
  })

  it("a guard whose conditions all fail leaves the cell empty", () => {
    const machine = guarded.createMachine({
      id: "m",
      initial: "idle",
      states: { idle: { on: { GO: { target: "busy", guard: "isOk" } } }, busy: {} },
    })
    const table = deriveTable(machine, SAMPLES)
    expect(table.cells[0 * SAMPLES.length + 1]).toBe(NO_TRANSITION) // idle × GO_NO
    expect(table.cells[0 * SAMPLES.length + 0]).toBe(1) // idle × GO_OK → busy
  })

  it("refuses an inline guard function (it cannot be evaluated by name)", () => {
    const machine = createMachine({
      types: { events: {} as Ev },
      id: "m",
      initial: "idle",
      states: { idle: { on: { GO: { target: "busy", guard: ({ event }) => event.type === "GO" } } }, busy: {} },
    })
    expect(() => deriveTable(machine, SAMPLES)).toThrow(/branch table: guard .* is not a named guard/)
  })

  it("refuses a machine with nested states", () => {
    const machine = createMachine({
      id: "m",
      initial: "outer",
      states: { outer: { initial: "inner", states: { inner: {} } } },
    })
    expect(() => deriveTable(machine, SAMPLES)).toThrow("branch table: outer is nested; tables assume flat machines")
  })
})
