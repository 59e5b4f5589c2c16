import { describe, expect, it } from "vitest"
import { FrequencySketch, PENDING_BITS, PENDING_FULL, PENDING_ONE, SATURATED } from "../../../src/tiers/l1/frequency-sketch.js"
import { hashKey } from "../../../src/tiers/l1/hash-key.js"
import { HillClimber, DEFAULT_CLIMBER } from "../../../src/tiers/l1/hill-climber.js"
import { ShadowSet } from "../../../src/tiers/l1/shadow-set.js"

describe("hashKey", () => {
  it("is deterministic, int32, and spreads similar keys", () => {
    expect(hashKey("agent-1:file.py")).toBe(hashKey("agent-1:file.py"))
    const seen = new Set<number>()
    let inRange = true
    for (let i = 0; i < 10_000; i++) {
      const h = hashKey(`key${i}`)
      inRange &&= (h | 0) === h
      seen.add(h)
    }
    expect(inRange).toBe(true)
    expect(seen.size).toBeGreaterThan(9_990)
  })
})

describe("FrequencySketch", () => {
  it("counts up to 15 and saturates", () => {
    const s = new FrequencySketch({ capacity: 1024, sampleSize: 1e9 })
    const h = hashKey("hot")
    for (let i = 0; i < 10; i++) s.increment(h)
    expect(s.frequency(h)).toBe(10)
    for (let i = 0; i < 100; i++) s.increment(h)
    expect(s.frequency(h)).toBe(15)
    expect(s.frequency(hashKey("never seen"))).toBe(0)
  })

  it("is sized to capacity exactly (2 words per entry, whole blocks), not to a power of two", () => {
    // 256 B is the increment buffer (64 hashes).
    expect(new FrequencySketch({ capacity: 100_000 }).byteLength).toBe(100_000 * 8 + 256)
    expect(new FrequencySketch({ capacity: 100_001 }).byteLength).toBe(50_001 * 16 + 256)
    expect(new FrequencySketch({ capacity: 1 }).byteLength).toBe(16 + 256)
  })

  it("maps every hash, including the extremes, into the table (multiply-shift range reduction)", () => {
    // Odd block counts and extreme hashes: an index past the end would read undefined (frequency 0)
    // and drop the writes, so each key must still count its own increments.
    const extremes = [0, -1, 0x7fffffff, 0x80000000 | 0, 1, 0xfffffffe | 0, 0xc0000000 | 0]
    for (const capacity of [1, 3, 5, 99, 1023, 100_001]) {
      for (const h of extremes) {
        const s = new FrequencySketch({ capacity, sampleSize: 1e9 })
        for (let i = 0; i < 3; i++) s.increment(h)
        expect(s.frequency(h), `capacity ${capacity} hash ${h}`).toBe(3)
      }
    }
  })

  it("spreads keys over all of a non-power-of-two table (few false positives)", () => {
    // 1001 blocks, 2000 keys: ~2 keys per block, so an unseen key finds all four of its counters
    // taken ~0.3 % of the time. A reduction reaching only half the blocks would make it ~3 %.
    const s = new FrequencySketch({ capacity: 2001, sampleSize: 1e9 })
    const n = 2000
    for (let i = 0; i < n; i++) s.increment(hashKey(`k${i}`))
    let falsePositives = 0
    for (let i = n; i < 2 * n; i++) if (s.frequency(hashKey(`k${i}`)) !== 0) falsePositives++
    expect(falsePositives).toBeLessThan(30)
  })

  it("ages by halving every counter after sampleSize increments", () => {
    const s = new FrequencySketch({ capacity: 1024, sampleSize: 1000 })
    const hot = hashKey("hot")
    for (let i = 0; i < 12; i++) s.increment(hot)
    expect(s.resets).toBe(0)
    // Fill the sample with other keys: the 1000th counted increment triggers the reset.
    for (let i = 0; s.resets === 0; i++) s.increment(hashKey(`k${i}`))
    expect(s.resets).toBe(1)
    expect(s.frequency(hot)).toBe(6)
    s.reset()
    expect(s.frequency(hot)).toBe(3)
  })

  it("with a doorkeeper, a key's first sighting does not reach the counters", () => {
    const s = new FrequencySketch({ capacity: 1024, sampleSize: 1e9, doorkeeper: true })
    const h = hashKey("once")
    expect(s.frequency(h)).toBe(0)
    s.increment(h)
    expect(s.frequency(h)).toBe(1) // doorkeeper bit only
    s.increment(h)
    expect(s.frequency(h)).toBe(2)
    s.reset()
    expect(s.frequency(h)).toBe(0) // counter 1 halved to 0, doorkeeper cleared
  })

  it("buffers increments without changing a single read: same estimates and agings as counting each at once", () => {
    // Reference: the documented semantics (four counters per key, saturating at 15, halved after
    // sampleSize counted increments), computed naively per key here.
    const sampleSize = 300
    const s = new FrequencySketch({ capacity: 64, sampleSize })
    let x = 11
    const hashes = Array.from({ length: 40 }, (_, i) => hashKey(`b${i}`))
    const oracle = new FrequencySketch({ capacity: 64, sampleSize })
    for (let i = 0; i < 5000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0
      const h = hashes[(x >>> 8) % hashes.length]
      s.increment(h)
      oracle.increment(h)
      // Reading `oracle` after every increment drains its buffer at once: the unbuffered behaviour.
      oracle.frequency(h)
      // Read `s` only now and then, so its buffer holds up to its full length between reads.
      if (i % 97 === 0) for (const k of hashes) expect(s.frequency(k)).toBe(oracle.frequency(k))
    }
    expect(s.resets).toBe(oracle.resets)
    expect(s.resets).toBeGreaterThan(10)
    for (const k of hashes) expect(s.frequency(k)).toBe(oracle.frequency(k))
  })

  /** Records one hit of the resident key in `slot` the way L1's `get` does. Returns false if it was skipped (saturated). */
  function residentHit(s: FrequencySketch, flags: Uint8Array, slot: number): boolean {
    const f = flags[slot]
    if (f < PENDING_FULL) {
      flags[slot] = f + PENDING_ONE
      s.reserve()
    } else if (f < SATURATED) s.countHits(slot)
    else return false
    return true
  }

  it("holds resident hits pending and skips saturated keys without changing a single estimate or aging", () => {
    // A caller recording hits in its slots' flag bytes (as L1's hit path does) must see exactly
    // what counting every access at once shows: the same resets at the same accesses, and the same
    // estimate for every resident key (`residentFrequency` counts that key's pending hits first).
    const run = (doorkeeper: boolean): void => {
      const keys = 48
      const flags = new Uint8Array(keys).fill(3) // the owner's bits of the byte must survive
      const hashes = Int32Array.from({ length: keys }, (_, i) => hashKey(`m${i}`))
      const sampleSize = 400
      const s = new FrequencySketch({ capacity: 64, sampleSize, doorkeeper, resident: { flags, hashes } })
      const oracle = new FrequencySketch({ capacity: 64, sampleSize, doorkeeper })
      let x = 7
      let skipped = 0
      let pendingSeen = 0
      for (let i = 0; i < 20_000; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0
        // Skewed: a few hot keys saturate between agings, the rest do not. Now and then an access
        // of a key that is not resident (an L1 miss) goes through `increment`.
        const r = (x >>> 8) % 1000
        if (r >= 990) {
          const h = hashKey(`other${r}`)
          s.increment(h)
          oracle.increment(h)
        } else {
          const slot = r < 700 ? r % 6 : r % keys
          if (!residentHit(s, flags, slot)) skipped++
          oracle.increment(hashes[slot])
        }
        oracle.frequency(0) // drains the oracle's buffer: counted at once
        // Agings happen at the very same access.
        expect(s.resets).toBe(oracle.resets)
        if ((flags[i % keys] & PENDING_BITS) !== 0 && (flags[i % keys] & PENDING_BITS) !== SATURATED) pendingSeen++
        if (i % 89 === 0) {
          const slot = (i >>> 3) % keys
          expect(s.residentFrequency(slot)).toBe(oracle.frequency(hashes[slot]))
        }
      }
      expect(s.resets).toBeGreaterThan(10)
      for (let slot = 0; slot < keys; slot++) expect(s.residentFrequency(slot)).toBe(oracle.frequency(hashes[slot]))
      // Once every slot is counted, every estimate matches, collisions included.
      for (let slot = 0; slot < keys; slot++) expect(s.frequency(hashes[slot])).toBe(oracle.frequency(hashes[slot]))
      // Both the skip and the pending state happened, and no other bit of the flags changed.
      expect(skipped).toBeGreaterThan(5_000)
      expect(pendingSeen).toBeGreaterThan(1_000)
      for (const f of flags) expect(f & ~PENDING_BITS).toBe(3)
    }
    run(false)
    run(true)
  })

  it("counts a slot's pending hits when asked (before the slot is reused), and a new sketch clears pending hits and marks", () => {
    const flags = new Uint8Array(2)
    const hashes = Int32Array.from([hashKey("a"), hashKey("b")])
    const s = new FrequencySketch({ capacity: 64, sampleSize: 1e9, resident: { flags, hashes } })
    for (let i = 0; i < 3; i++) residentHit(s, flags, 0)
    expect(flags[0]).toBe(3 * PENDING_ONE)
    // Not counted yet: a plain read of the hash does not see them ...
    expect(s.frequency(hashes[0])).toBe(0)
    // ... until the owner counts them (L1 does before freeing the slot).
    s.countPending(0)
    expect(flags[0]).toBe(0)
    expect(s.frequency(hashes[0])).toBe(3)
    // Seven hits with six pending count all seven; at 15 the next count marks the key saturated.
    for (let i = 0; i < 12; i++) residentHit(s, flags, 0)
    expect(s.residentFrequency(0)).toBe(15)
    for (let i = 0; i < 7; i++) residentHit(s, flags, 0)
    expect(flags[0]).toBe(SATURATED)
    expect(residentHit(s, flags, 0)).toBe(false)
    // An aging clears the mark.
    s.reset()
    expect(flags[0]).toBe(0)
    expect(s.frequency(hashes[0])).toBe(7)
    residentHit(s, flags, 1)
    new FrequencySketch({ capacity: 64, resident: { flags, hashes } })
    expect(flags[1]).toBe(0)
  })

  it("keeps estimates of distinct keys mostly separate (count-min over-estimates only)", () => {
    const s = new FrequencySketch({ capacity: 512, sampleSize: 1e9 })
    for (let i = 0; i < 512; i++) for (let j = 0; j < (i % 4); j++) s.increment(hashKey(`k${i}`))
    let exact = 0
    for (let i = 0; i < 512; i++) {
      const f = s.frequency(hashKey(`k${i}`))
      expect(f).toBeGreaterThanOrEqual(i % 4)
      if (f === i % 4) exact++
    }
    expect(exact).toBeGreaterThan(480)
  })
})

