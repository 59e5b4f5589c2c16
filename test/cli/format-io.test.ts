/** The CLI's output helpers at their edges: unit boundaries, non-finite figures, the real-terminal io. */
import { afterEach, describe, expect, it, vi } from "vitest"
import { formatBytes, formatCount, formatMs, formatNs, formatPct, renderTable } from "../../src/cli/format.js"
import { processIo } from "../../src/cli/io.js"
import { createProgress } from "../../src/cli/progress.js"

afterEach(() => vi.restoreAllMocks())

describe("format", () => {
  it("formatNs switches unit at each power of 1000 and prints '-' for non-finite", () => {
    expect(formatNs(999.4)).toBe("999 ns")
    expect(formatNs(1_000)).toBe("1.00 µs")
    expect(formatNs(999_999)).toBe("1000.00 µs")
    expect(formatNs(1_000_000)).toBe("1.00 ms")
    expect(formatNs(2_500_000_000)).toBe("2.50 s")
    expect(formatNs(Number.NaN)).toBe("-")
    expect(formatNs(Number.POSITIVE_INFINITY)).toBe("-")
  })

  it("formatBytes: B, KiB, MiB, GiB", () => {
    expect(formatBytes(1023)).toBe("1023 B")
    expect(formatBytes(1024)).toBe("1.0 KiB")
    expect(formatBytes(1024 ** 2)).toBe("1.0 MiB")
    expect(formatBytes(3 * 1024 ** 3)).toBe("3.00 GiB")
  })

  it("formatPct, formatCount, formatMs", () => {
    expect(formatPct(0.875)).toBe("87.50 %")
    expect(formatPct(Number.NaN)).toBe("-")
    expect(formatCount(1234567.4)).toBe("1,234,567")
    expect(formatMs(999.4)).toBe("999 ms")
    expect(formatMs(12_340)).toBe("12.3 s")
  })

  it("renderTable of no rows is empty; left-aligned cells drop trailing spaces", () => {
    expect(renderTable([])).toBe("")
    expect(renderTable([["a", "b"], ["long", ""]])).toBe("a     b\n────  ─\nlong")
  })
})

describe("processIo", () => {
  it("writes results to stdout and diagnostics to stderr, adding the final newline only when missing", () => {
    const out: string[] = []
    const err: string[] = []
    vi.spyOn(process.stdout, "write").mockImplementation(((t: string) => out.push(t) > 0) as never)
    vi.spyOn(process.stderr, "write").mockImplementation(((t: string) => err.push(t) > 0) as never)
    processIo.out("table")
    processIo.out("json\n")
    processIo.err("tiercache: oops")
    vi.restoreAllMocks()
    expect(out).toEqual(["table\n", "json\n"])
    expect(err).toEqual(["tiercache: oops\n"])
    expect(processIo.progressStream).toBe(process.stderr)
  })
})

describe("progress", () => {
  it("draws nothing for an empty job even on a TTY, and throttles redraws to one per 100 ms until done", () => {
    const written: string[] = []
    const tty = { isTTY: true, write: (t: string) => void written.push(t) } as unknown as NodeJS.WriteStream
    const empty = createProgress("x", 0, tty)
    empty.update(0)
    empty.finish()
    expect(written).toEqual([])
    const bar = createProgress("job", 1000, tty)
    bar.update(1)
    bar.update(2) // within 100 ms of the last draw and not done: skipped
    bar.update(1000) // done: always drawn
    expect(written).toHaveLength(2)
    expect(written[0]).toMatch(/^\rjob \[░{30}\]\s+0 %\s+1\/1,000\s+eta \d+ s $/)
    expect(written[1]).toMatch(/^\rjob \[█{30}\] 100 %\s+1,000\/1,000\s+eta 0 s $/)
  })
})
