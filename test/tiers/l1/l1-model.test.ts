/**
 * Model-based test: random command sequences against L1 and a reference that knows nothing of the
 * policy. The reference tracks what is resident purely from L1's own reports (sets minus reported
 * evictions minus deletes), so the test checks the invariants, not which victim the policy picks:
 * - count and byte bounds always hold, and `bytes` equals the sum of resident sizes;
 * - nothing leaves silently: every entry L1 drops for capacity is reported, exactly once;
 * - a read returns the value and version last written for that key, or nothing;
 * - prefetched and owner options never break the above.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { L1Cache } from "../../../src/tiers/l1/index.js"

type Cmd =
  | { op: "set"; key: number; bytes: number; prefetched: boolean; owner: number }
  | { op: "get"; key: number }
  | { op: "delete"; key: number }
  | { op: "clear" }

const KEYS = 40
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant("set" as const), key: fc.nat(KEYS - 1), bytes: fc.nat(120), prefetched: fc.boolean(), owner: fc.nat(3) }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant("get" as const), key: fc.nat(KEYS - 1) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("delete" as const), key: fc.nat(KEYS - 1) }) },
  { weight: 1, arbitrary: fc.constant({ op: "clear" as const }) },
)

describe("L1Cache against a reference model", () => {
  it("keeps its bounds and reports every drop, for any command sequence", () => {
    fc.assert(
      fc.property(
        fc.array(cmd, { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 50, max: 600 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 30, max: 300 }), { nil: undefined }),
        (cmds, maxEntries, maxBytes, adaptive, quotaBytes) => {
          const resident = new Map<string, { value: number; version: number; bytes: number }>()
          let reportError: string | undefined
          const cache = new L1Cache<number>({
            maxBytes,
            maxEntries,
            policy: { adaptive, samplePeriod: 16 },
            owners: quotaBytes === undefined ? undefined : { maxOwners: 4, quotaBytes },
            onEvict: (key, value, bytes, version, reason) => {
              const r = resident.get(key)
              if (reason === "rejected" && bytes > maxBytes) return // never admitted
              if (r === undefined) reportError ??= `evicted ${key}, which the model does not hold`
              else if (r.value !== value || r.version !== version || r.bytes !== bytes) reportError ??= `eviction report of ${key} does not match what was stored`
              resident.delete(key)
            },
          })
          let version = 0
          for (const c of cmds) {
            if (c.op === "set") {
              const key = `k${c.key}`
              const v = ++version
              if (c.bytes > maxBytes) resident.delete(key) // the outdated value is dropped
              else resident.set(key, { value: v * 10, version: v, bytes: c.bytes })
              const kept = cache.set(key, v * 10, c.bytes, v, { prefetched: c.prefetched, owner: c.owner })
              expect(kept).toBe(resident.has(key))
            } else if (c.op === "get") {
              const got = cache.get(`k${c.key}`)
              expect(got).toBe(resident.get(`k${c.key}`)?.value)
            } else if (c.op === "delete") {
              expect(cache.delete(`k${c.key}`)).toBe(resident.delete(`k${c.key}`))
            } else {
              cache.clear()
              resident.clear()
            }
            expect(reportError).toBeUndefined()
            expect(cache.size).toBeLessThanOrEqual(maxEntries)
            expect(cache.bytes).toBeLessThanOrEqual(maxBytes)
            expect(cache.size).toBe(resident.size)
            let sum = 0
            for (const r of resident.values()) sum += r.bytes
            expect(cache.bytes).toBe(sum)
          }
          for (let k = 0; k < KEYS; k++) {
            const key = `k${k}`
            const r = resident.get(key)
            expect(cache.peek(key)).toBe(r?.value)
            expect(cache.versionOf(key)).toBe(r?.version ?? -1)
          }
          if (quotaBytes !== undefined) {
            const perOwner = [0, 0, 0, 0]
            // Owner totals must add up to the cache's bytes.
            for (let o = 0; o < 4; o++) perOwner[o] = cache.ownerBytes(o)
            expect(perOwner.reduce((a, b) => a + b, 0)).toBe(cache.bytes)
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
