import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadTrace } from "../../src/traces/read-trace.js"
import { replayTrace } from "../../src/cli/replay-engine.js"
import { lruPolicy } from "../../src/cli/replay-policy.js"
import { parseReplayArgs, runReplay } from "../../src/cli/replay.js"
import { capture } from "./capture.js"
import { runCli } from "../../src/cli/main.js"

const TRACES = "/work/shared/traces"
const shared = (name: string): string => join(process.env.TIERCACHE_TRACES ?? TRACES, `${name}.txt.gz`)

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tiercache-replay-"))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function writeTrace(name: string, text: string, gzip = false): string {
  const file = join(dir, name)
  writeFileSync(file, gzip ? gzipSync(text) : text)
  return file
}

describe("replay engine", () => {
  it("counts hits and misses of exact LRU on a tiny trace", () => {
    // capacity 2: a b a c b a → miss miss hit miss(evicts b) miss(evicts a) miss
    const trace = loadTrace(writeTrace("tiny.txt", "a\nb\na\nc\nb\na\n"))
    const r = replayTrace(trace, lruPolicy(2, false), "entries")
    expect([r.requests, r.hits, r.misses]).toEqual([6, 1, 5])
  })

  it("honours byte sizes: an object larger than the cache is never admitted", () => {
    const trace = loadTrace(writeTrace("sized.txt", "a 10\na 10\nbig 100\nbig 100\nb 5\na 10\n"))
    const r = replayTrace(trace, lruPolicy(20, true), "bytes")
    // a miss, a hit, big miss (not admitted), big miss, b miss, a hit
    expect([r.hits, r.misses]).toEqual([2, 4])
    expect(r.byteHitRatio).toBeCloseTo(20 / 235, 10)
  })

  it("matches libCacheSim's LRU miss count on cloudphysicsio at 128 MiB (byte sizes)", () => {
    const r = runReplay(parseReplayArgs([shared("libcachesim_cloudphysicsio"), "--policy", "lru", "--size", "128MiB"]) as never)
    expect(r.units).toBe("bytes")
    expect(r.misses).toBe(93374) // libCacheSim test/test_evictionAlgo.c miss_cnt_true, quoted in the traces README
  })

  it("matches the README's LRU column (arc_oltp, c = 1000 → 32.83 %)", () => {
    const r = runReplay(parseReplayArgs([shared("arc_oltp"), "--policy", "lru", "--size", "1000", "--units", "entries"]) as never)
    expect((r.hitRatio * 100).toFixed(2)).toBe("32.83")
  })

  it("replays L1 (tiercache policy) at a percentage of unique keys", () => {
    const r = runReplay(parseReplayArgs([shared("lirs_cpp"), "--size-pct", "10"]) as never)
    expect(r.capacity).toBe(122) // ANCHORS.md capacity at 10 %
    expect(r.policy).toBe("tiercache")
    expect(r.requests).toBe(9047)
    expect(r.hitRatio).toBeGreaterThan(0.7)
  })
})

describe("tiercache replay (command)", () => {
  it("--json prints exactly one JSON object with the replay fields", async () => {
    const io = capture()
    const code = await runCli(["replay", shared("agent_miniswe_gemini3pro_swebv"), "--size-pct", "5", "--policy", "lru", "--json"], io)
    expect(code).toBe(0)
    expect(io.stderr).toBe("")
    const lines = io.stdout.trim().split("\n")
    expect(lines).toHaveLength(1)
    const r = JSON.parse(lines[0])
    expect(r).toMatchObject({ format: "agent-keys", policy: "lru", requests: 21860, uniqueKeys: 3863, capacity: 193 })
    expect((r.hitRatio * 100).toFixed(2)).toBe("70.93") // README LRU column at 5 %
  })

  it("prints a readable table without --json", async () => {
    const io = capture()
    expect(await runCli(["replay", shared("lirs_cs"), "--size", "70"], io)).toBe(0)
    expect(io.stdout).toMatch(/hit ratio\s+\d+\.\d\d %/)
    expect(io.stdout).toMatch(/capacity\s+70 entries/)
  })

  it("names file and line of a malformed trace, exit 3", async () => {
    const file = writeTrace("bad.txt.gz", "k1 10\nk2 20\nk3 x\n", true)
    const io = capture()
    expect(await runCli(["replay", file, "--format", "keys-sizes"], io)).toBe(3)
    expect(io.stderr.trim().split("\n")).toHaveLength(1)
    expect(io.stderr).toContain(`${file}:3:`)
  })

  it("reports an unreadable file on one line, exit 3", async () => {
    const io = capture()
    expect(await runCli(["replay", join(dir, "missing.txt.gz")], io)).toBe(3)
    expect(io.stderr).toMatch(/missing\.txt\.gz: cannot read/)
    expect(io.stderr.trim().split("\n")).toHaveLength(1)
  })

  it.each([
    [["replay"], /missing trace FILE/],
    [["replay", "f", "--size", "10", "--size-pct", "5"], /--size or --size-pct, not both/],
    [["replay", "f", "--policy", "arc"], /--policy: "arc" is not one of tiercache, lru/],
    [["replay", "f", "--size-pct", "0"], /--size-pct: "0" is not a number in \(0, 100\]/],
    [["replay", "f", "--sise", "3"], /unknown option --sise \(did you mean --size\?\)/],
    [["replay", "f", "--format"], /option --format needs a value/],
    [["replay", "f", "--format", "csv"], /not one of keys, keys-sizes, agent-keys/],
  ])("bad arguments %j → one-line usage error, exit 2", async (argv, message) => {
    const io = capture()
    expect(await runCli(argv, io)).toBe(2)
    expect(io.stderr).toMatch(message)
    expect(io.stderr.trim().split("\n")).toHaveLength(1)
    expect(io.stdout).toBe("")
  })

  it("--units bytes on a trace without sizes is a usage error", async () => {
    const io = capture()
    expect(await runCli(["replay", shared("lirs_cs"), "--units", "bytes"], io)).toBe(2)
    expect(io.stderr).toContain("--units bytes needs a keys-sizes trace")
  })

  it("--help prints usage and exits 0", async () => {
    const io = capture()
    expect(await runCli(["replay", "--help"], io)).toBe(0)
    expect(io.stdout).toContain("Usage: tiercache replay FILE")
  })
})
