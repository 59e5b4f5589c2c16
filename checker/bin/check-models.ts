#!/usr/bin/env node
/**
 * Runs every model in a manifest (default models/manifest.json) and asserts its outcome.
 * Usage: node --import tsx checker/bin/check-models.ts [manifest.json] [--root DIR] [--json] [--only NAME]
 * Exit 0 when every outcome matches, 1 when any differs or fails.
 */
import { resolve } from "node:path"
import { CheckerError } from "../src/errors.js"
import { formatTable, readManifest, rootOf, runEntry, type ManifestRow } from "../src/manifest.js"

const args = process.argv.slice(2)
let manifest = "models/manifest.json"
let root: string | undefined
let json = false
const only: string[] = []
for (let i = 0; i < args.length; i++) {
  const a = args[i]
  if (a === "--json") json = true
  else if (a === "--root") root = args[++i]
  else if (a === "--only") only.push(args[++i])
  else if (a.startsWith("-")) {
    process.stderr.write(`check-models: unknown option ${a}\nusage: check-models [manifest.json] [--root DIR] [--json] [--only NAME]\n`)
    process.exit(2)
  } else manifest = a
}
try {
  const file = resolve(manifest)
  const entries = readManifest(file).filter((e) => only.length === 0 || only.includes(e.name))
  const rows: ManifestRow[] = []
  for (const e of entries) {
    const row = await runEntry(e, root ? resolve(root) : rootOf(file))
    rows.push(row)
    if (!json) process.stderr.write(`${row.pass ? "PASS" : "FAIL"} ${row.name} (${row.got})\n`)
  }
  if (json) process.stdout.write(JSON.stringify(rows, null, 1) + "\n")
  else process.stdout.write(formatTable(rows) + "\n")
  const failed = rows.filter((r) => !r.pass)
  if (!json) process.stdout.write(failed.length ? `${failed.length} of ${rows.length} models did not match.\n` : `All ${rows.length} models matched.\n`)
  process.exitCode = failed.length ? 1 : 0
} catch (e) {
  if (!(e instanceof CheckerError)) throw e
  process.stderr.write(`check-models: ${e.message}\n`)
  process.exitCode = 2
}
