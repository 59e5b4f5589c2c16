/** Reading TLC's output (for `make tlc`), and the skip path when no tla2tools.jar is configured. */
import { spawnSync } from "node:child_process"
import { describe, expect, it } from "vitest"
import { parseTlcOutput } from "../src/tlc.js"
import { repoRoot } from "./helpers.js"

describe("TLC output parsing", () => {
  it("reads a completed run", () => {
    const out = [
      "Model checking completed. No error has been found.",
      "  Estimates of the probability that TLC did not check all reachable states",
      "4,561 states generated, 900 distinct states found, 0 states left on queue.",
      "The depth of the complete state graph search is 13."
    ].join("\n")
    expect(parseTlcOutput(out, 0)).toEqual({ outcome: "ok", generated: 4561, distinct: 900, depth: 13, traceLength: null, exitCode: 0 })
  })

  it("reads a violation and counts the trace states", () => {
    const out = [
      "Error: Invariant NoStale is violated.",
      "Error: The behavior up to this point is:",
      "State 1: <Initial predicate>",
      "/\\ x = 0",
      "State 2: <Next line 3, col 1 to line 4, col 2 of module M>",
      "/\\ x = 1",
      "105 states generated, 61 distinct states found, 43 states left on queue."
    ].join("\n")
    expect(parseTlcOutput(out, 12)).toMatchObject({ outcome: "violation:NoStale", traceLength: 2, generated: 105 })
  })

  it("reads a deadlock", () => {
    expect(parseTlcOutput("Error: Deadlock reached.\nState 1: <Initial predicate>\n", 11).outcome).toBe("deadlock")
  })

  it("run-tlc skips with a clear message when TLA2TOOLS_JAR is not set", () => {
    const env = { ...process.env }
    delete env.TLA2TOOLS_JAR
    const r = spawnSync(process.execPath, ["--import", "tsx", "checker/bin/run-tlc.ts", "checker/test/specs/manifest.json"], {
      cwd: repoRoot,
      env,
      encoding: "utf8"
    })
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/tlc: skipped \(set TLA2TOOLS_JAR/)
  })
})
