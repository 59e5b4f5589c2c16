import { describe, expect, it } from "vitest"
import { parseBytes, parseCommand, parseInteger, parseOnOff, parsePositiveNumber, UsageError } from "../../src/cli/args.js"
import { formatBytes, formatNs, renderTable } from "../../src/cli/format.js"
import { LevelHistogram } from "../../src/cli/level-histogram.js"

describe("argument parsing", () => {
  it("parses byte sizes with binary and decimal units", () => {
    expect(parseBytes("l1", "65536")).toBe(65536)
    expect(parseBytes("l1", "64KiB")).toBe(65536)
    expect(parseBytes("l1", "64k")).toBe(65536)
    expect(parseBytes("l1", "1.5MiB")).toBe(1572864)
    expect(parseBytes("l1", "2GB")).toBe(2_000_000_000)
    expect(parseBytes("l1", "16_000")).toBe(16000)
    expect(() => parseBytes("l1", "12XB")).toThrow(UsageError)
    expect(() => parseBytes("l1", "-5")).toThrow(/not a byte size/)
    expect(() => parseBytes("l1", "10", 1024)).toThrow(/at least 1024 bytes/)
  })

  it("parses whole numbers with separators and exponents, within range", () => {
    expect(parseInteger("ops", "200_000", 1)).toBe(200000)
    expect(parseInteger("ops", "2e5", 1)).toBe(200000)
    expect(() => parseInteger("ops", "1.5", 1)).toThrow(/not a whole number/)
    expect(() => parseInteger("ops", "0", 1)).toThrow(/out of range/)
    expect(() => parseInteger("port", "70000", 0, 65535)).toThrow(/out of range \(0\.\.65535\)/)
  })

  it("parses on/off and positive numbers", () => {
    expect(parseOnOff("p", "on")).toBe(true)
    expect(parseOnOff("p", "OFF")).toBe(false)
    expect(() => parseOnOff("p", "yes please")).toThrow(/not on or off/)
    expect(parsePositiveNumber("size-pct", "0.5", 100)).toBe(0.5)
    expect(() => parsePositiveNumber("size-pct", "101", 100)).toThrow(UsageError)
  })

  it("reports a string option without a value instead of eating the next flag", () => {
    expect(() => parseCommand("x", ["--size", "--json"], { size: { type: "string" }, json: { type: "boolean" } })).toThrow(
      "x: option --size needs a value",
    )
  })

  it("rejects repeated options", () => {
    expect(() => parseCommand("x", ["--size", "1", "--size", "2"], { size: { type: "string" } })).toThrow("x: option --size given more than once")
  })
})

describe("formatting", () => {
  it("aligns tables and formats units", () => {
    const t = renderTable([["a", "n"], ["long name", "1"], ["b", "1000"]], new Set([1]))
    expect(t.split("\n")).toEqual(["a             n", "─────────  ────", "long name     1", "b          1000"])
    expect(formatNs(812)).toBe("812 ns")
    expect(formatNs(1240)).toBe("1.24 µs")
    expect(formatBytes(153.4 * 1024 * 1024)).toBe("153.4 MiB")
  })
})

describe("LevelHistogram", () => {
  it("buckets by powers of two and reports bucket upper bounds as percentiles", () => {
    const h = new LevelHistogram()
    for (let i = 0; i < 90; i++) h.record(300) // (256, 512]
    for (let i = 0; i < 10; i++) h.record(5000) // (4096, 8192]
    expect(h.percentile(50)).toBe(512)
    expect(h.percentile(95)).toBe(8192)
    const r = h.toReport("l1")
    expect(r.upperNs[0]).toBe(512)
    expect(r.counts[0]).toBe(90)
    expect(r.counts.reduce((a, b) => a + b, 0)).toBe(100)
    expect(new LevelHistogram().percentile(50)).toBe(0)
  })
})

describe("progress bar", () => {
  it("draws only on a TTY", async () => {
    const { createProgress } = await import("../../src/cli/progress.js")
    const written: string[] = []
    const tty = { isTTY: true, write: (t: string) => written.push(t) } as unknown as NodeJS.WriteStream
    const bar = createProgress("simulate", 100, tty)
    bar.update(50)
    bar.update(100)
    bar.finish()
    expect(written.some((t) => t.includes("simulate [") && t.includes("100 %"))).toBe(true)
    const pipe: string[] = []
    const notTty = { isTTY: false, write: (t: string) => pipe.push(t) } as unknown as NodeJS.WriteStream
    const none = createProgress("simulate", 100, notTty)
    none.update(50)
    none.finish()
    expect(pipe).toEqual([])
  })
})
