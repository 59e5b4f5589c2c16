/**
 * The 16 specs of ../shared/tla-golden with the figures TLC 2.20 gives on them (expected.json).
 * Matched as its README requires: outcome and violated invariant for every row; generated,
 * distinct and depth exactly for ok rows; the counterexample length for violation/deadlock rows.
 */
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { check, goldenDir } from "./helpers.js"

interface GoldenRow {
  name: string
  spec: string
  config: string
  outcome: string
  generated: number
  distinct: number
  depth: number | null
  violated: string | null
  traceLength: number | null
}

const expectedFile = join(goldenDir, "expected.json")
const rows: GoldenRow[] = existsSync(expectedFile) ? JSON.parse(readFileSync(expectedFile, "utf8")) : []

describe("tla-golden: tla-check agrees with TLC", () => {
  it("finds all 16 golden specs", () => {
    expect(rows).toHaveLength(16)
  })

  for (const row of rows) {
    it(`${row.name}: ${row.outcome}`, async () => {
      const r = await check(join(goldenDir, row.spec), join(goldenDir, row.config))
      const outcome = r.outcome === "violation" ? `violation:${r.violated}` : r.outcome
      expect(outcome).toBe(row.outcome)
      expect(r.violated).toBe(row.violated)
      if (row.outcome === "ok") {
        expect({ generated: r.generated, distinct: r.distinct, depth: r.depth }).toEqual({
          generated: row.generated,
          distinct: row.distinct,
          depth: row.depth
        })
        expect(r.trace).toBeNull()
      } else {
        expect(r.trace?.length).toBe(row.traceLength)
      }
    })
  }
})
