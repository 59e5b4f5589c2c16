import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import { afterAll, describe, expect, it } from "vitest"
import { capacityFor, detectFormat, listSharedTraces, loadTrace, traceName, TraceFormatError } from "../../src/traces/read-trace.js"

const dir = mkdtempSync(join(tmpdir(), "tc-trace-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
function file(name: string, text: string, gz = true): string {
  const p = join(dir, name)
  writeFileSync(p, gz ? gzipSync(text) : text)
  return p
}

describe("loadTrace", () => {
  it("detects the three layouts", () => {
    expect(detectFormat(["1", "2", "x"])).toBe("keys")
    expect(detectFormat(["a 10", "b 20"])).toBe("keys-sizes")
    expect(detectFormat(["agent-1 repo:file.py", "agent-2 repo:x"])).toBe("agent-keys")
  })
  it("reads keys, sizes and agents and counts unique keys", () => {
    const k = loadTrace(file("k.txt.gz", "1\n2\n1\n\n"))
    expect(k.format).toBe("keys")
    expect(k.keys).toEqual(["1", "2", "1"])
    expect(k.uniqueKeys).toBe(2)
    const s = loadTrace(file("s.txt", "a 10\nb 20\r\n", false))
    expect([...s.sizes!]).toEqual([10, 20])
    const a = loadTrace(file("a.txt.gz", "ag1 r:x\nag2 r:y\nag1 ag1:z\n"))
    expect(a.agents).toEqual(["ag1", "ag2", "ag1"])
    expect(a.keys).toEqual(["r:x", "r:y", "ag1:z"])
  })
  it("honours limit and forced format", () => {
    const t = loadTrace(file("l.txt.gz", "1\n2\n3\n"), { limit: 2 })
    expect(t.keys).toEqual(["1", "2"])
  })
  it("names file and line of a malformed request", () => {
    const p = file("bad.txt.gz", "a 1\nb 2\nc x\n")
    expect(() => loadTrace(p, { format: "keys-sizes" })).toThrowError(/bad\.txt\.gz:3: size "x"/)
    const e = (() => { try { loadTrace(p, { format: "keys" }) } catch (err) { return err } })()
    expect(e).toBeInstanceOf(TraceFormatError)
    expect((e as TraceFormatError).line).toBe(1)
  })
  it("rejects missing, empty, corrupt-gzip and binary files", () => {
    expect(() => loadTrace(join(dir, "nope.gz"))).toThrowError(/cannot read/)
    expect(() => loadTrace(file("e.txt.gz", "\n\n"))).toThrowError(/empty trace/)
    const corrupt = join(dir, "c.gz")
    writeFileSync(corrupt, Buffer.from([0x1f, 0x8b, 1, 2, 3]))
    expect(() => loadTrace(corrupt)).toThrowError(/corrupt gzip/)
    expect(() => loadTrace(file("b.bin", "a\u0000b", false))).toThrowError(/binary/)
  })
  it("computes capacities as ANCHORS.md does", () => {
    expect(capacityFor(36815, 1)).toBe(368)
    expect(capacityFor(3863, 5)).toBe(193)
    expect(capacityFor(10, 1)).toBe(1)
  })
  it("finds the shared traces", () => {
    const files = listSharedTraces()
    expect(files.length).toBeGreaterThanOrEqual(20)
    expect(files.map(traceName)).toContain("arc_oltp")
  })
})
