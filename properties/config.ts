/**
 * Run counts and seeds for the property suites. `PROPS_SCALE=10` (make props-long) multiplies every
 * run count; `PROPS_SEED` replays a failing seed. fast-check prints the seed and the shrunk
 * counterexample of any failure.
 */
import type { Parameters } from "fast-check"

const scale = Number(process.env.PROPS_SCALE ?? "1")
const seedEnv = process.env.PROPS_SEED

/** fast-check parameters for a property that runs `baseRuns` times in CI. */
export function runs<T>(baseRuns: number, extra: Parameters<T> = {}): Parameters<T> {
  return {
    numRuns: Math.max(1, Math.round(baseRuns * scale)),
    ...(seedEnv === undefined ? {} : { seed: Number(seedEnv) }),
    verbose: 1,
    ...extra,
  }
}

/** The run count used in CI for every property (the issue asks for at least 200). */
export const CI_RUNS = 200

/**
 * Wall-clock allowance for one property (all its runs). Generous on purpose: the suite runs beside
 * other CPU-heavy tests on a 2-core machine; a property normally needs a few seconds.
 */
export const PROPERTY_TIMEOUT_MS = 600_000
