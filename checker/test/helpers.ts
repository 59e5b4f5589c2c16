/** Shared helpers for the checker tests. */
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { checkModel, type CheckResult } from "../src/bfs.js"
import { loadModel } from "../src/model.js"

/** The repository root (checker/test/ is two levels below it). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..")

/** The shared golden specs: `<repoRoot>/../shared/tla-golden`. */
export const goldenDir = resolve(repoRoot, "../shared/tla-golden")

/** This suite's own small specs. */
export const specsDir = join(repoRoot, "checker/test/specs")

/** Loads and checks a spec (cfg defaults to the one next to it). */
export async function check(spec: string, cfg?: string): Promise<CheckResult> {
  return checkModel(await loadModel(spec, cfg))
}

/** Captures CLI output. */
export function captureIo(): { out: string[]; err: string[]; io: { out(t: string): void; err(t: string): void } } {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (t) => out.push(t), err: (t) => err.push(t) } }
}
