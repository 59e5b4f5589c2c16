/** Generators for keys, agents and values, kept small so commands collide on the same keys often. */
import fc from "fast-check"
import type { CacheValue, JsonValue } from "../src/types.js"

/** Agents that exist in the model-based tests. */
export const AGENTS = ["a1", "a2"] as const

/** Shared keys, and keys private to each agent (`<agent>:<rest>`). */
export const KEYS = ["k0", "k1", "k2", "k3", "repo:file.py", "a1:scratch", "a2:scratch"] as const

export const keyArb = fc.constantFrom(...KEYS)
export const agentArb = fc.option(fc.constantFrom(...AGENTS), { nil: undefined })

/**
 * Values of very different sizes: tiny objects, strings around L2's 1 KiB compression threshold,
 * larger blobs that overflow tiny tier budgets, and raw bytes.
 */
export const valueArb: fc.Arbitrary<CacheValue> = fc.oneof(
  fc.record({ n: fc.integer(), s: fc.string({ maxLength: 8 }) }) as fc.Arbitrary<JsonValue>,
  fc.integer({ min: 0, max: 3000 }).map((len): JsonValue => ({ pad: "x".repeat(len), len })),
  fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 5 }) as fc.Arbitrary<JsonValue>,
  fc.uint8Array({ minLength: 0, maxLength: 600 }),
  fc.constantFrom<JsonValue>(null, true, "", 0),
)
