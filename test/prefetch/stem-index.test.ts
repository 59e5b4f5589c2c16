import { describe, expect, it } from "vitest"
import { parseNumberedKey } from "../../src/prefetch/numbered-key.js"
import { StemIndex } from "../../src/prefetch/stem-index.js"

const keys = [
  "repo:p3:file-12",
  "repo:p3:file-012",
  "repo:p3:file-7.ts",
  "repo:p34:file-7",
  "{agent}:task-2",
  "{agent}:task-3",
  "search:457",
  "a1b",
  "ab1",
  "a1",
  "1",
  "007",
  "plain",
  "",
  "x1234567890123456", // 16 digits: not a number
  "x123456789012345",
]

describe("StemIndex", () => {
  it("reads the same digit run, value and pad width as parseNumberedKey", () => {
    const s = new StemIndex()
    for (const k of keys) {
      const p = parseNumberedKey(k)
      expect(s.locate(k), k).toBe(p !== undefined)
      if (p === undefined) continue
      expect({ value: s.value, padWidth: s.padWidth, prefix: k.slice(0, s.start), suffix: k.slice(s.end) }, k).toEqual({ value: p.value, padWidth: p.padWidth, prefix: p.prefix, suffix: p.suffix })
    }
  })

  it("gives keys one id per (prefix, suffix), in order of first sight, across table growth", () => {
    const s = new StemIndex()
    const byStem = new Map<string, number>()
    const all = [...keys, ...Array.from({ length: 500 }, (_, i) => `k${i % 97}:n${i}:${i % 3 === 0 ? "" : "x"}`)]
    for (const k of all) {
      const p = parseNumberedKey(k)
      if (p === undefined) continue
      s.locate(k)
      const id = s.idOf(k)
      const name = JSON.stringify([p.prefix, p.suffix])
      if (!byStem.has(name)) byStem.set(name, byStem.size)
      expect(id, k).toBe(byStem.get(name))
      expect(s.stems[id]).toMatchObject({ prefix: p.prefix, suffix: p.suffix })
    }
    expect(s.stems.length).toBe(byStem.size)
    // The split point matters: "ab" + "" and "a" + "b" are different stems.
    s.locate("ab1")
    const ab = s.idOf("ab1")
    s.locate("a1b")
    expect(s.idOf("a1b")).not.toBe(ab)
  })

  it("marks stems holding the agent placeholder", () => {
    const s = new StemIndex()
    s.locate("{agent}:task-2")
    expect(s.stems[s.idOf("{agent}:task-2")].isTemplate).toBe(true)
    s.locate("repo:p3:file-1")
    expect(s.stems[s.idOf("repo:p3:file-1")].isTemplate).toBe(false)
  })
})
