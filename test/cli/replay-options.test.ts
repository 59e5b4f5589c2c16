/**
 * `tiercache replay` options and inputs beyond the happy path: format detection, malformed traces,
 * --units / --limit / --policy / --prefetch, the JSON field shapes, and every one-line usage error.
 * Runs in-process on tiny generated traces (milliseconds each).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../../src/cli/main.js"
import { replayTrace, uniqueBytes } from "../../src/cli/replay-engine.js"
import { lruPolicy } from "../../src/cli/replay-policy.js"
import { tiercachePolicy } from "../../src/cli/replay-l1.js"
import { loadTrace } from "../../src/traces/read-trace.js"
import { capture } from "./capture.js"

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tiercache-replay-opts-"))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function writeTrace(name: string, text: string | Buffer): string {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

/** A looping sequence over `keys` distinct keys, `rounds` times: predictable, so a prefetcher can learn it. */
function loopTrace(keys: number, rounds: number, line: (k: number, i: number) => string): string {
  const out: string[] = []
  for (let r = 0; r < rounds; r++) for (let k = 0; k < keys; k++) out.push(line(k, r * keys + k))
  return `${out.join("\n")}\n`
}

async function replayJson(argv: readonly string[]): Promise<Record<string, unknown>> {
  const io = capture()
  const code = await runCli(["replay", ...argv, "--json"], io)
  expect(io.stderr).toBe("")
  expect(code).toBe(0)
  const lines = io.stdout.trim().split("\n")
  expect(lines).toHaveLength(1)
  return JSON.parse(lines[0]) as Record<string, unknown>
}

describe("replay: format detection", () => {
  it("detects keys, keys-sizes and agent-keys traces and picks units from the format", async () => {
    const keys = await replayJson([writeTrace("k.txt", "a\nb\na\n"), "--size", "2"])
    expect(keys).toMatchObject({ format: "keys", units: "entries", requests: 3, uniqueKeys: 2, hits: 1, misses: 2, trace: "k" })
    expect(keys).not.toHaveProperty("byteHitRatio")
    expect(keys).not.toHaveProperty("prefetch")

    const sized = await replayJson([writeTrace("s.txt", "a 10\nb 20\na 10\n"), "--size", "1KiB"])
    expect(sized).toMatchObject({ format: "keys-sizes", units: "bytes", capacity: 1024, hits: 1, misses: 2 })
    expect(sized.byteHitRatio).toBeCloseTo(10 / 40, 12)

    const agents = await replayJson([writeTrace("ag.txt", "agent1 a\nagent2 b\nagent1 a\n"), "--size", "4"])
    expect(agents).toMatchObject({ format: "agent-keys", units: "entries", requests: 3, uniqueKeys: 2, hits: 1 })
  })

  it("prints exactly the documented JSON fields (prefetch and byteHitRatio only when they apply)", async () => {
    const r = await replayJson([writeTrace("fields.txt", "a 1\nb 2\n"), "--size", "100", "--prefetch", "on"])
    expect(Object.keys(r).sort()).toEqual(
      ["byteHitRatio", "capacity", "elapsedMs", "file", "format", "hitRatio", "hits", "misses", "policy", "prefetch", "requests", "trace", "uniqueKeys", "units"].sort(),
    )
    expect(Number.isInteger(r.elapsedMs)).toBe(true)
  })

  it("keeps .txt/.txt.gz out of the trace name", async () => {
    const r = await replayJson([writeTrace("named.trace.txt", "x\n"), "--size", "1"])
    expect(r.trace).toBe("named.trace")
  })
})

