/**
 * Crash test: a child process writes to L3 and is SIGKILLed at a random (seeded) moment; the
 * parent then reopens the folder and checks that every acknowledged write is readable with the
 * acknowledged bytes (or a newer version the child started), deleted keys stay deleted, and no
 * read returns corrupt bytes. One folder is reused across all kills, so recovery of the previous
 * crash's leftovers (torn tails, orphan blobs, half-done compactions) is itself under test.
 *
 * The child is bundled once with esbuild into a plain .mjs so each start costs a bare Node start
 * (~0.1 s) rather than a TypeScript loader start (~0.5 s); set CRASH_CHILD_TSX=1 to run it with
 * `node --import tsx` instead. CRASH_KILLS (default 200) and CRASH_SEED change the run.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, expect, it } from "vitest"
import { COMPACT_FILE, openL3 } from "../../../src/tiers/l3/index.js"
import { CRASH_KEYS, CRASH_L3_OPTIONS, prng, valueFor } from "./crash-values.js"

const KILLS = Number(process.env.CRASH_KILLS ?? 200)
const SEED = Number(process.env.CRASH_SEED ?? 20261126)
const here = dirname(fileURLToPath(import.meta.url))
const childSource = join(here, "crash-child.ts")
const work = mkdtempSync(join(tmpdir(), "tiercache-crash-"))
let childCommand: string[]

beforeAll(async () => {
  if (process.env.CRASH_CHILD_TSX === "1") {
    childCommand = ["--import", "tsx", childSource]
    return
  }
  const { build } = await import("esbuild")
  const outfile = join(work, "crash-child.mjs")
  await build({ entryPoints: [childSource], bundle: true, platform: "node", format: "esm", target: "node20", minify: true, outfile, logLevel: "error" })
  childCommand = [outfile]
})

afterAll(() => rmSync(work, { recursive: true, force: true }))

interface Op {
  readonly kind: "P" | "D"
  readonly version: number
  /** undefined: started, outcome unknown; true: put stored / delete done; false: put overtaken. */
  acked?: boolean
}

/** Per key: what the last verification observed, and the ops started since. */
interface KeyHistory {
  base: { present: boolean; version: number }
  ops: Map<number, Op>
}

interface ChildRun {
  readonly sawReady: boolean
  readonly acks: number
}

/**
 * When to kill: `afterAcks` = undefined kills `delayMs` after spawn (anywhere in start-up and
 * recovery); otherwise `delayMs` after the child's `afterAcks`-th acknowledgement (so each child
 * does some work however slow the shared machine is, and the kill lands at an arbitrary point of
 * the following writes — the parent never waits for a quiet moment).
 */
interface KillPlan {
  readonly afterAcks: number | undefined
  readonly delayMs: number
}

function runChild(dir: string, seed: number, firstVersion: number, plan: KillPlan, history: Map<string, KeyHistory>): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...childCommand, dir, String(seed), String(firstVersion)], { stdio: ["ignore", "pipe", "pipe"] })
    let buffered = ""
    let stderr = ""
    let sawReady = false
    let acks = 0
    let timer: NodeJS.Timeout | undefined
    const kill = () => child.kill("SIGKILL")
    const arm = () => (timer ??= setTimeout(kill, plan.delayMs))
    if (plan.afterAcks === undefined) arm()
    child.stdout.setEncoding("utf8")
    child.stdout.on("data", (chunk: string) => {
      buffered += chunk
      let nl: number
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        const [tag, kind, key, versionText, stored] = line.split(" ")
        if (tag === "READY") {
          sawReady = true
          if (plan.afterAcks === 0) arm()
          continue
        }
        const version = Number(versionText)
        const ops = history.get(key)!.ops
        if (tag === "I") ops.set(version, { kind: kind as "P" | "D", version })
        else if (tag === "A") {
          ops.get(version)!.acked = kind === "D" ? true : stored === "1"
          acks++
          if (plan.afterAcks !== undefined && acks >= plan.afterAcks) arm()
        }
      }
    })
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("error", reject)
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      if (signal !== "SIGKILL") reject(new Error(`child exited by itself (code ${code}, signal ${signal}): ${stderr}`))
      else resolve({ sawReady, acks })
    })
  })
}

