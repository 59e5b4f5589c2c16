/**
 * The flooding scenario (issue 6): one agent issues requests at 100× the rate of each of 849 others;
 * how much hit ratio do the 849 lose, with and without per-owner quotas in L1?
 *
 *   node --import tsx bench/prefetch/flooding.ts [--ops-per-agent N] [--out bench/results/prefetch.flooding]
 *
 * Each normal agent reads its own working set (8 keys of 1 KiB, uniformly at random). The flooder
 * reads fresh keys: either a pure scan (each key once) or a "hot" scan (each key 4 times in a row,
 * which looks popular to a frequency sketch and so defeats W-TinyLFU admission). L1 holds 1.2×, 1.05× or
 * 1.0× the normal agents' combined working sets. With quotas, the quota is the flooder's max-min fair share
 * (src/prefetch/fair-share.ts) of the L1 budget given every agent's demand.
 *
 * The bound: with quota q for the flooder, the flooder can hold at most q bytes (+ one entry) once
 * others need the space, so the others keep at least C − q bytes — their combined fair shares. An
 * agent whose working set is within its fair share therefore loses no capacity to the flooder; its
 * residual misses are cold misses and the policy's own admission decisions.
 */
import { writeFileSync } from "node:fs"
import { fairShares } from "../../src/prefetch/fair-share.js"
import { L1Cache } from "../../src/tiers/l1/index.js"
import { Prng } from "../../src/workload/prng.js"

const NORMAL_AGENTS = 849
const WORKING_SET = 8
const VALUE_BYTES = 1024
const RATE = 100

interface Scenario {
  readonly name: string
  /** L1 budget as a multiple of the normal agents' combined working sets. */
  readonly headroom: number
  readonly flooder: "none" | "scan" | "hot-scan"
  readonly quota: boolean
}

function run(s: Scenario, opsPerAgent: number) {
  const capacity = Math.round(s.headroom * NORMAL_AGENTS * WORKING_SET * VALUE_BYTES)
  const shares = fairShares(capacity, [
    ...Array.from({ length: NORMAL_AGENTS }, (_, i) => ({ owner: `a${i}`, demand: WORKING_SET * VALUE_BYTES })),
    { owner: "flooder", demand: Number.POSITIVE_INFINITY },
  ])
  const floodShare = shares.get("flooder")!
  const l1 = new L1Cache<true>({
    maxBytes: capacity,
    maxEntries: Math.ceil(capacity / VALUE_BYTES) + 16,
    owners: s.quota ? { maxOwners: NORMAL_AGENTS + 1, quotaBytes: floodShare } : { maxOwners: NORMAL_AGENTS + 1 },
    policy: { seed: 1 },
  })
  const rng = new Prng(11)
  const totalNormal = NORMAL_AGENTS * opsPerAgent
  const floodOps = s.flooder === "none" ? 0 : RATE * opsPerAgent
  const floodEvery = floodOps === 0 ? Infinity : (totalNormal + floodOps) / floodOps
  let version = 1
  let normalGets = 0
  let normalHits = 0
  let warmNormalGets = 0
  let warmNormalHits = 0
  let floodSeq = 0
  let nextFlood = floodEvery
  const setOpts = Array.from({ length: NORMAL_AGENTS + 1 }, (_, owner) => ({ owner }))
  const total = totalNormal + floodOps
  for (let i = 0; i < total; i++) {
    if (i >= nextFlood - 1 && floodSeq < floodOps) {
      nextFlood += floodEvery
      const key = s.flooder === "hot-scan" ? `flood:${Math.floor(floodSeq / 4)}` : `flood:${floodSeq}`
      floodSeq++
      if (l1.get(key) === undefined) l1.set(key, true, VALUE_BYTES, version++, setOpts[NORMAL_AGENTS])
      continue
    }
    const a = rng.int(NORMAL_AGENTS)
    const key = `a${a}:k${rng.int(WORKING_SET)}`
    const hit = l1.get(key) !== undefined
    if (!hit) l1.set(key, true, VALUE_BYTES, version++, setOpts[a])
    normalGets++
    if (hit) normalHits++
    if (i >= total / 2) {
      warmNormalGets++
      if (hit) warmNormalHits++
    }
  }
  return {
    scenario: s.name,
    headroom: s.headroom,
    flooder: s.flooder,
    quota: s.quota,
    capacityBytes: capacity,
    flooderFairShareBytes: Math.round(floodShare),
    flooderHeldBytesAtEnd: l1.ownerBytes(NORMAL_AGENTS),
    normalOps: normalGets,
    flooderOps: floodSeq,
    normalHitRatio: Math.round((normalHits / normalGets) * 10000) / 100,
    normalHitRatioSecondHalf: Math.round((warmNormalHits / warmNormalGets) * 10000) / 100,
  }
}

const argv = process.argv.slice(2)
const opsArg = argv.indexOf("--ops-per-agent")
const outArg = argv.indexOf("--out")
const opsPerAgent = opsArg >= 0 ? Number(argv[opsArg + 1]) : 400
const out = outArg >= 0 ? argv[outArg + 1] : "bench/results/prefetch.flooding"

const scenarios: Scenario[] = [1.2, 1.05, 1.0].flatMap((headroom) => [
  { name: "no flooder", headroom, flooder: "none" as const, quota: false },
  { name: "scan flooder, no quota", headroom, flooder: "scan" as const, quota: false },
  { name: "scan flooder, fair-share quota", headroom, flooder: "scan" as const, quota: true },
  { name: "hot-scan flooder, no quota", headroom, flooder: "hot-scan" as const, quota: false },
  { name: "hot-scan flooder, fair-share quota", headroom, flooder: "hot-scan" as const, quota: true },
])
const rows = scenarios.map((s) => {
  const r = run(s, opsPerAgent)
  console.log(`×${r.headroom} ${r.scenario}: normal agents' hit ratio ${r.normalHitRatio} % (second half ${r.normalHitRatioSecondHalf} %), flooder holds ${r.flooderHeldBytesAtEnd} B (fair share ${r.flooderFairShareBytes} B)`)
  return r
})
const command = `node --import tsx bench/prefetch/flooding.ts ${argv.join(" ")}`.trim()
writeFileSync(`${out}.json`, JSON.stringify({ command, date: new Date().toISOString(), normalAgents: NORMAL_AGENTS, rate: RATE, workingSetKeys: WORKING_SET, valueBytes: VALUE_BYTES, opsPerAgent, rows }, null, 2) + "\n")
const md = [
  "# Flooding: one agent at 100× the rate of 849 others (L1 with and without per-owner quotas)",
  "",
  `Command: \`${command}\`. ${NORMAL_AGENTS} agents × ${WORKING_SET} keys × ${VALUE_BYTES} B working sets, ${opsPerAgent} reads per normal agent, flooder ${RATE}× that; L1 budget = headroom × the normal working sets. Deterministic (seeded).`,
  "",
  "| L1 headroom | scenario | normal agents' hit % | second half | flooder holds (B) | flooder fair share (B) |",
  "|---:|---|---:|---:|---:|---:|",
  ...rows.map((r) => `| ×${r.headroom} | ${r.scenario} | ${r.normalHitRatio} | ${r.normalHitRatioSecondHalf} | ${r.flooderHeldBytesAtEnd} | ${r.flooderFairShareBytes} |`),
  "",
]
writeFileSync(`${out}.md`, md.join("\n") + "\n")
