import { describe, expect, it } from "vitest"
import { StrideDetector, type StrideGuess } from "../../src/prefetch/stride-detector.js"

const out = (): StrideGuess => ({ stem: -1, last: 0, delta: 0, confirmations: 0, prevContext: 0 })

describe("StrideDetector", () => {
  it("confirms a repeated delta", () => {
    const s = new StrideDetector()
    const g = out()
    expect(s.observe(1, 10, g)).toBe(false)
    expect(s.observe(1, 13, g)).toBe(false) // first delta seen
    expect(s.observe(1, 16, g)).toBe(true)
    expect(g).toMatchObject({ last: 16, delta: 3, confirmations: 1 })
    s.observe(1, 19, g)
    expect(g.confirmations).toBe(2)
  })

  it("tracks interleaved streams on different stems independently", () => {
    const s = new StrideDetector()
    const g = out()
    for (let i = 0; i < 5; i++) {
      s.observe(1, 100 + i, g)
      s.observe(2, 500 - 2 * i, g)
    }
    expect(s.observe(1, 105, g)).toBe(true)
    expect(g.delta).toBe(1)
    expect(s.observe(2, 490, g)).toBe(true)
    expect(g.delta).toBe(-2)
  })

  it("resets confirmations when the delta changes, and ignores huge jumps", () => {
    const s = new StrideDetector()
    const g = out()
    for (const v of [1, 2, 3, 4]) s.observe(7, v, g)
    expect(s.observe(7, 10, g)).toBe(false)
    for (const v of [1000, 2000, 3000]) s.observe(8, v, g)
    expect(s.observe(8, 4000, g)).toBe(false)
  })
})
