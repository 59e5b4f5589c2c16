import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { createActor, type AnyStateMachine, type EventObject } from "xstate"
import { branchMachine, keyMachine } from "../../src/branches/machine.js"
import {
  BRANCH_TABLE,
  BranchSt,
  KEY_TABLE,
  KeyEv,
  KeySt,
  NO_TRANSITION,
  forkEvent,
  keyTransition,
  type BranchTable,
} from "../../src/branches/transition-table.js"

/** Runs `event` on a real actor started in `state`: the state it ends in, or null when no transition is enabled. */
function actorStep(machine: AnyStateMachine, state: string, event: EventObject): string | null {
  const snapshot = machine.resolveState({ value: state, context: machine.config.context ?? {} })
  const actor = createActor(machine, { snapshot }).start()
  const enabled = actor.getSnapshot().can(event)
  // A final state's actor is already stopped (sending would only log a warning): nothing is enabled there.
  if (actor.getSnapshot().status === "active") actor.send(event)
  const after = String(actor.getSnapshot().value)
  actor.stop()
  if (!enabled) {
    expect(after).toBe(state) // an ignored event must leave the machine where it was
    return null
  }
  return after
}

function checkEveryCell(machine: AnyStateMachine, table: BranchTable<string>): number {
  let checked = 0
  table.states.forEach((state, s) => {
    table.samples.forEach((event, e) => {
      const cell = table.cells[s * table.events.length + e]
      const expected = actorStep(machine, state, event)
      expect({ state, event: table.events[e], to: cell === NO_TRANSITION ? null : table.states[cell] }).toEqual({
        state,
        event: table.events[e],
        to: expected,
      })
      checked++
    })
  })
  return checked
}

describe("branch machines and their derived tables", () => {
  it("key table agrees with the key machine on every state × event", () => {
    expect(checkEveryCell(keyMachine, KEY_TABLE)).toBe(KEY_TABLE.states.length * KEY_TABLE.events.length)
  })

  it("branch table agrees with the branch machine on every state × event", () => {
    expect(checkEveryCell(branchMachine, BRANCH_TABLE)).toBe(BRANCH_TABLE.states.length * BRANCH_TABLE.events.length)
  })

  it("has the spec's key statuses (single, superposed, collapsed) and branch states live → winner / discarded", () => {
    expect([...KEY_TABLE.states].sort()).toEqual(["collapsed", "single", "superposed"])
    expect([...BRANCH_TABLE.states].sort()).toEqual(["discarded", "live", "winner"])
    expect(keyTransition(KeySt.SINGLE, KeyEv.FORK_OK)).toBe(KeySt.SUPERPOSED)
    expect(keyTransition(KeySt.SUPERPOSED, KeyEv.COLLAPSE)).toBe(KeySt.COLLAPSED)
    expect(keyTransition(KeySt.SUPERPOSED, KeyEv.DISCARD_SOME)).toBe(KeySt.SUPERPOSED)
    expect(keyTransition(KeySt.SUPERPOSED, KeyEv.DISCARD_LAST)).toBe(NO_TRANSITION)
    expect(keyTransition(KeySt.SINGLE, KeyEv.COLLAPSE)).toBe(NO_TRANSITION)
    expect(keyTransition(KeySt.SUPERPOSED, KeyEv.FORK_OK)).toBe(NO_TRANSITION)
    expect(BranchSt.LIVE).toBe(BRANCH_TABLE.states.indexOf("live"))
  })

  it("maps every real fork size to the sample whose guard outcome the machine gives", () => {
    fc.assert(
      fc.property(fc.integer({ min: -2, max: 40 }), fc.integer({ min: 1, max: 32 }), (count, maxBranches) => {
        const fork: EventObject & { count: number; maxBranches: number } = { type: "FORK", count, maxBranches }
        const viaMachine = actorStep(keyMachine, "single", fork)
        const cell = keyTransition(KeySt.SINGLE, forkEvent(count, maxBranches))
        expect(cell === NO_TRANSITION ? null : KEY_TABLE.states[cell]).toBe(viaMachine)
      }),
      { numRuns: 200 }
    )
  })
})
