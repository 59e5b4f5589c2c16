import { Hierarchy } from "../../src/hierarchy/hierarchy.js"
import { resolveOptions } from "../../src/hierarchy/options.js"
import type { ServedBy } from "../../src/hierarchy/types.js"
import type { Loader } from "../../src/types.js"
import { type FakeTierOptions, fakeTiers } from "./fakes/fake-tiers.js"

/** A hierarchy over fake tiers, with every access recorded. */
export async function openFake(tiers: FakeTierOptions = {}, load?: Loader) {
  const fake = fakeTiers(tiers)
  const h = await Hierarchy.open(resolveOptions({ load, latencySampleEvery: 1 }), fake.factory)
  const accesses: [string | undefined, string, ServedBy][] = []
  h.onAccess = (agent, key, by) => accesses.push([agent, key, by])
  return { h, ...fake, accesses, lastServed: () => accesses[accesses.length - 1]?.[2] }
}

/** A JSON value of roughly `n` serialized bytes. */
export const sized = (n: number, tag = 0) => ({ tag, pad: "x".repeat(Math.max(0, n - 20)) })
