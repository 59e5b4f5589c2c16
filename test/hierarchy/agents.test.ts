import { describe, expect, it } from "vitest"
import { AccessDenied } from "../../src/errors.js"
import { AgentRegistry, prefixOf } from "../../src/hierarchy/agents.js"
import { newDisk } from "./fakes/fake-tiers.js"
import { openFake } from "./helpers.js"

describe("AgentRegistry", () => {
  it("makes <agent>:… keys private only while the agent is registered", () => {
    const r = new AgentRegistry()
    expect(prefixOf("a1:x")).toBe("a1")
    expect(prefixOf(":x")).toBeUndefined()
    expect(prefixOf("plain")).toBeUndefined()
    expect(r.checkAccess("a2", "a1:x")).toBeUndefined()
    r.register("a1", "coder")
    expect(r.checkAccess("a2", "a1:x")).toBeInstanceOf(AccessDenied)
    expect(r.checkAccess("a1", "a1:x")).toBeUndefined()
    expect(r.checkAccess(undefined, "a1:x")).toBeUndefined()
    r.unregister("a1")
    expect(r.checkAccess("a2", "a1:x")).toBeUndefined()
  })

  it("tracks stored keys only for registered prefixes (bounded memory), and forgets them on unregister", () => {
    const r = new AgentRegistry()
    r.register("a1", undefined)
    r.noteStored("a1:one")
    r.noteStored("repo:file.py") // not an agent: not tracked
    r.noteStored("shared")
    expect(r.keysOf("a1")).toEqual(["a1:one"])
    expect(r.keysOf("repo")).toEqual([])
    r.noteRemoved("a1:one")
    expect(r.keysOf("a1")).toEqual([])
    r.noteStored("a1:two")
    r.unregister("a1")
    expect(r.keysOf("a1")).toEqual([])
  })
})

describe("endAgent", () => {
  it("releases the agent's keys written by an earlier process, found through L3's key listing", async () => {
    const disk = newDisk()
    const first = await openFake({ disk })
    first.h.agents.register("a1", undefined)
    await first.h.put("a1:old", 1, "a1")
    await first.h.put("shared", 2, "a1")
    await first.h.close()
    const second = await openFake({ disk })
    second.h.agents.register("a1", undefined)
    await second.h.endAgent("a1")
    expect(await second.h.read("a1:old")).toBeUndefined()
    expect(await second.h.read("shared")).toBe(2)
    expect(second.h.agents.isRegistered("a1")).toBe(false)
  })
})