describe("replay: malformed traces exit 3 with one line naming the file", () => {
  it.each([
    ["empty.txt", "\n\n  \n", /empty\.txt: empty trace$/m],
    ["mixed.txt", "a\nb 5\n", /mixed layouts in the first lines/],
    ["binary.txt", Buffer.from([0x61, 0x00, 0x0a]), /binary data \(NUL byte\)/],
    ["three.txt", "a 1\nb 2 3\n", /three\.txt:2: expected 2 fields \(agent-keys\), got 3/],
    ["huge.txt", "a 1\nb 4294967296\n", /huge\.txt:2: size "4294967296" is not a 32-bit unsigned integer/],
    ["gz.txt.gz", Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef]), /gz\.txt\.gz: corrupt gzip data/],
  ])("%s", async (name, text, message) => {
    const file = writeTrace(name, text)
    const io = capture()
    expect(await runCli(["replay", file], io)).toBe(3)
    expect(io.stderr).toMatch(message)
    expect(io.stderr.startsWith("tiercache: ")).toBe(true)
    expect(io.stderr.trim().split("\n")).toHaveLength(1)
    expect(io.stdout).toBe("")
  })

  it("a forced --format that does not fit names the first bad line", async () => {
    const file = writeTrace("two-fields.txt", "a 1\nb 2\n")
    const io = capture()
    expect(await runCli(["replay", file, "--format", "keys"], io)).toBe(3)
    expect(io.stderr).toContain(`${file}:1: expected one key, got "a 1"`)
  })

  it("--format agent-keys reads a keys-sizes file as agent/key pairs", async () => {
    const r = await replayJson([writeTrace("as-agents.txt", "a 1\nb 1\nc 2\n"), "--format", "agent-keys", "--size", "5"])
    expect(r).toMatchObject({ format: "agent-keys", requests: 3, uniqueKeys: 2, hits: 1 })
  })
})

describe("replay: --units, --limit, --size-pct, --policy", () => {
  const sized = (): string => writeTrace("units.txt", "a 100\nb 100\nc 100\na 100\nb 100\nc 100\n")

  it("--units entries on a keys-sizes trace counts entries and takes a plain --size", async () => {
    const r = await replayJson([sized(), "--units", "entries", "--size", "3", "--policy", "lru"])
    expect(r).toMatchObject({ units: "entries", capacity: 3, hits: 3, misses: 3 })
    expect(r).not.toHaveProperty("byteHitRatio")
  })

  it("--units bytes with a 250-byte cache holds two of the three 100-byte objects (LRU: every request misses)", async () => {
    const r = await replayJson([sized(), "--units", "bytes", "--size", "250", "--policy", "lru"])
    expect(r).toMatchObject({ units: "bytes", capacity: 250, hits: 0, misses: 6, byteHitRatio: 0 })
  })

  it("--size-pct in byte mode is a share of the unique bytes", async () => {
    const r = await replayJson([sized(), "--size-pct", "50"])
    expect(r).toMatchObject({ units: "bytes", capacity: 150 })
  })

  it("--size-pct defaults to 5 % of unique keys (at least one entry)", async () => {
    const r = await replayJson([writeTrace("default.txt", loopTrace(100, 2, (k) => `k${k}`))])
    expect(r).toMatchObject({ units: "entries", capacity: 5, requests: 200, uniqueKeys: 100 })
  })

  it("--limit stops after that many requests", async () => {
    const r = await replayJson([writeTrace("limit.txt", loopTrace(10, 5, (k) => `k${k}`)), "--limit", "15", "--size", "100"])
    expect(r).toMatchObject({ requests: 15, uniqueKeys: 10, hits: 5, misses: 10 })
  })

  it("--policy tiercache in byte mode respects the byte budget", async () => {
    const r = await replayJson([sized(), "--policy", "tiercache", "--size", "1000"])
    expect(r).toMatchObject({ policy: "tiercache", units: "bytes", hits: 3, misses: 3, byteHitRatio: 0.5 })
  })

  it.each([["lru"], ["tiercache"]])("--policy %s gives the same answer when everything fits", async (policy) => {
    const r = await replayJson([writeTrace(`fits-${policy}.txt`, loopTrace(20, 3, (k) => `k${k}`)), "--policy", policy, "--size", "20"])
    expect(r).toMatchObject({ policy, hits: 40, misses: 20, hitRatio: 40 / 60 })
  })
})

