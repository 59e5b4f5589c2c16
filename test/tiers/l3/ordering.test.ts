/**
 * Randomized check of L3's ordering rule against a model: concurrent puts and deletes of a few
 * keys, with versions in random order, across reopens and compactions. Whatever the arrival or
 * completion order, each key must end up as its highest-version operation says (a put: those
 * bytes; a delete: absent) — the order-independence that makes group commit and replay safe.
 */
import fc from "fast-check"
import { afterEach, expect, it } from "vitest"
import { openL3 } from "../../../src/tiers/l3/index.js"
import { randomBytes, removeTempDirs, tempDir, textBytes } from "./helpers.js"

afterEach(removeTempDirs)

const KEYS = ["a", "b", "c", "d"]
/** A small pool so different keys often share bytes (dedupe and shared-blob refcounts). */
const POOL = [new Uint8Array(0), randomBytes(10, 1), randomBytes(300, 2), textBytes(5000, 3), randomBytes(9000, 4)]

const op = fc.record({ kind: fc.constantFrom("put", "put", "delete"), key: fc.constantFrom(...KEYS), value: fc.nat(POOL.length - 1) })
/** Sessions (the store is reopened between them) of batches (run concurrently) of operations. */
const sessions = fc.array(fc.array(fc.array(op, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 3 })

it("final state = highest-version operation per key, whatever the interleaving", async () => {
  await fc.assert(
    fc.asyncProperty(sessions, fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (plan, seed) => {
      const dir = tempDir()
      const model = new Map<string, { version: number; value: number | undefined }>()
      let base = 0
      let rnd = seed
      for (const session of plan) {
        const l3 = await openL3({ dir, maxBytes: 1 << 24, compressThreshold: 1024, minCompactBytes: 400, compactRatio: 1.5 })
        // Versions of this session: a random permutation of a fresh range above every earlier one.
        const count = session.reduce((n, b) => n + b.length, 0)
        const versions = Array.from({ length: count }, (_, i) => base + 1 + i)
        for (let i = versions.length - 1; i > 0; i--) {
          rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0
          const j = rnd % (i + 1)
          ;[versions[i], versions[j]] = [versions[j], versions[i]]
        }
        base += count
        let v = 0
        for (const batch of session) {
          await Promise.all(
            batch.map((o) => {
              const version = versions[v++]
              const current = model.get(o.key)
              if (current === undefined || version > current.version) model.set(o.key, { version, value: o.kind === "put" ? o.value : undefined })
              return o.kind === "put" ? l3.put(o.key, POOL[o.value], version) : l3.delete(o.key, version)
            })
          )
          for (const key of KEYS) {
            const expected = model.get(key)
            const got = await l3.get(key)
            if (expected?.value === undefined) expect(got).toBeUndefined()
            else expect(got).toEqual({ bytes: POOL[expected.value], version: expected.version })
          }
        }
        expect(l3.counters.quarantined).toBe(0)
        await l3.close()
      }
    }),
    { numRuns: 25 }
  )
})
