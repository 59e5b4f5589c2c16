/**
 * A fingerprint of everything the prefetch engine decides on a stream: every prediction returned
 * (key, confidence, model, bytes) and the final global, per-model and per-kind counters. Two
 * builds of the engine that print the same fingerprint made the same predictions, so a change
 * meant to speed the update path up can be checked to change nothing else.
 *
 *   node --import tsx bench/prefetch/prediction-fingerprint.ts [--write]
 *
 * prints the fingerprints of the fixed streams (`--write` also stores them in
 * test/prefetch/prediction-fingerprint.json, which test/prefetch/prediction-fingerprint.test.ts
 * checks against).
 */
import { createHash } from "node:crypto"
import { writeFileSync } from "node:fs"
import { pathToFileURL } from "node:url"
import { PrefetchEngine, type PrefetchEngineOptions } from "../../src/prefetch/prefetch-engine.js"
import { AgentWorkload } from "../../src/workload/index.js"
import { type Access, traceAccesses } from "./engine-access.js"


/** The engine fed as a cache would: issued predictions complete at once, `end` ops end agents. */
export function fingerprint(accesses: Iterable<Access>, options: PrefetchEngineOptions): string {
  const e = new PrefetchEngine(options)
  const h = createHash("sha256")
  let n = 0
  for (const a of accesses) {
    if (a.end) {
      h.update(`E${e.endAgent(a.agent).join(",")}\n`)
      continue
    }
    if (a.kind !== undefined) e.registerAgent(a.agent, a.kind)
    const p = e.observe(a.agent, a.key, "miss", a.size, a.write)
    for (const x of p) {
      h.update(`${x.key}|${x.confidence}|${x.source}|${x.bytes};`)
      if (!e.isPending(x.key)) {
        e.recordIssued(a.agent, x.key, x.bytes, x.source)
        // Every other prefetch completes (the rest stay in flight and expire): both outcome paths run.
        if (n++ % 2 === 0) e.recordCompleted(x.key, true, x.bytes)
      }
    }
    h.update("\n")
  }
  h.update(JSON.stringify(e.counters()))
  h.update(JSON.stringify(e.sourceCounters()))
  h.update(JSON.stringify(e.stats()))
  return h.digest("hex").slice(0, 32)
}

function* generator(ops: number, opaqueIds: boolean): Generator<Access> {
  for (const o of new AgentWorkload({ ops, seed: 7, opaqueIds })) {
    if (o.op === "end") yield { agent: o.agentId, key: "", size: 0, write: false, end: true }
    else yield { agent: o.agentId, kind: opaqueIds ? undefined : o.kind, key: o.key, size: o.size, write: o.op === "put" }
  }
}

function agentTrace(): Access[] | undefined {
  return traceAccesses("agent_miniswe_gemini3pro_swebv", Infinity)
}

/** Fingerprints of the fixed streams (the agent trace only when the shared traces are present). */
export function fingerprints(): Record<string, string> {
  const out: Record<string, string> = {
    generator200k: fingerprint(generator(200_000, false), {}),
    generator200kUnlabelledClustered: fingerprint(generator(200_000, true), { clusterAfter: 16 }),
  }
  const trace = agentTrace()
  if (trace !== undefined) out.agentTrace = fingerprint(trace, {})
  return out
}

export const FINGERPRINT_FILE = "test/prefetch/prediction-fingerprint.json"

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const f = fingerprints()
  console.log(JSON.stringify(f, null, 2))
  if (process.argv.includes("--write")) writeFileSync(FINGERPRINT_FILE, JSON.stringify(f, null, 2) + "\n")
}
