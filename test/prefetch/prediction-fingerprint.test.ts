import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { FINGERPRINT_FILE, fingerprint, fingerprints } from "../../bench/prefetch/prediction-fingerprint.js"

describe("prediction fingerprint", () => {
  // Recorded with `node --import tsx bench/prefetch/prediction-fingerprint.ts --write` before the
  // update-path optimisations: a speed-up must not change a single prediction or counter.
  it("the engine's predictions and counters on the fixed streams are unchanged", () => {
    const expected = JSON.parse(readFileSync(FINGERPRINT_FILE, "utf8")) as Record<string, string>
    const actual = fingerprints()
    for (const [stream, f] of Object.entries(actual)) expect({ stream, f }).toEqual({ stream, f: expected[stream] })
  }, 120_000)

  it("tells engines that predict differently apart", () => {
    const stream = Array.from({ length: 400 }, (_, i) => ({ agent: "a", key: `doc:${i % 5}`, size: 10, write: false }))
    expect(fingerprint(stream, {})).not.toBe(fingerprint(stream, { maxPredictions: 1 }))
  })
})
