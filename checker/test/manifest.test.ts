/**
 * The manifest runner (check-models): outcomes compared with expectations, table output, and
 * the exit status of the command.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { formatTable, readManifest, runEntry } from "../src/manifest.js"
import { repoRoot, specsDir } from "./helpers.js"

const manifest = join(specsDir, "manifest.json")

describe("check-models", () => {
  it("runs every entry and matches its expected outcome", async () => {
    const entries = readManifest(manifest)
    const rows = []
    for (const e of entries) rows.push(await runEntry(e, repoRoot))
    expect(rows.map((r) => [r.name, r.got, r.pass])).toEqual(entries.map((e) => [e.name, e.expect, true]))
    const counter = rows.find((r) => r.name === "Counter")!
    expect(counter).toMatchObject({ generated: 7, distinct: 6, depth: 6 })
    const table = formatTable(rows)
    expect(table.split("\n")[0]).toMatch(/^name\s+expect\s+got\s+generated\s+distinct\s+depth/)
    expect(table).toContain("PASS")
  })

  it("reports a mismatch as FAIL", async () => {
    const row = await runEntry(
      { name: "wrong", spec: "checker/test/specs/Counter.tla", config: "checker/test/specs/Counter.cfg", expect: "violation:InRange" },
      repoRoot
    )
    expect(row).toMatchObject({ got: "ok", pass: false })
  })

  it("rejects malformed manifests", () => {
    const dir = mkdtempSync(join(tmpdir(), "manifest-"))
    const bad = join(dir, "m.json")
    writeFileSync(bad, JSON.stringify([{ name: "x", spec: "a.tla", config: "a.cfg", expect: "fine" }]))
    expect(() => readManifest(bad)).toThrow(/expect/)
  })

  it("the command exits 0 when every model matches", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "checker/bin/check-models.ts", manifest, "--root", repoRoot], {
      cwd: repoRoot,
      encoding: "utf8"
    })
    expect(r.status).toBe(0)
    expect(r.stdout).toContain("All 6 models matched.")
  })
})
