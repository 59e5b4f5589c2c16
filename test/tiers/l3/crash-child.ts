/**
 * Child process of the crash test: opens L3 and writes until it is SIGKILLed.
 *
 *   node crash-child.(ts|mjs) <dir> <seed> <firstVersion>
 *
 * Protocol on stdout, one line per event, written with writeSync (a pipe write that has returned
 * is in the kernel and survives SIGKILL):
 *   READY <maxVersion>                 after open (recovery) completed
 *   I P <key> <version>                a put is about to start (intent)
 *   I D <key> <version>                a delete is about to start
 *   A P <key> <version> <1|0>          the put resolved: 1 = stored (durable), 0 = overtaken
 *   A D <key> <version>                the delete resolved (durable)
 */
import { writeSync } from "node:fs"
import { openL3 } from "../../../src/tiers/l3/index.js"
import { CRASH_KEYS, CRASH_L3_OPTIONS, prng, valueFor } from "./crash-values.js"

const [dir, seedArg, firstVersionArg] = process.argv.slice(2)
const rnd = prng(Number(seedArg))
let nextVersion = Number(firstVersionArg)
const say = (line: string) => writeSync(1, line + "\n")

const l3 = await openL3({ dir, ...CRASH_L3_OPTIONS })
say(`READY ${l3.maxVersion}`)

async function worker(): Promise<never> {
  for (;;) {
    const key = CRASH_KEYS[Math.floor(rnd() * CRASH_KEYS.length)]
    const version = nextVersion++
    if (rnd() < 0.15) {
      say(`I D ${key} ${version}`)
      await l3.delete(key, version)
      say(`A D ${key} ${version}`)
    } else {
      say(`I P ${key} ${version}`)
      const stored = await l3.put(key, valueFor(key, version), version)
      say(`A P ${key} ${version} ${stored ? 1 : 0}`)
    }
  }
}

await Promise.all(Array.from({ length: 16 }, worker))
