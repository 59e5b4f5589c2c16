/**
 * Random interleavings (fast-check scheduler) of puts, invalidates, reads and prefetches on a few
 * keys, with every L3 operation and every loader call resolved in a scheduler-chosen order.
 * Checked against the history of writes: a read returns a miss or the value of a write that
 * began before the read ended and that no write acknowledged before the read began superseded
 * ("a cache may forget, never lie"); memory never holds a superseded version at the end.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Hierarchy } from "../../src/hierarchy/hierarchy.js"
import { resolveOptions } from "../../src/hierarchy/options.js"
import type { TierSinks } from "../../src/hierarchy/types.js"
import { FakeL1, FakeL2, FakeL3, newDisk } from "./fakes/fake-tiers.js"

const KEYS = ["a", "b", "c"]

interface Write {
  readonly key: string
  readonly value: number | undefined // undefined = invalidate
  readonly startedAt: number
  ackedAt: number
}

type Op = { kind: "put"; key: string } | { kind: "invalidate"; key: string } | { kind: "get"; key: string } | { kind: "prefetch"; key: string }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("put" as const), key: fc.constantFrom(...KEYS) }),
  fc.record({ kind: fc.constant("invalidate" as const), key: fc.constantFrom(...KEYS) }),
  fc.record({ kind: fc.constant("get" as const), key: fc.constantFrom(...KEYS) }),
  fc.record({ kind: fc.constant("prefetch" as const), key: fc.constantFrom(...KEYS) }),
)

/** Each op may wait for every op started before it (a barrier), so reads also begin after acknowledgements. */
async function scenario(s: fc.Scheduler, ops: [Op, boolean][], withLoader: boolean, tiny: boolean): Promise<void> {
  let clock = 0
  const writes: Write[] = []
  // The loader's source: the newest acknowledged value (a user who saves every acknowledged put).
  const source = new Map<string, number>()
  const disk = newDisk()
  const load = withLoader ? s.scheduleFunction(async (key: string) => source.get(key)) : undefined
  const factory = async (sinks: TierSinks) => {
    const l3 = new FakeL3(disk, tiny ? 4 : Number.MAX_SAFE_INTEGER) // tiny: L3 keeps ~1 entry
    l3.get = s.scheduleFunction(l3.get.bind(l3))
    l3.put = s.scheduleFunction(l3.put.bind(l3))
    l3.delete = s.scheduleFunction(l3.delete.bind(l3))
    return { l1: new FakeL1(tiny ? 1 : 100, 1 << 20, sinks), l2: new FakeL2(tiny ? 3 : 1 << 20, sinks.onL2Evict), l3 }
  }
  const h = await Hierarchy.open(resolveOptions({ load, latencySampleEvery: 1 }), factory)
  const failures: string[] = []
  let next = 1
  const runOp = async (op: Op): Promise<void> => {
    const startedAt = ++clock
    if (op.kind === "put" || op.kind === "invalidate") {
      const value = op.kind === "put" ? next++ : undefined
      const w: Write = { key: op.key, value, startedAt, ackedAt: Infinity }
      writes.push(w)
      await (value === undefined ? h.invalidate(op.key) : h.put(op.key, value))
      w.ackedAt = ++clock
      if (value === undefined) source.delete(op.key)
      else if (writes.filter((x) => x.key === op.key && x.ackedAt !== Infinity).every((x) => x.startedAt <= w.startedAt)) source.set(op.key, value)
      return
    }
    if (op.kind === "prefetch") {
      await h.prefetch(op.key)
      return
    }
    const got = (await h.read(op.key)) as number | undefined
    const endedAt = ++clock
    if (got === undefined) return
    const w = writes.find((x) => x.key === op.key && x.value === got)
    if (w === undefined) return void failures.push(`get(${op.key}) returned ${got}, never written`)
    if (w.startedAt > endedAt) failures.push(`get(${op.key}) returned ${got} from a write that began after the read`)
    const newer = writes.find((x) => x.key === op.key && x.startedAt > w.startedAt && x.ackedAt < startedAt)
    if (newer !== undefined) {
      failures.push(`get(${op.key}) returned ${got}, but ${newer.value === undefined ? "an invalidate" : `put ${newer.value}`} was acknowledged before the read began`)
    }
  }
  const started: Promise<void>[] = []
  const driver = (async () => {
    for (const [op, barrier] of ops) {
      if (barrier) await Promise.all(started)
      started.push(runOp(op))
    }
    await Promise.all(started)
  })()
  await s.waitFor(driver)
  await s.waitIdle()
  // After everything settled, memory holds nothing older than the newest acknowledged write.
  for (const key of KEYS) {
    const last = writes.filter((w) => w.key === key).sort((x, y) => y.startedAt - x.startedAt)[0]
    if (last === undefined) continue
    const inL1 = h.getIfPresent(key)
    if (inL1 !== undefined && inL1 !== last.value) failures.push(`at rest L1 holds ${String(inL1)} for ${key}, newest write is ${String(last.value)}`)
  }
  await h.close()
  expect(failures).toEqual([])
}

describe("hierarchy under random interleavings", () => {
  for (const [withLoader, tiny] of [
    [false, false],
    [true, false],
    [true, true],
  ] as const) {
    it(`never lies (loader: ${withLoader}, tiny tiers: ${tiny})`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), fc.array(fc.tuple(opArb, fc.boolean()), { minLength: 1, maxLength: 16 }), (s, ops) => scenario(s, ops, withLoader, tiny)),
        { numRuns: 200 },
      )
    })
  }
})