describe("replay: --prefetch on", () => {
  it("LRU + prefetch learns a repeating sequence: issued/used/accuracy, and more hits than without", async () => {
    // 40 keys in a fixed loop, cache of 10: without prefetch LRU misses every request.
    const file = writeTrace("loop-lru.txt", loopTrace(40, 30, (k) => `k${k}`))
    const off = await replayJson([file, "--policy", "lru", "--size", "10"])
    const on = await replayJson([file, "--policy", "lru", "--size", "10", "--prefetch", "on"])
    const p = on.prefetch as Record<string, number>
    expect(Object.keys(p)).toEqual(expect.arrayContaining(["issued", "used", "accuracy", "coverage"]))
    expect(off.hits).toBe(0)
    expect(p.issued).toBeGreaterThan(0)
    expect(p.used).toBeGreaterThan(0)
    expect(p.used).toBeLessThanOrEqual(p.issued)
    expect(p.accuracy).toBeCloseTo(p.used / p.issued, 12)
    expect(on.hits).toBe(p.used) // every hit is a used prefetch: the loop never re-hits a demand entry
  })

  it("tiercache + prefetch issues predictions (placed as probationary L1 entries)", async () => {
    const file = writeTrace("loop-l1.txt", loopTrace(40, 30, (k) => `k${k}`))
    const on = await replayJson([file, "--policy", "tiercache", "--size", "39", "--prefetch", "on"])
    const p = on.prefetch as Record<string, number>
    expect(p.issued).toBeGreaterThan(0)
    expect(p.used).toBeGreaterThan(0)
    expect(p.accuracy).toBeCloseTo(p.used / p.issued, 12)
  })

  it("prefetches by byte size on a keys-sizes trace (agent-less: one learner)", async () => {
    const file = writeTrace("loop-sized.txt", loopTrace(40, 30, (k) => `k${k} ${k === 0 ? 0 : 50}`))
    const on = await replayJson([file, "--policy", "lru", "--size", "500", "--prefetch", "on"])
    const p = on.prefetch as Record<string, number>
    expect(on.units).toBe("bytes")
    expect(p.issued).toBeGreaterThan(0)
    expect(p.used).toBeGreaterThan(0)
  })

  it("learns per agent on an agent-keys trace", async () => {
    const file = writeTrace("loop-agents.txt", loopTrace(40, 30, (k, i) => `agent${i % 2} k${k}`))
    const on = await replayJson([file, "--size", "10", "--prefetch", "on"])
    expect((on.prefetch as Record<string, number>).issued).toBeGreaterThan(0)
  })

  it("adds the prefetch rows to the table", async () => {
    const io = capture()
    expect(await runCli(["replay", writeTrace("table.txt", loopTrace(40, 10, (k) => `k${k}`)), "--size", "10", "--prefetch", "on"], io)).toBe(0)
    for (const row of ["prefetch issued", "prefetch used", "prefetch accuracy", "prefetch coverage"]) expect(io.stdout).toMatch(new RegExp(`^${row}\\s+\\S`, "m"))
    expect(io.stdout).toMatch(/^elapsed\s+\d+ ms$/m)
  })

  it("byte mode table shows the byte hit ratio", async () => {
    const io = capture()
    expect(await runCli(["replay", writeTrace("bytes-table.txt", "a 1\na 1\n"), "--size", "10"], io)).toBe(0)
    expect(io.stdout).toMatch(/^byte hit ratio\s+50\.00 %$/m)
    expect(io.stdout).toMatch(/^capacity\s+10 bytes$/m)
  })
})

describe("replay: progress", () => {
  it("draws a progress bar on a TTY for the table, never with --json", async () => {
    const file = writeTrace("progress.txt", "a\nb\n")
    const drawn: string[] = []
    const tty = { isTTY: true, write: (t: string) => void drawn.push(t) } as unknown as NodeJS.WriteStream
    const io = { ...capture(), progressStream: tty }
    const out: string[] = []
    io.out = (t) => void out.push(t)
    expect(await runCli(["replay", file, "--size", "1"], io)).toBe(0)
    expect(drawn.some((t) => t.startsWith("\rreplay ["))).toBe(true)
    expect(drawn.at(-1)).toBe("\r\x1b[2K")
    drawn.length = 0
    expect(await runCli(["replay", file, "--size", "1", "--json"], io)).toBe(0)
    expect(drawn).toEqual([])
  })
})

