import { describe, expect, it } from "vitest"
import { generaliseKey, instantiateKey } from "../../src/prefetch/agent-template.js"
import { formatNumberedKey, parseNumberedKey } from "../../src/prefetch/numbered-key.js"

describe("agent templates", () => {
  it("generalises a key that embeds the agent id and instantiates it for another agent", () => {
    const t = generaliseKey("agent-17:scratch.py", "agent-17")
    expect(t).toBe("{agent}:scratch.py")
    expect(instantiateKey(t, "agent-4")).toBe("agent-4:scratch.py")
  })

  it("only replaces delimited occurrences", () => {
    expect(generaliseKey("agent-170:x", "agent-17")).toBe("agent-170:x")
    expect(generaliseKey("runs/agent-17/out-agent-17.log", "agent-17")).toBe("runs/{agent}/out-{agent}.log")
  })

  it("leaves keys without the id, and very short ids, alone (same string, no copy)", () => {
    const key = "django/django:tests"
    expect(generaliseKey(key, "agent-17")).toBe(key)
    expect(generaliseKey("7:file-7", "7")).toBe("7:file-7")
  })
})

describe("numbered keys", () => {
  it("splits around the last digit run", () => {
    expect(parseNumberedKey("repo:p3:file-12.py")).toEqual({ prefix: "repo:p3:file-", suffix: ".py", value: 12, padWidth: 0 })
    expect(parseNumberedKey("4711")).toEqual({ prefix: "", suffix: "", value: 4711, padWidth: 0 })
    expect(parseNumberedKey("no-digits")).toBeUndefined()
  })

  it("keeps zero padding", () => {
    const p = parseNumberedKey("chunk-0009")!
    expect(p.padWidth).toBe(4)
    expect(formatNumberedKey(p.prefix, p.suffix, p.value + 1, p.padWidth)).toBe("chunk-0010")
  })

  it("refuses numbers that cannot be represented", () => {
    expect(parseNumberedKey("x1234567890123456789")).toBeUndefined()
    expect(formatNumberedKey("b", "", -1, 0)).toBeUndefined()
  })
})
