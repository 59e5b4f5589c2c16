import { getNextSnapshot } from "xstate"
import { describe, expect, it } from "vitest"
import { ENTRY_TABLE, EVENT_COUNT, EVENT_SAMPLES, entryMachine, Ev, NO_TRANSITION, nextState, St } from "../../src/lifecycle/index.js"

/** A snapshot of the real machine sitting in the leaf state `path` ("l1.prefetched"). */
function snapshotAt(path: string) {
  const parts = path.split(".")
  const value = parts.length === 1 ? parts[0] : { [parts[0]]: parts[1] }
  return entryMachine.resolveState({ value, context: { version: -1, staleFills: 0 } })
}

const leafPath = (value: unknown): string =>
  typeof value === "string" ? value : Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}.${leafPath(v)}`)[0]

describe("entry lifecycle: derived table vs the xstate machine", () => {
  it("covers every leaf state of the machine", () => {
    expect(ENTRY_TABLE.states).toEqual([
      "absent",
      "loading.demand",
      "loading.prefetch",
      "l1.demand",
      "l1.prefetched",
      "l2",
      "l3",
      "invalidated",
      "evicted",
    ])
    expect(ENTRY_TABLE.cells.length).toBe(ENTRY_TABLE.states.length * EVENT_COUNT)
  })

  const cases = ENTRY_TABLE.states.flatMap((state, s) => EVENT_SAMPLES.map(([name, event], e) => ({ state, s, name, event, e })))
  it.each(cases)("$state × $name agrees with getNextSnapshot", ({ state, s, event, e }) => {
    const before = snapshotAt(state)
    expect(leafPath(before.value)).toBe(state)
    const after = getNextSnapshot(entryMachine, before, event)
    const cell = ENTRY_TABLE.cells[s * EVENT_COUNT + e]
    if (cell === NO_TRANSITION) {
      // The machine must not accept the event: no enabled transition, value and context unchanged.
      expect(before.can(event)).toBe(false)
      expect(after.value).toEqual(before.value)
      expect(after.context).toEqual(before.context)
    } else {
      expect(before.can(event)).toBe(true)
      expect(leafPath(after.value)).toBe(ENTRY_TABLE.states[cell])
    }
  })

  it("runs the machine's actions: versions are adopted, stale fills counted", () => {
    let snap = snapshotAt("absent")
    snap = getNextSnapshot(entryMachine, snap, { type: "READ_MISS" })
    snap = getNextSnapshot(entryMachine, snap, { type: "FILL_STALE" })
    expect(snap.context.staleFills).toBe(1)
    snap = getNextSnapshot(entryMachine, snap, { type: "PUT", version: 7 })
    expect(snap.value).toEqual({ l1: "demand" })
    expect(snap.context.version).toBe(7)
  })

  it("encodes the rules the hierarchy relies on", () => {
    expect(nextState(St.LOADING_PREFETCH, Ev.FILL_OK)).toBe(St.L1_PREFETCHED)
    expect(nextState(St.L1_PREFETCHED, Ev.USE)).toBe(St.L1_DEMAND)
    expect(nextState(St.L1_DEMAND, Ev.DEMOTE)).toBe(St.L2)
    expect(nextState(St.L2, Ev.DEMOTE)).toBe(St.L3)
    // a fill can never complete out of a non-loading state
    for (const s of [St.ABSENT, St.L1_DEMAND, St.L2, St.L3, St.INVALIDATED, St.EVICTED]) expect(nextState(s, Ev.FILL_OK)).toBe(s)
    // INVALIDATE from anywhere ends in invalidated; PUT from anywhere in l1.demand
    for (let s = 0; s < ENTRY_TABLE.states.length; s++) {
      expect(nextState(s, Ev.INVALIDATE)).toBe(St.INVALIDATED)
      expect(nextState(s, Ev.PUT)).toBe(St.L1_DEMAND)
    }
  })
})