it(`survives ${KILLS} SIGKILLs without losing an acknowledged write or returning corrupt bytes`, async () => {
  const dir = join(work, "store")
  const rnd = prng(SEED)
  const history = new Map<string, KeyHistory>(CRASH_KEYS.map((k) => [k, { base: { present: false, version: -1 }, ops: new Map() }]))
  let nextVersion = 1
  let ackedOpsVerified = 0
  let presentChecks = 0
  let killsBeforeReady = 0
  // How often the kill left recovery work behind (shows the test reaches the interesting states).
  let killsDuringCompaction = 0
  let tornTails = 0
  let orphansRemoved = 0
  const started = Date.now()

  for (let kill = 0; kill < KILLS; kill++) {
    // Mostly kill while writing; sometimes at a random moment from spawn (during recovery).
    const plan: KillPlan = rnd() < 0.1 ? { afterAcks: undefined, delayMs: rnd() * 400 } : { afterAcks: Math.floor(rnd() * 12), delayMs: rnd() * 40 }
    const run = await runChild(dir, Math.floor(rnd() * 2 ** 31), nextVersion, plan, history)
    if (!run.sawReady) killsBeforeReady++
    if (existsSync(join(dir, COMPACT_FILE))) killsDuringCompaction++

    const l3 = await openL3({ dir, ...CRASH_L3_OPTIONS })
    if (l3.stats.tornBytesTruncated > 0) tornTails++
    orphansRemoved += l3.stats.orphansRemoved
    let maxAcked = -1
    for (const key of CRASH_KEYS) {
      const h = history.get(key)!
      const ops = [...h.ops.values()]
      for (const op of ops) nextVersion = Math.max(nextVersion, op.version + 1)
      // The newest acknowledged fact about the key: the last observation or a later ack.
      let last: { present: boolean; version: number } = h.base
      for (const op of ops) {
        if (op.acked === true && op.version > last.version) last = { present: op.kind === "P", version: op.version }
        if (op.acked === true) maxAcked = Math.max(maxAcked, op.version)
      }
      const got = await l3.get(key)
      const context = `kill ${kill}, key ${key}, last acknowledged ${JSON.stringify(last)}, got version ${got?.version}`
      if (got !== undefined) {
        // A version the child really wrote (known from the base or an intent), at least as new as the last ack...
        const started = (h.base.present && got.version === h.base.version) || h.ops.get(got.version)?.kind === "P"
        expect(started, context).toBe(true)
        if (last.present) expect(got.version, context).toBeGreaterThanOrEqual(last.version)
        else expect(got.version, context).toBeGreaterThan(last.version)
        // ...with exactly the bytes written for that version.
        expect(Buffer.from(got.bytes).equals(valueFor(key, got.version)), context).toBe(true)
        presentChecks++
      } else if (last.present) {
        // Absent although a put was acknowledged: only a later delete the child started explains it.
        const laterDelete = ops.some((op) => op.kind === "D" && op.version > last.version)
        expect(laterDelete, context).toBe(true)
      }
      ackedOpsVerified += ops.filter((op) => op.acked !== undefined).length
      h.base = got === undefined ? { present: false, version: Math.max(last.version, ...ops.filter((o) => o.kind === "D").map((o) => o.version)) } : { present: true, version: got.version }
      h.ops.clear()
    }
    expect(l3.maxVersion).toBeGreaterThanOrEqual(maxAcked)
    expect(l3.counters.quarantined, `kill ${kill}: a crash must not corrupt a blob`).toBe(0)
    await l3.close()
  }

  const seconds = (Date.now() - started) / 1000
  console.log(
    `crash test: ${KILLS} SIGKILLs (${killsBeforeReady} before the child finished opening), ${ackedOpsVerified} acknowledged ops verified, ` +
      `${presentChecks} present-value byte checks; recovery found ${tornTails} torn log tails, ${killsDuringCompaction} interrupted compactions, ` +
      `${orphansRemoved} orphan blobs/temp files; ${seconds.toFixed(1)} s, seed ${SEED}`
  )
  expect(ackedOpsVerified).toBeGreaterThan(KILLS)
}, 300_000)