describe("HillClimber", () => {
  it("keeps its direction while the hit rate improves and turns when it worsens", () => {
    const c = new HillClimber({ ...DEFAULT_CLIMBER, initial: 0.5, restartThreshold: 1 })
    const w0 = c.sample(50, 50) // first sample: one step up
    expect(w0).toBeCloseTo(0.5 + DEFAULT_CLIMBER.step)
    const w1 = c.sample(60, 40) // better: continue up
    expect(w1).toBeGreaterThan(w0)
    const w2 = c.sample(40, 60) // worse: turn down
    expect(w2).toBeLessThan(w1)
  })

  it("stays within [min, max] and restarts its step after jumpTo", () => {
    const c = new HillClimber({ ...DEFAULT_CLIMBER, initial: 0.99 })
    for (let i = 0; i < 20; i++) {
      const w = c.sample(i, 100 - i)
      expect(w).toBeLessThanOrEqual(1)
      expect(w).toBeGreaterThanOrEqual(0)
    }
    c.jumpTo(0.01)
    expect(c.window).toBe(0.01)
  })
})

/** One shadow cache alone (a set of one), with the old single-shadow API. */
function oneShadow(capacity: number, windowShare: number, sketch: FrequencySketch, clock = false) {
  const set = new ShadowSet(capacity, [windowShare], sketch, clock)
  return {
    access: (h: number): void => void set.access(h),
    takeHits: (): number => {
      const h = set.hits(0)
      set.resetHits()
      return h
    },
  }
}

