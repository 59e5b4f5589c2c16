/**
 * The collapse window, forced deterministically: the winner is already installed by the base write
 * (visible in "L1") while the write still waits for durability. Readers in that window must still
 * see the old base, and the winner must never be observed before collapse resolves — not even by a
 * reader that polls on every microtask.
 */
import { describe, expect, it } from "vitest"
import { TieredMemoryStorage } from "../../src/branches/memory-storage.js"
import { SuperpositionManager } from "../../src/branches/superposition.js"
import { BranchError } from "../../src/errors.js"
import type { CacheValue } from "../../src/types.js"
import { MemoryBase } from "./memory-base.js"

/** Gates: the n-th call of an operation (`"read#1"`, `"write#1"`, ...) waits while held. */
class Gates {
  private readonly calls = new Map<string, number>()
  private readonly held = new Map<string, { promise: Promise<void>; release: () => void }>()
  /** Holds the next call of `op` (calls already made are counted); returns its gate name. */
  holdNext(op: string): string {
    const name = `${op}#${(this.calls.get(op) ?? 0) + 1}`
    this.hold(name)
    return name
  }
  hold(name: string): void {
    let release!: () => void
    const promise = new Promise<void>((r) => (release = r))
    this.held.set(name, { promise, release })
  }
  release(name: string): void {
    this.held.get(name)?.release()
    this.held.delete(name)
  }
  wait = async (op: string): Promise<void> => {
    const n = (this.calls.get(op) ?? 0) + 1
    this.calls.set(op, n)
    await this.held.get(`${op}#${n}`)?.promise
  }
}

const tag = (v: CacheValue | undefined): unknown => (v as { tag?: unknown } | undefined)?.tag
const ticks = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r))
}

describe("the collapse window", () => {
  it("a base read in flight when the winner is installed still answers the old base", async () => {
    const gates = new Gates()
    const base = new MemoryBase(gates.wait)
    const sp = new SuperpositionManager(base, new TieredMemoryStorage())
    base.values.set("k", { tag: "root" })
    await sp.fork("k", ["a", "b"])
    await sp.putBranch("k", "a", { tag: "A" })

    const heldRead = gates.holdNext("read")
    const inFlight = sp.get("k") // waits inside the base read
    let collapsed = false
    const heldWrite = gates.holdNext("write")
    const collapsing = sp.collapse("k", "a").then(() => (collapsed = true))
    await ticks(5)
    expect(base.values.get("k")).toEqual({ tag: "A" }) // the winner is installed in "L1", not yet durable
    expect(collapsed).toBe(false)
    gates.release(heldRead) // the in-flight read now finds the winner in "L1"
    expect(tag(await inFlight)).toBe("root")
    expect(tag(await sp.get("k"))).toBe("root")
    expect(tag(sp.peek("k"))).toBe("root")
    expect(tag(await sp.getBranch("k", "b"))).toBe("root") // siblings readable until collapse resolves
    gates.release(heldWrite)
    await collapsing
    expect(tag(await sp.get("k"))).toBe("A")
    expect(tag(sp.peek("k"))).toBe("A")
    await expect(sp.getBranch("k", "b")).rejects.toBeInstanceOf(BranchError)
  })

  it("a reader polling on every microtask never sees the winner before collapse resolves, nor a sibling after", async () => {
    const base = new MemoryBase()
    const sp = new SuperpositionManager(base, new TieredMemoryStorage())
    base.values.set("k", { tag: "root" })
    await sp.fork("k", ["a", "b"])
    await sp.putBranch("k", "a", { tag: "A" })
    await sp.putBranch("k", "b", { tag: "B" })

    // Everything here is microtask-driven (no timers: a polling loop would starve them).
    const microtasks = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) await Promise.resolve()
    }
    let resolved = false
    let stop = false
    let pollsBefore = 0
    let pollsAfter = 0
    const violations: string[] = []
    const pollBase = async (offset: number): Promise<void> => {
      await microtasks(offset)
      while (!stop) {
        const v = await sp.get("k")
        if (resolved) pollsAfter++
        else pollsBefore++
        if (tag(v) === "A" && !resolved) violations.push("winner seen before collapse resolved")
        if (tag(v) === "root" && resolved) violations.push("old base seen after collapse resolved")
      }
    }
    const pollSibling = async (offset: number): Promise<void> => {
      await microtasks(offset)
      while (!stop) {
        // Checked in the first callback on the read's own promise — the same distance from
        // resolution as the collapse's callback (a longer chain would observe it later, by design).
        await sp.getBranch("k", "b").then(
          () => {
            if (resolved) violations.push("sibling seen after collapse resolved")
          },
          () => undefined
        )
      }
    }
    // Pollers start one microtask apart, so at the switch some poller is at every phase of a read.
    const pollers = Array.from({ length: 8 }, (_, i) => [pollBase(i), pollSibling(i)]).flat()
    await microtasks(20)
    await sp.collapse("k", "a").then(() => {
      resolved = true
    })
    await microtasks(50)
    stop = true
    await Promise.all(pollers)
    expect(violations).toEqual([])
    expect(pollsBefore).toBeGreaterThan(10) // the pollers really ran through the collapse
    expect(pollsAfter).toBeGreaterThan(10)
  })
})
