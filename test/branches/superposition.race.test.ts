/**
 * Races: fast-check's scheduler interleaves concurrent branch reads, base reads, putBranch,
 * discard, collapse and tier moves (of live and dead branch data) on one forked key. Every storage
 * and base operation yields to the scheduler, so each run explores a different interleaving.
 *
 * Checked against what callers observe (completion order = the order callbacks run):
 * - NoGhostBranch: a branch read that completes after a collapse or a discard of that branch has
 *   resolved is refused (BranchError); a read never returns another branch's value.
 * - CollapseAtomic: a base read completing before the collapse resolved returns the old base, one
 *   completing after returns exactly the winner's value as of the collapse.
 * - After everything settles: collapsed → no branch bytes left in any tier; otherwise every live
 *   branch reads its last written value.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { TieredMemoryStorage } from "../../src/branches/memory-storage.js"
import { SuperpositionManager } from "../../src/branches/superposition.js"
import { BranchError } from "../../src/errors.js"
import type { CacheValue, JsonValue } from "../../src/types.js"
import { MemoryBase } from "./memory-base.js"

const BRANCHES = ["a", "b", "c"] as const
type Branch = (typeof BRANCHES)[number]

type Op =
  | { readonly kind: "put"; readonly branch: Branch }
  | { readonly kind: "read"; readonly branch: Branch }
  | { readonly kind: "readBase" }
  | { readonly kind: "collapse"; readonly branch: Branch }
  | { readonly kind: "discard"; readonly branch: Branch }
  | { readonly kind: "move"; readonly how: "demote" | "promote" | "evict"; readonly branch: Branch }
  | { readonly kind: "moveAny"; readonly how: "demote" | "promote" | "evict"; readonly pick: number }

const branchArb = fc.constantFrom(...BRANCHES)
const howArb = fc.constantFrom("demote" as const, "promote" as const, "evict" as const)
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: branchArb.map((branch) => ({ kind: "put" as const, branch })) },
  { weight: 5, arbitrary: branchArb.map((branch) => ({ kind: "read" as const, branch })) },
  { weight: 3, arbitrary: fc.constant({ kind: "readBase" as const }) },
  { weight: 2, arbitrary: branchArb.map((branch) => ({ kind: "collapse" as const, branch })) },
  { weight: 1, arbitrary: branchArb.map((branch) => ({ kind: "discard" as const, branch })) },
  { weight: 2, arbitrary: fc.tuple(howArb, branchArb).map(([how, branch]) => ({ kind: "move" as const, how, branch })) },
  { weight: 2, arbitrary: fc.tuple(howArb, fc.nat()).map(([how, pick]) => ({ kind: "moveAny" as const, how, pick })) }
)

/** A state big enough to make deltas real; `tag` names who wrote it. */
function state(tag: string): JsonValue {
  return { tag, items: Array.from({ length: 40 }, (_, i) => ({ i, text: `item ${i}` })) }
}
const tagOf = (v: CacheValue | undefined): string | undefined =>
  v !== undefined && v !== null && typeof v === "object" && !(v instanceof Uint8Array) && !Array.isArray(v) ? String((v as { tag: unknown }).tag) : undefined

interface Done {
  readonly op: Op
  readonly index: number
  /** Position in completion order. */
  readonly at: number
  readonly ok: boolean
  readonly value?: CacheValue | undefined
  readonly error?: unknown
  /** For puts: the tag of the value written. */
  readonly tag?: string
}

