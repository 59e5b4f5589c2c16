/**
 * The agent registry (src/hierarchy/agents.ts): registration is idempotent, a later registration
 * may name the kind but never erases it, and unregistering forgets the agent and its keys.
 */
import { describe, expect, it } from "vitest"
import { AgentRegistry, prefixOf } from "../../src/hierarchy/agents.js"

describe("AgentRegistry", () => {
  it("keeps the first info while nothing new is said, adopts a new kind, never forgets a kind", () => {
    const r = new AgentRegistry()
    const first = r.register("a1", undefined)
    expect(first).toEqual({ agentId: "a1", kind: undefined })
    expect(r.register("a1", undefined)).toBe(first)
    const named = r.register("a1", "coder")
    expect(named).toEqual({ agentId: "a1", kind: "coder" })
    expect(r.register("a1", "coder")).toBe(named)
    expect(r.register("a1", undefined)).toBe(named) // no kind given: the known kind stays
    expect(r.register("a1", "reviewer")).toEqual({ agentId: "a1", kind: "reviewer" })
    expect(r.get("a1")).toEqual({ agentId: "a1", kind: "reviewer" })
    expect(r.count).toBe(1)
  })

  it("unregister forgets the agent and the keys tracked for it", () => {
    const r = new AgentRegistry()
    r.register("a1", undefined)
    r.register("a2", undefined)
    r.noteStored("a1:x")
    r.noteStored("a1:y")
    r.noteStored("shared") // no prefix: not tracked
    r.noteStored("ghost:z") // unregistered prefix: not tracked
    expect(r.keysOf("a1").sort()).toEqual(["a1:x", "a1:y"])
    expect(r.keysOf("ghost")).toEqual([])
    r.noteRemoved("a1:x")
    r.noteRemoved("shared")
    expect(r.keysOf("a1")).toEqual(["a1:y"])
    r.unregister("a1")
    expect(r.isRegistered("a1")).toBe(false)
    expect(r.get("a1")).toBeUndefined()
    expect(r.keysOf("a1")).toEqual([])
    expect(r.count).toBe(1)
    expect(r.checkAccess("a2", "a1:y")).toBeUndefined() // no longer private
  })

  it("prefixOf needs a non-empty prefix before the first colon", () => {
    expect(prefixOf("a1:b:c")).toBe("a1")
    expect(prefixOf(":x")).toBeUndefined()
    expect(prefixOf("plain")).toBeUndefined()
  })
})
