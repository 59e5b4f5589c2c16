#!/usr/bin/env node
/**
 * tla-check: explicit-state model checker for the TLA+ subset tiercache's specs use.
 * Run: node --import tsx checker/bin/tla-check.ts <Spec.tla> [--config X.cfg] [--itf F] [--json]
 */
import { runCli } from "../src/cli.js"

const code = await runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(t + "\n"),
  err: (t) => process.stderr.write(t + "\n")
})
process.exitCode = code
