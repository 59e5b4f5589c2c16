import { describe, expect, it } from "vitest"
import { fairShares } from "../../src/prefetch/fair-share.js"

describe("fairShares (max-min)", () => {
  it("grants small demands in full and splits the rest equally", () => {
    const s = fairShares(100, [
      { owner: "a", demand: 10 },
      { owner: "b", demand: 1000 },
      { owner: "c", demand: 1000 },
    ])
    expect(s.get("a")).toBe(10)
    expect(s.get("b")).toBe(45)
    expect(s.get("c")).toBe(45)
  })

  it("bounds a flooding owner by capacity minus everyone else's demand", () => {
    const demands = [{ owner: "flood", demand: 1e9 }, ...Array.from({ length: 849 }, (_, i) => ({ owner: `a${i}`, demand: 100 }))]
    const s = fairShares(849 * 100 + 5000, demands)
    for (let i = 0; i < 849; i++) expect(s.get(`a${i}`)).toBe(100)
    expect(s.get("flood")).toBe(5000)
  })

  it("honours weights and never allocates more than capacity", () => {
    const s = fairShares(90, [
      { owner: "x", demand: 1000, weight: 2 },
      { owner: "y", demand: 1000, weight: 1 },
    ])
    expect(s.get("x")).toBeCloseTo(60)
    expect(s.get("y")).toBeCloseTo(30)
    expect([...s.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(90 + 1e-9)
  })

  it("rejects bad input", () => {
    expect(() => fairShares(-1, [])).toThrow(RangeError)
    expect(() => fairShares(10, [{ owner: "z", demand: 1, weight: 0 }])).toThrow(RangeError)
  })
})
