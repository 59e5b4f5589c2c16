import { describe, expect, it } from "vitest"
import { BYTES_PER_SLOT, ContextTable, contextHash, type SuccessorGuess } from "../../src/prefetch/context-table.js"

const guess = (): SuccessorGuess => ({ id: -1, count: 0, total: 0 })

describe("ContextTable", () => {
  it("learns the most frequent successor of a context", () => {
    const t = new ContextTable(64)
    const ctx = contextHash(1, 7, -1, -1)
    for (let i = 0; i < 5; i++) t.update(ctx, 42)
    t.update(ctx, 9)
    const g = guess()
    expect(t.best(ctx, g)).toBe(true)
    expect(g).toEqual({ id: 42, count: 5, total: 6 })
  })

  it("reports unknown contexts as unknown", () => {
    const t = new ContextTable(64)
    expect(t.best(contextHash(2, 1, 2, -1), guess())).toBe(false)
  })

  it("keeps its memory fixed however many contexts it sees", () => {
    const t = new ContextTable(256)
    const before = t.byteSize
    expect(before).toBe(256 * BYTES_PER_SLOT)
    for (let i = 0; i < 100_000; i++) t.update(contextHash(1, i, -1, -1), i + 1)
    expect(t.byteSize).toBe(before)
  })

  it("ages counts so a new successor can take over after a phase change", () => {
    const t = new ContextTable(64)
    const ctx = contextHash(1, 3, -1, -1)
    for (let i = 0; i < 40; i++) t.update(ctx, 1)
    for (let i = 0; i < 40; i++) t.update(ctx, 2)
    const g = guess()
    t.best(ctx, g)
    expect(g.id).toBe(2)
  })

  it("gives different orders different hashes for the same ids", () => {
    expect(contextHash(1, 5, 5, 5)).not.toBe(contextHash(2, 5, 5, 5))
    expect(contextHash(2, 5, 6, 0)).not.toBe(contextHash(2, 6, 5, 0))
    expect(contextHash(1, 0, 0, 0)).not.toBe(0)
  })
})