describe("superposition under random interleavings", () => {
  it("never returns a ghost branch and collapses atomically as readers see it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(opArb, { minLength: 1, maxLength: 14 }), async (s, ops) => {
        const hook = (op: string, key: string) => s.schedule(Promise.resolve(), `${op} ${key.slice(-6)}`)
        const base = new MemoryBase(hook)
        const storage = new TieredMemoryStorage(hook)
        const sp = new SuperpositionManager(base, storage)
        /** Runs the scheduler until `p` settles (everything below the manager yields to it). */
        const settle = async <T>(p: Promise<T>): Promise<T> => {
          let settled = false
          const watched = p.finally(() => {
            settled = true
          })
          while (!settled) {
            await s.waitAll()
            await new Promise((r) => setImmediate(r))
          }
          return watched
        }
        base.values.set("k", state("root"))
        await settle(sp.fork("k", [...BRANCHES]))
        // Every branch differs from the base up front, so a winner showing early is detectable.
        for (const b of BRANCHES) await settle(sp.putBranch("k", b, state(`${b}:0`)))

        let clock = 0
        const done: Done[] = []
        let putCount = 0
        const launched = ops.map((op, index) =>
          s.schedule(Promise.resolve(), `start ${index}:${op.kind}`).then(async () => {
            let tag: string | undefined
            const run = (): Promise<unknown> => {
              switch (op.kind) {
                case "put":
                  tag = `${op.branch}:${++putCount}`
                  return sp.putBranch("k", op.branch, state(tag))
                case "read":
                  return sp.getBranch("k", op.branch)
                case "readBase":
                  return sp.get("k")
                case "collapse":
                  return sp.collapse("k", op.branch)
                case "discard":
                  return sp.discard("k", op.branch)
                case "move":
                  return sp[`${op.how}Branch`]("k", op.branch)
                case "moveAny": {
                  // Tier moves of any blob, live or dead (the spec over-approximates the policies too).
                  const keys = storage.keys()
                  if (keys.length === 0) return Promise.resolve(false)
                  return storage[op.how](keys[op.pick % keys.length])
                }
              }
            }
            // Readers read three times in a row, so reads are spread over the whole run.
            const repeats = op.kind === "read" || op.kind === "readBase" ? 3 : 1
            for (let i = 0; i < repeats; i++) {
              // Callbacks attached at once: they run in the order the operations complete.
              await run().then(
                (value) => void done.push({ op, index, at: clock++, ok: true, value: value as CacheValue | undefined, tag }),
                (error: unknown) => void done.push({ op, index, at: clock++, ok: false, error, tag })
              )
            }
          })
        )
        await settle(Promise.all(launched))
        await settle(sp.idle())

        for (const d of done) {
          if (!d.ok) expect(d.error, `op ${d.index} ${d.op.kind} failed unexpectedly`).toBeInstanceOf(BranchError)
        }
        const collapse = done.find((d) => d.op.kind === "collapse" && d.ok)
        const discardedAt = new Map<string, number>()
        for (const d of done) if (d.op.kind === "discard" && d.ok) discardedAt.set(d.op.branch, d.at)

        /** Branch b's value as of completion position `before`: the last put into it that completed earlier. */
        const lastTag = (b: string, before: number): string => {
          const puts = done.filter((d) => d.op.kind === "put" && d.ok && d.op.branch === b && d.at < before)
          return puts.length === 0 ? `${b}:0` : puts[puts.length - 1].tag!
        }
        const winner = collapse === undefined ? undefined : (collapse.op as { branch: Branch }).branch
        const winnerTag = winner === undefined ? undefined : lastTag(winner, collapse!.at)

        for (const d of done) {
          if (d.op.kind === "read") {
            const branch = d.op.branch
            const retired = (collapse !== undefined && collapse.at < d.at) || (discardedAt.get(branch) ?? Infinity) < d.at
            // NoGhostBranch
            if (retired) expect(d.ok, `read of ${branch} completed after its branch was retired: ${tagOf(d.value)}`).toBe(false)
            if (d.ok) {
              const tag = tagOf(d.value)
              expect(tag?.startsWith(`${branch}:`), `read of ${branch} returned ${tag}`).toBe(true)
            }
          }
          if (d.op.kind === "readBase") {
            const tag = tagOf(d.value)
            if (collapse === undefined || d.at < collapse.at) expect(tag, "base read before the collapse resolved").toBe("root")
            else expect(tag, "base read after the collapse resolved").toBe(winnerTag)
          }
        }

        if (collapse !== undefined) {
          expect(storage.keys(), "branch bytes left after a collapse").toEqual([])
          expect(sp.store.stats().references).toBe(0)
          expect(tagOf(base.values.get("k")), "the collapse installed the winner as of its linearization").toBe(winnerTag)
        } else {
          // Every live branch holds its last written value (lock order = completion order of puts).
          for (const b of sp.branches("k")) {
            expect(tagOf(await settle(sp.getBranch("k", b)))).toBe(lastTag(b, Infinity))
          }
        }
      }),
      { numRuns: 200 }
    )
  })
})
