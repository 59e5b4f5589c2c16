#!/usr/bin/env node
/**
 * `make tlc`: runs real TLC on every model of the manifest when TLA2TOOLS_JAR points at
 * tla2tools.jar, and compares its figures with tla-check's. Without the jar (or java) it says so
 * and exits 0, so it can sit in CI next to `make check` without failing where TLC is absent.
 * Usage: node --import tsx checker/bin/run-tlc.ts [models/manifest.json]
 */
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { resolve } from "node:path"
import { readManifest, rootOf, runEntry } from "../src/manifest.js"
import { runTlc } from "../src/tlc.js"

const manifest = resolve(process.argv[2] ?? "models/manifest.json")
const jar = process.env.TLA2TOOLS_JAR
const java = process.env.JAVA ?? "java"
if (!jar || !existsSync(jar)) {
  process.stdout.write(`tlc: skipped (set TLA2TOOLS_JAR to the path of tla2tools.jar to run TLC on ${manifest})\n`)
  process.exit(0)
}
if (spawnSync(java, ["-version"]).error) {
  process.stdout.write(`tlc: skipped (no ${java} on PATH; set JAVA to a java binary)\n`)
  process.exit(0)
}
const root = rootOf(manifest)
let mismatches = 0
for (const e of readManifest(manifest)) {
  const tlc = runTlc(resolve(jar), resolve(root, e.spec), resolve(root, e.config), java)
  const ours = await runEntry(e, root)
  // As in ../shared/tla-golden: ok rows must match generated/distinct/depth exactly;
  // violation and deadlock rows the outcome and the counterexample length.
  const same =
    tlc.outcome === ours.got &&
    (tlc.outcome === "ok"
      ? tlc.generated === ours.generated && tlc.distinct === ours.distinct && tlc.depth === ours.depth
      : tlc.traceLength === ours.traceLength)
  if (!same) mismatches++
  process.stdout.write(
    `${same ? "SAME" : "DIFF"} ${e.name}: TLC ${tlc.outcome} ${tlc.generated}/${tlc.distinct}/${tlc.depth ?? tlc.traceLength}` +
      ` vs tla-check ${ours.got} ${ours.generated}/${ours.distinct}/${ours.depth ?? ours.traceLength} (expect ${e.expect})\n`
  )
}
process.stdout.write(mismatches ? `${mismatches} model(s) differ between TLC and tla-check.\n` : "TLC and tla-check agree on every model.\n")
process.exitCode = mismatches ? 1 : 0