describe("replay: usage errors (one line, exit 2, nothing on stdout)", () => {
  it.each([
    [["replay", "a", "b"], "replay: expected one FILE, got 2"],
    [["replay", "f", "--units", "blocks"], 'option --units: "blocks" is not one of entries, bytes'],
    [["replay", "f", "--units", "entries", "--size", "64KiB"], 'option --size: "64KiB" is not a whole number'],
    [["replay", "f", "--size", "0"], "option --size: 0 is out of range (at least 1 bytes)"],
    [["replay", "f", "--size", "lots"], 'option --size: "lots" is not a byte size (examples: 65536, 64KiB, 16MiB, 1GiB)'],
    [["replay", "f", "--limit", "0"], "option --limit: 0 is out of range (1..)"],
    [["replay", "f", "--limit", "ten"], 'option --limit: "ten" is not a whole number'],
    [["replay", "f", "--prefetch", "maybe"], 'option --prefetch: "maybe" is not on or off'],
    [["replay", "f", "--size-pct", "abc"], 'option --size-pct: "abc" is not a number in (0, 100]'],
    [["replay", "f", "--json", "--json"], "replay: option --json given more than once"],
    [["replay", "f", "--size=1", "--size=2"], "replay: option --size given more than once"],
    [["replay", "f", "--zzzzzz"], "replay: unknown option --zzzzzz"],
    [["replay", "f", "-x"], "replay: unknown option -x"],
    [["replay", "f", "--json=yes"], "replay: Option '--json' does not take an argument"],
  ])("%j", async (argv, message) => {
    const io = capture()
    expect(await runCli(argv, io)).toBe(2)
    expect(io.stderr).toBe(`tiercache: ${message}\n`)
    expect(io.stdout).toBe("")
  })

  it("--units bytes on an agent-keys trace names the detected format", async () => {
    const file = writeTrace("agents-bytes.txt", "a1 k\n")
    const io = capture()
    expect(await runCli(["replay", file, "--units", "bytes"], io)).toBe(2)
    expect(io.stderr).toBe(`tiercache: replay: --units bytes needs a keys-sizes trace; ${file} is agent-keys\n`)
  })

  it("-h is --help", async () => {
    const io = capture()
    expect(await runCli(["replay", "-h"], io)).toBe(0)
    expect(io.stdout).toContain("Usage: tiercache replay FILE")
  })
})

describe("replay engine and policies (direct)", () => {
  it("refuses a byte-sized replay of a trace without sizes", () => {
    const trace = loadTrace(writeTrace("nosizes.txt", "a\n"))
    expect(() => replayTrace(trace, lruPolicy(1, true), "bytes")).toThrow(/byte-sized replay needs a keys-sizes trace/)
  })

  it("uniqueBytes counts each key's first size once; without sizes it is the key count", () => {
    expect(uniqueBytes(loadTrace(writeTrace("ub.txt", "a 10\nb 5\na 99\n")))).toBe(15)
    expect(uniqueBytes(loadTrace(writeTrace("ub2.txt", "a\nb\na\n")))).toBe(2)
  })

  it("byte-sized LRU stores a zero-byte object as one byte and never admits one larger than the cache", () => {
    const lru = lruPolicy(2, true)
    lru.admit("zero", 0)
    lru.prefetch("big", 3)
    lru.prefetch("one", 1)
    expect([lru.has("zero"), lru.has("big"), lru.has("one"), lru.entries]).toEqual([true, false, true, 2])
    lru.admit("two", 2) // evicts both
    expect([lru.has("zero"), lru.has("one"), lru.has("two")]).toEqual([false, false, true])
  })

  it("LRU tells its evict listener only about capacity evictions", () => {
    const evicted: string[] = []
    const lru = lruPolicy(1, false, (k) => evicted.push(k))
    lru.admit("a", 1)
    lru.admit("a", 1) // replacement, not eviction
    lru.admit("b", 1)
    expect(evicted).toEqual(["a"])
    expect(lru.name).toBe("lru")
  })

  it("the tiercache policy keeps prefetched entries as probationary and reports evictions", () => {
    const evicted: string[] = []
    const p = tiercachePolicy(4, false, 100, (k) => evicted.push(k))
    for (const k of ["a", "b", "c", "d"]) p.admit(k, 1)
    p.prefetch("e", 1)
    expect(p.entries).toBeLessThanOrEqual(4)
    expect(evicted.length).toBe(1)
    expect(p.lookup(evicted[0])).toBe(false)
    expect(p.has(evicted[0])).toBe(false)
    expect(p.name).toBe("tiercache")
  })
})
