/**
 * NothingAcknowledgedLost: puts and invalidates run concurrently while fc.scheduler decides when
 * each L3 write is *performed* (not merely when its completion is seen). After a random number of
 * scheduler steps the process "crashes": no further L3 call ever happens and the memory tiers are
 * gone. Reopening the same folder must find, for every key, its newest write acknowledged before
 * the crash, or a write issued after it — never an older state, never a miss in place of an
 * acknowledged put.
 */
import { rmSync } from "node:fs"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import type { HierarchyL3 } from "../src/hierarchy/types.js"
import type { CacheValue } from "../src/types.js"
import { CI_RUNS, PROPERTY_TIMEOUT_MS, runs } from "./config.js"
import { interceptL3, openHarness, tempDir } from "./harness.js"
import { show } from "./oracle.js"

const KEYS = ["x", "y"] as const
const opArb = fc.record({
  kind: fc.constantFrom("put", "put", "put", "invalidate", "get"),
  key: fc.constantFrom(...KEYS),
  pad: fc.constantFrom(0, 500),
})

const totals = { scenarios: 0, ackedBeforeCrash: 0, checked: 0 }

describe("crash at any scheduler step", () => {
  afterAll(() => {
    console.log("crash property:", totals)
    expect(totals.ackedBeforeCrash).toBeGreaterThan(CI_RUNS / 2)
  })

  it("NothingAcknowledgedLost: every write acknowledged before a crash is found after reopen", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(opArb, { minLength: 2, maxLength: 16 }), fc.nat(40), async (s, ops, crashAfter) => {
        totals.scenarios++
        const dir = tempDir("tc-crash-")
        let crashed = false
        /** L3 calls performed and not yet finished: a crash lands after their system calls. */
        const performed = new Set<Promise<unknown>>()
        let realL3: HierarchyL3 | undefined
        // An L3 call is performed only when the scheduler releases it; after the crash, never.
        const gate = <T>(label: string, call: () => Promise<T>): Promise<T> =>
          s.schedule(Promise.resolve(), label).then(() => {
            if (crashed) return new Promise<T>(() => {})
            const p = call()
            performed.add(p)
            const done = () => performed.delete(p)
            p.then(done, done)
            return p
          })
        const cache = await openHarness({
          dir,
          wrapL3: (l3) =>
            (realL3 = l3) &&
            interceptL3(l3, {
              put: (key, bytes, version) => gate(`l3.put(${key}@${version})`, () => l3.put(key, bytes, version)),
              delete: (key, version) => gate(`l3.delete(${key}@${version})`, () => l3.delete(key, version)),
              get: (key) => gate(`l3.get(${key})`, () => l3.get(key)),
            }),
        })
        const writes: { key: string; kind: string; idx: number }[] = []
        const acked = new Map<string, number>() // key -> index of the newest acknowledged write
        for (const op of ops) {
          if (op.kind === "get") {
            void cache.get(op.key).catch(() => undefined)
            continue
          }
          const idx = writes.length
          writes.push({ key: op.key, kind: op.kind, idx })
          const p = op.kind === "put" ? cache.put(op.key, { w: idx, pad: "c".repeat(op.pad) }) : cache.invalidate(op.key)
          p.then(
            () => {
              if (!crashed && (acked.get(op.key) ?? -1) < idx) acked.set(op.key, idx)
            },
            () => undefined,
          )
        }
        for (let step = 0; step < crashAfter; step++) {
          if (s.count() === 0) break
          await s.waitOne()
          await new Promise((r) => setImmediate(r)) // let a released L3 call finish its real I/O
        }
        crashed = true
        // The process dies: no new L3 call, memory tiers gone. System calls already under way complete
        // (as they would in the kernel) and the store's files are released before another process opens them.
        while (performed.size > 0) await Promise.allSettled([...performed])
        await realL3!.close()
        totals.ackedBeforeCrash += acked.size
        // The crashed instance is abandoned (its memory tiers die with it); a new one opens the folder.
        const again = await openHarness({ dir })
        try {
          for (const key of KEYS) {
            const a = acked.get(key)
            if (a === undefined) continue
            totals.checked++
            const got = (await again.get(key)) as CacheValue | undefined
            const gotIdx = got === undefined ? undefined : (got as { w: number }).w
            const newestAcked = writes[a]
            if (newestAcked.kind === "put") {
              if (gotIdx === undefined || gotIdx < a) {
                // Only a newer invalidate (issued after `a`) may explain a miss.
                const newerInvalidate = writes.some((w) => w.key === key && w.kind === "invalidate" && w.idx > a)
                if (!(gotIdx === undefined && newerInvalidate)) {
                  throw new Error(`after the crash get(${key}) returned ${show(got)}; put #${a} had been acknowledged`)
                }
              }
            } else if (gotIdx !== undefined && gotIdx < a) {
              throw new Error(`after the crash get(${key}) returned write #${gotIdx}; invalidate #${a} had been acknowledged`)
            }
          }
        } finally {
          await again.close()
          rmSync(dir, { recursive: true, force: true })
        }
      }),
      runs(CI_RUNS),
    )
  }, PROPERTY_TIMEOUT_MS)
})
