/**
 * Small classic specs whose figures are derived by hand (see the comment in each spec):
 * DieHard's jugs, a wrapping counter, a naive and an atomic two-process mutex.
 */
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { check, specsDir } from "./helpers.js"

const spec = (name: string) => join(specsDir, `${name}.tla`)
const cfg = (name: string) => join(specsDir, `${name}.cfg`)

describe("classic specs with hand-derived figures", () => {
  it("DieHard: big = 4 is reached after 6 steps (7 states), the shortest way", async () => {
    const r = await check(spec("DieHard"), cfg("DieHard"))
    expect(r.outcome).toBe("violation")
    expect(r.violated).toBe("NotFour")
    expect(r.trace).toHaveLength(7)
    // The trace is a real behaviour: each state follows from the previous one by some jug move.
    const states = r.trace!.map(([small, big]) => [small as number, big as number])
    expect(states[0]).toEqual([0, 0])
    expect(states[6][1]).toBe(4)
    const moves = ([s, b]: number[]) => [
      [3, b], [s, 5], [0, b], [s, 0],
      [s - Math.min(s, 5 - b), b + Math.min(s, 5 - b)],
      [s + Math.min(b, 3 - s), b - Math.min(b, 3 - s)]
    ]
    for (let i = 1; i < states.length; i++) {
      expect(moves(states[i - 1])).toContainEqual(states[i])
    }
  })

  it("DieHard without the goal: 16 reachable contents, 6 moves from each, 8 BFS levels", async () => {
    // Reachable: every (big, small) with a jug empty or full: 6 * 4 - 4 * 2 interior = 16.
    // Every move is always enabled: 1 initial + 16 * 6 successors = 97 generated.
    // Levels (big, small): {00} {03,50} {23,30,53} {20,33} {02,51} {01,52} {10,43} {13,40}.
    const r = await check(spec("DieHard"), cfg("DieHardAll"))
    expect(r).toMatchObject({ outcome: "ok", distinct: 16, generated: 97, depth: 8 })
  })

  it("Counter with N = 5: 6 states, 7 generated, 6 levels", async () => {
    const r = await check(spec("Counter"), cfg("Counter"))
    expect(r).toMatchObject({ outcome: "ok", distinct: 6, generated: 7, depth: 6, left: 0 })
  })

  it("Counter that stops at N deadlocks after N + 1 states", async () => {
    const r = await check(spec("Counter"), cfg("CounterStop"))
    expect(r.outcome).toBe("deadlock")
    expect(r.trace!.map((s) => s[0])).toEqual([0, 1, 2, 3, 4, 5])
  })

  it("NaiveMutex: both processes pass the test, shortest violation has 5 states", async () => {
    const r = await check(spec("NaiveMutex"), cfg("NaiveMutex"))
    expect(r.outcome).toBe("violation")
    expect(r.violated).toBe("Mutex")
    expect(r.trace).toHaveLength(5)
  })

  it("AtomicMutex: 3 states, 5 generated, 2 levels, no violation", async () => {
    const r = await check(spec("AtomicMutex"), cfg("AtomicMutex"))
    expect(r).toMatchObject({ outcome: "ok", distinct: 3, generated: 5, depth: 2 })
  })

  it("WitnessCount: \\E before the assignments branches per witness, after them it is a test", async () => {
    const r = await check(spec("WitnessCount"), cfg("WitnessCount"))
    expect(r).toMatchObject({ outcome: "ok", distinct: 5, generated: 9, depth: 5 })
  })

  it("ActionForms: \\A, =>, IF and CASE as actions", async () => {
    const r = await check(spec("ActionForms"), cfg("ActionForms"))
    expect(r).toMatchObject({ outcome: "ok", distinct: 4, generated: 5, depth: 4 })
  })

  it("reports progress during a long search", async () => {
    const { checkModel } = await import("../src/bfs.js")
    const { loadModel } = await import("../src/model.js")
    const seen: number[] = []
    const r = checkModel(await loadModel(spec("Counter"), cfg("CounterBig")), {
      progressMs: 0,
      onProgress: (p) => seen.push(p.generated)
    })
    expect(r).toMatchObject({ outcome: "ok", distinct: 70001, generated: 70002, depth: 70001 })
    expect(seen).toEqual([65536])
  })

  it("MCCounter: a model module EXTENDS the spec and substitutes the constant (N <- MCN)", async () => {
    const r = await check(spec("MCCounter"), cfg("MCCounter"))
    expect(r).toMatchObject({ outcome: "ok", distinct: 4, generated: 5, depth: 4 })
  })

  it("InitWitness: the initial predicate counts witnesses the same way", async () => {
    const early = await check(spec("InitWitness"), cfg("InitWitnessEarly"))
    expect(early).toMatchObject({ outcome: "ok", distinct: 2, generated: 8, depth: 1 })
    const late = await check(spec("InitWitness"), cfg("InitWitnessLate"))
    expect(late).toMatchObject({ outcome: "ok", distinct: 2, generated: 4, depth: 1 })
  })

  it("Subscripts: [A]_v, <<A>>_v and labels inside Next", async () => {
    const r = await check(spec("Subscripts"), cfg("Subscripts"))
    expect(r).toMatchObject({ outcome: "ok", distinct: 6, generated: 17, depth: 4 })
  })
})