describe("ShadowCache", () => {
  it("with a 100 % window is exactly LRU", () => {
    const sketch = new FrequencySketch({ capacity: 64 })
    const shadow = oneShadow(64, 1, sketch)
    const lru = new Map<number, true>()
    let lruHits = 0
    let x = 7
    for (let i = 0; i < 20_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0
      const h = hashKey(`k${(x >>> 8) % 200}`)
      sketch.increment(h)
      shadow.access(h)
      if (lru.delete(h)) lruHits++
      else if (lru.size >= 64) lru.delete(lru.keys().next().value as number)
      lru.set(h, true)
    }
    expect(shadow.takeHits()).toBe(lruHits)
    expect(shadow.takeHits()).toBe(0)
  })

  it("with a small window resists a scan like the real W-TinyLFU", () => {
    const sketch = new FrequencySketch({ capacity: 100 })
    const small = oneShadow(100, 0.01, sketch)
    const lru = oneShadow(100, 1, sketch)
    const run = (h: number): void => {
      sketch.increment(h)
      small.access(h)
      lru.access(h)
    }
    for (let r = 0; r < 5; r++) for (let i = 0; i < 80; i++) run(hashKey(`hot${i}`))
    for (let i = 0; i < 1000; i++) run(hashKey(`scan${i}`))
    small.takeHits()
    lru.takeHits()
    for (let i = 0; i < 80; i++) run(hashKey(`hot${i}`))
    expect(small.takeHits()).toBeGreaterThanOrEqual(75)
    expect(lru.takeHits()).toBe(0)
  })

  it("with clock recency and a 100 % window is exactly CLOCK (second chance), not LRU", () => {
    // Reference CLOCK as the real L1 runs it with a full window: a miss appends unmarked, then the
    // sweep from the head clears and re-appends marked entries until it meets an unmarked one.
    const sketch = new FrequencySketch({ capacity: 64 })
    const clock = oneShadow(64, 1, sketch, true)
    const lruShadow = oneShadow(64, 1, sketch)
    const order: number[] = []
    const marked = new Map<number, boolean>()
    let clockHits = 0
    let x = 11
    for (let i = 0; i < 20_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0
      const h = hashKey(`k${(x >>> 8) % 200}`)
      sketch.increment(h)
      clock.access(h)
      lruShadow.access(h)
      if (marked.has(h)) {
        clockHits++
        marked.set(h, true)
        continue
      }
      order.push(h)
      marked.set(h, false)
      if (order.length > 64) {
        while (marked.get(order[0])) {
          const again = order.shift()!
          marked.set(again, false)
          order.push(again)
        }
        marked.delete(order.shift()!)
      }
    }
    const lruHits = lruShadow.takeHits()
    expect(clock.takeHits()).toBe(clockHits)
    expect(clockHits).not.toBe(lruHits)
  })
})
