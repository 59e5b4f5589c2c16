/**
 * The tla-check command line: TLC's summary lines and exit codes, --json, --itf, --simulate with
 * --itf-dir, and error reporting with line:column.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { runCli } from "../src/cli.js"
import { captureIo, goldenDir, specsDir } from "./helpers.js"

const spec = (name: string) => join(specsDir, `${name}.tla`)
const made: string[] = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "tla-check-test-"))
  made.push(d)
  return d
}
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true })
})

interface ItfDoc {
  "#meta": Record<string, unknown>
  vars: string[]
  states: Record<string, unknown>[]
}

describe("tla-check CLI", () => {
  it("prints TLC's summary lines and exits 0 when no error is found", async () => {
    const { out, io } = captureIo()
    const code = await runCli([spec("Counter")], io)
    expect(code).toBe(0)
    const text = out.join("\n")
    expect(text).toContain("Model checking completed. No error has been found.")
    expect(text).toContain("7 states generated, 6 distinct states found, 0 states left on queue.")
    expect(text).toContain("The depth of the complete state graph search is 6.")
  })

  it("exits 12 on a violation and prints a TLC-style trace", async () => {
    const { out, io } = captureIo()
    const code = await runCli([spec("DieHard")], io)
    expect(code).toBe(12)
    const text = out.join("\n")
    expect(text).toContain("Error: Invariant NotFour is violated.")
    expect(text).toContain("State 1: <Initial predicate>\n/\\ small = 0\n/\\ big = 0")
    expect(text).toMatch(/State 7: <\w+>\n\/\\ small = 3\n\/\\ big = 4/)
  })

  it("exits 11 on a deadlock", async () => {
    const { out, io } = captureIo()
    const code = await runCli([spec("Counter"), "--config", join(specsDir, "CounterStop.cfg")], io)
    expect(code).toBe(11)
    expect(out.join("\n")).toContain("Error: Deadlock reached.")
  })

  it("--json prints one object with the run's facts", async () => {
    const { out, io } = captureIo()
    await runCli([join(goldenDir, "Odometer.tla"), "--json"], io)
    expect(out).toHaveLength(1)
    const j = JSON.parse(out[0])
    expect(j).toMatchObject({ outcome: "ok", generated: 273, distinct: 144, depth: 24, violated: null, traceLength: null, exitCode: 0 })
    expect(typeof j.wallMs).toBe("number")
    expect(j.statesPerSecond).toBeGreaterThan(0)
  })

  it("--itf writes the counterexample as ITF JSON listing every state", async () => {
    const file = join(tmp(), "diehard.itf.json")
    const { io } = captureIo()
    expect(await runCli([spec("DieHard"), "--itf", file], io)).toBe(12)
    const doc = JSON.parse(readFileSync(file, "utf8")) as ItfDoc
    expect(doc.vars).toEqual(["small", "big"])
    expect(doc.states).toHaveLength(7)
    doc.states.forEach((s, i) => expect(s["#meta"]).toMatchObject({ index: i }))
    // Each state names the action that produced it.
    expect(doc.states[0]["#meta"]).toMatchObject({ action: "Initial predicate" })
    const moves = ["FillSmall", "FillBig", "EmptySmall", "EmptyBig", "SmallToBig", "BigToSmall"]
    for (const s of doc.states.slice(1)) expect(moves).toContain((s["#meta"] as { action: string }).action)
    expect(doc.states[0]).toMatchObject({ small: { "#bigint": "0" }, big: { "#bigint": "0" } })
    expect(doc.states[6].big).toEqual({ "#bigint": "4" })
  })

  it("ITF encodes functions, records, sequences, sets and model values", async () => {
    const file = join(tmp(), "race.itf.json")
    const { io } = captureIo()
    expect(await runCli([join(goldenDir, "TwoTierCacheRace.tla"), "--itf", file], io)).toBe(12)
    const doc = JSON.parse(readFileSync(file, "utf8")) as ItfDoc
    expect(doc.states).toHaveLength(4)
    const first = doc.states[0]
    // store = [k \in {k1, k2} |-> 0]: a function over model values.
    expect(first.store).toEqual({
      "#map": [
        [{ "#unserializable": "k1" }, { "#bigint": "0" }],
        [{ "#unserializable": "k2" }, { "#bigint": "0" }]
      ]
    })
    // fill[k] is a record.
    const fill = first.fill as { "#map": [unknown, unknown][] }
    expect(fill["#map"][0][1]).toEqual({ busy: false, ver: { "#bigint": "0" } })
  })

  it("--simulate writes one ITF file per behaviour, reproducibly for a seed", async () => {
    const dirA = tmp()
    const dirB = tmp()
    const { out, io } = captureIo()
    const args = [join(goldenDir, "TwoTierCache.tla"), "--simulate", "5", "--depth", "12", "--seed", "7"]
    expect(await runCli([...args, "--itf-dir", dirA, "--json"], io)).toBe(0)
    expect(await runCli([...args, "--itf-dir", dirB], captureIo().io)).toBe(0)
    const summary = JSON.parse(out[0])
    expect(summary).toMatchObject({ mode: "simulate", outcome: "ok", runs: 5 })
    const files = readdirSync(dirA).sort()
    expect(files).toHaveLength(5)
    for (const f of files) {
      const a = readFileSync(join(dirA, f), "utf8")
      expect(a).toBe(readFileSync(join(dirB, f), "utf8"))
      const doc = JSON.parse(a) as ItfDoc
      expect(doc.states.length).toBeGreaterThan(0)
      expect(doc.states.length).toBeLessThanOrEqual(12)
    }
  })

  it("--simulate reports a violation with exit 12", async () => {
    const { out, io } = captureIo()
    const code = await runCli([spec("NaiveMutex"), "--simulate", "200", "--depth", "20", "--seed", "1"], io)
    expect(code).toBe(12)
    expect(out.join("\n")).toContain("Error: Invariant Mutex is violated.")
  })

  it("an unsupported construct is exit 2 with file:line:column", async () => {
    const { err, io } = captureIo()
    expect(await runCli([spec("Unsupported")], io)).toBe(2)
    expect(err.join("\n")).toMatch(/Unsupported\.tla:8:12: unbounded quantifiers/)
  })

  it("a syntax error is exit 2 with file:line:column", async () => {
    const { err, io } = captureIo()
    expect(await runCli([spec("SyntaxError")], io)).toBe(2)
    expect(err.join("\n")).toMatch(/SyntaxError\.tla:4:\d+: syntax error/)
  })

  it("cfg problems are exit 2 with the cfg line", async () => {
    const dir = tmp()
    const tla = join(dir, "M.tla")
    writeFileSync(tla, "---- MODULE M ----\nEXTENDS Naturals\nCONSTANT N, K\nVARIABLE x\nInit == x = 0\nNext == x' = (x + 1) % N\n====\n")
    const run = async (cfgText: string) => {
      writeFileSync(join(dir, "M.cfg"), cfgText)
      const { err, io } = captureIo()
      return { code: await runCli([tla], io), err: err.join("\n") }
    }
    expect(await run("CONSTANT N = 3\nINIT Init\nNEXT Next\n")).toMatchObject({ code: 2, err: expect.stringMatching(/constant K is not assigned/) })
    expect(await run("CONSTANT N = 3\nK = 1\nKK = 2\nINIT Init\nNEXT Next\n")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/M\.cfg:3:1: KK is neither a constant nor a definition/)
    })
    expect(await run("CONSTANT N = 3\nK = 1\nINIT Init\nNEXT Next\nINVARIANT Nope\n")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/M\.cfg:5:1: invariant Nope is not defined/)
    })
    expect(await run("CONSTANT N = 3\nK = 1\nINIT Init\nNEXT Next\n")).toMatchObject({ code: 0 })
  })

  it("an evaluation error during the search is exit 2 with the spec's line:column", async () => {
    const dir = tmp()
    const tla = join(dir, "Oob.tla")
    writeFileSync(tla, "---- MODULE Oob ----\nEXTENDS Naturals\nVARIABLE i\nInit == i = 1\nNext == /\\ <<10, 20>>[i] > 0\n        /\\ i' = i + 1\n====\n")
    writeFileSync(join(dir, "Oob.cfg"), "INIT Init\nNEXT Next\n")
    const { err, io } = captureIo()
    expect(await runCli([tla], io)).toBe(2)
    expect(err.join("\n")).toMatch(/Oob\.tla:5:\d+: 3 is not in the domain of <<10, 20>>/)
  })

  it("bad usage is exit 1", async () => {
    expect(await runCli([], captureIo().io)).toBe(1)
    expect(await runCli([spec("Counter"), "--bogus"], captureIo().io)).toBe(1)
    expect(await runCli([join(specsDir, "Missing.tla")], captureIo().io)).toBe(1)
  })
})
