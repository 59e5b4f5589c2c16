/**
 * Trace files that do not match a layout are refused with a `TraceFormatError` naming the file
 * and (where there is one) the line, instead of being replayed as something else.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { detectFormat, loadTrace, TraceFormatError } from "../../src/traces/read-trace.js"

const dir = mkdtempSync(join(tmpdir(), "tc-trace-bad-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const plain = (name: string, text: string): string => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

function errorOf(thunk: () => unknown): TraceFormatError {
  try {
    thunk()
  } catch (e) {
    expect(e).toBeInstanceOf(TraceFormatError)
    return e as TraceFormatError
  }
  throw new Error("expected a TraceFormatError")
}

describe("malformed traces", () => {
  it("refuses first lines that mix one-field and two-field requests", () => {
    const err = errorOf(() => detectFormat(["k1", "agent k2", "k3"], "mixed.txt"))
    expect(err.message).toBe("mixed.txt: mixed layouts in the first lines (one and two fields)")
    expect(err.line).toBe(0)
  })

  it("refuses a keys trace with a line holding two fields, naming the line", () => {
    // detection sees one field everywhere; a later line (past the first 200) breaks the layout
    const lines = Array.from({ length: 250 }, (_, i) => `k${i}`)
    lines[230] = "k230 extra"
    const long = plain("long.txt", lines.join("\n"))
    const err = errorOf(() => loadTrace(long))
    expect(err.line).toBe(231)
    expect(err.message).toBe(`${long}:231: expected one key, got "k230 extra"`)
  })

  it("refuses a two-field layout with a line of three fields", () => {
    const p = plain("agents.txt", "ag1 k1\nag2 k2\nag1 k3 extra\n")
    const err = errorOf(() => loadTrace(p, { format: "agent-keys" }))
    expect(err.message).toBe(`${p}:3: expected 2 fields (agent-keys), got 3`)
  })

  it("refuses a size above 32 bits", () => {
    const p = plain("sizes.txt", "a 10\nb 4294967296\n")
    const err = errorOf(() => loadTrace(p))
    expect(err.message).toBe(`${p}:2: size "4294967296" is not a 32-bit unsigned integer`)
  })

  it("a file of blank lines under a forced format has no requests", () => {
    const p = plain("blank.txt", "\n  \n\r\n")
    expect(errorOf(() => loadTrace(p, { format: "keys" })).message).toBe(`${p}: no requests`)
  })
})
