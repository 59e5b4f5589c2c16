/**
 * `resolveOptions` (src/hierarchy/options.ts): every invalid option is an `InvalidOptions` naming
 * it, and the defaults and given values land where the tiers read them.
 */
import { describe, expect, it } from "vitest"
import { InvalidOptions } from "../../src/errors.js"
import { DEFAULTS, resolveOptions } from "../../src/hierarchy/options.js"
import { pakoCompressor } from "../../src/tiers/l2/index.js"
import { DEFAULT_MAX_KEY_LENGTH } from "../../src/values/key.js"
import { DEFAULT_MAX_ENTRY_BYTES } from "../../src/values/serialize.js"

function refusal(options: unknown): InvalidOptions {
  try {
    resolveOptions(options as never)
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidOptions)
    return e as InvalidOptions
  }
  throw new Error("expected InvalidOptions")
}

describe("resolveOptions", () => {
  it.each([
    [null, "options", "invalid option options: must be an object"],
    [5, "options", "invalid option options: must be an object"],
    [{ l1: 64 }, "l1", "invalid option l1: must be an object"],
    [{ l2: "big" }, "l2", "invalid option l2: must be an object"],
    [{ l3: null }, "l3", "invalid option l3: must be an object"],
    [{ l2: { compressThreshold: -1 } }, "l2.compressThreshold", "invalid option l2.compressThreshold: must be a number >= 0, got -1"],
    [{ l2: { compressThreshold: Number.NaN } }, "l2.compressThreshold", "invalid option l2.compressThreshold: must be a number >= 0, got NaN"],
    [{ l2: { compressThreshold: "64" } }, "l2.compressThreshold", "invalid option l2.compressThreshold: must be a number >= 0, got 64"],
    [{ latencySampleEvery: 0 }, "latencySampleEvery", "invalid option latencySampleEvery: must be a positive integer, got 0"],
    [{ l1: { maxBytes: "1mb" } }, "l1.maxBytes", "invalid option l1.maxBytes: must be a positive integer, got 1mb"],
    [{ dir: 7 }, "dir", "invalid option dir: must be a non-empty path"],
  ])("refuses %j: InvalidOptions on %s", (options, option, message) => {
    const err = refusal(options)
    expect(err.option).toBe(option)
    expect(err.message).toBe(message)
  })

  it("fills in the documented defaults", () => {
    expect(resolveOptions({})).toEqual({
      dir: undefined,
      l1: { maxBytes: DEFAULTS.l1MaxBytes },
      l2: { maxBytes: DEFAULTS.l2MaxBytes },
      l3: { maxBytes: DEFAULTS.l3MaxBytes, fsync: true },
      maxEntryBytes: DEFAULT_MAX_ENTRY_BYTES,
      maxKeyLength: DEFAULT_MAX_KEY_LENGTH,
      load: undefined,
      latencySampleEvery: DEFAULTS.latencySampleEvery,
      // getIfPresent is not timed by default (its clock reads cost more than its hit).
      getIfPresentSampleEvery: 0,
    })
  })

  it("passes given values through, compressor and threshold included", () => {
    const load = async () => undefined
    const r = resolveOptions({
      dir: "/tmp/x",
      l1: { maxBytes: 1024, maxEntries: 8 },
      l2: { maxBytes: 4096, compressThreshold: 0, compressor: pakoCompressor },
      l3: { maxBytes: 1 << 20, fsync: false },
      maxEntryBytes: 512,
      maxKeyLength: 64,
      load,
      latencySampleEvery: 1,
    })
    expect(r).toEqual({
      dir: "/tmp/x",
      l1: { maxBytes: 1024, maxEntries: 8 },
      l2: { maxBytes: 4096, compressThreshold: 0, compressor: pakoCompressor },
      l3: { maxBytes: 1 << 20, fsync: false },
      maxEntryBytes: 512,
      maxKeyLength: 64,
      load,
      latencySampleEvery: 1,
      // A given latencySampleEvery applies to getIfPresent too.
      getIfPresentSampleEvery: 1,
    })
    expect(r.l2.compressor).toBe(pakoCompressor)
  })
})
