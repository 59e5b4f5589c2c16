/**
 * Reads ANCHORS.md (shared traces folder): the hit % of seven published policies and OPT per
 * trace × capacity, measured with libCacheSim on the same files (unit-size objects, cold start).
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"

export const ANCHOR_POLICIES = ["LRU", "ARC", "LIRS", "W-TinyLFU", "S3-FIFO", "SIEVE", "2Q"] as const
export type AnchorPolicy = (typeof ANCHOR_POLICIES)[number]

export interface AnchorRow {
  readonly trace: string
  /** Capacity as % of unique keys (1, 5 or 10). */
  readonly pct: number
  readonly capacity: number
  readonly policies: Readonly<Record<AnchorPolicy, number>>
  /** Best of the seven, and which one it is. */
  readonly best: number
  readonly bestPolicy: AnchorPolicy
  readonly opt: number
}

/** Parses the markdown table of ANCHORS.md; key = `${trace}@${pct}`. */
export function readAnchors(tracesDir: string): Map<string, AnchorRow> {
  const text = readFileSync(join(tracesDir, "ANCHORS.md"), "utf8")
  const rows = new Map<string, AnchorRow>()
  for (const line of text.split("\n")) {
    const cells = line.split("|").map((c) => c.trim())
    // | trace | size | capacity | 7 policies | best online | OPT |  →  13 cells incl. the empty ends
    if (cells.length !== 14 || !/^\d+%$/.test(cells[2])) continue
    const nums = cells.slice(3, 13).map(Number)
    if (nums.some((n) => !Number.isFinite(n))) throw new Error(`ANCHORS.md: bad row: ${line}`)
    const policies = Object.fromEntries(ANCHOR_POLICIES.map((p, i) => [p, nums[i + 1]])) as Record<AnchorPolicy, number>
    let bestPolicy: AnchorPolicy = "LRU"
    for (const p of ANCHOR_POLICIES) if (policies[p] > policies[bestPolicy]) bestPolicy = p
    const row: AnchorRow = {
      trace: cells[1],
      pct: Number(cells[2].slice(0, -1)),
      capacity: nums[0],
      policies,
      best: policies[bestPolicy],
      bestPolicy,
      opt: nums[9],
    }
    rows.set(`${row.trace}@${row.pct}`, row)
  }
  if (rows.size === 0) throw new Error("ANCHORS.md: no table rows found")
  return rows
}
