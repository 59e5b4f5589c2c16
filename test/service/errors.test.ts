/**
 * The public error classes (src/errors.ts): each has its `_tag`, is an `Error`, carries its fields,
 * and renders a message that says what went wrong. `isTierCacheError` accepts exactly these.
 */
import { describe, expect, it } from "vitest"
import {
  AccessDenied,
  BranchError,
  CacheClosed,
  InvalidKey,
  InvalidOptions,
  isTierCacheError,
  LoaderError,
  SerializationError,
  StorageError,
  ValueTooLarge,
} from "../../src/index.js"

describe("tiercache error classes", () => {
  it.each([
    [new InvalidKey({ key: "", reason: "must not be empty" }), "InvalidKey", 'invalid key "": must not be empty'],
    [new InvalidKey({ key: 42, reason: "must be a string" }), "InvalidKey", 'invalid key "42": must be a string'],
    [
      new AccessDenied({ key: "a1:s", agentId: "a2", owner: "a1" }),
      "AccessDenied",
      "agent a2 may not access a1:s: it is private to agent a1",
    ],
    [new ValueTooLarge({ key: "k", bytes: 2048, limit: 1024 }), "ValueTooLarge", "value for k is 2048 bytes serialized; the limit is 1024"],
    [
      new SerializationError({ key: "k", path: "$.f", reason: "a function" }),
      "SerializationError",
      "cannot store k: a function at $.f",
    ],
    [new SerializationError({ key: "k", path: "", reason: "a symbol" }), "SerializationError", "cannot store k: a symbol at (root)"],
    [
      new StorageError({ op: "write", path: "/d/x", cause: new Error("ENOSPC") }),
      "StorageError",
      "storage write failed on /d/x: ENOSPC",
    ],
    [new StorageError({ op: "open", path: "/d", cause: "locked" }), "StorageError", "storage open failed on /d: locked"],
    [new LoaderError({ key: "k", cause: new Error("down") }), "LoaderError", "loader failed for k: down"],
    [new LoaderError({ key: "k", cause: 503 }), "LoaderError", "loader failed for k: 503"],
    [new CacheClosed({ what: "the cache" }), "CacheClosed", "the cache is closed"],
    [new InvalidOptions({ option: "l1.maxBytes", reason: "must be a positive integer" }), "InvalidOptions", "invalid option l1.maxBytes: must be a positive integer"],
    [new BranchError({ key: "k", reason: "not superposed" }), "BranchError", "branch error on k: not superposed"],
    [new BranchError({ key: "k", branch: "b1", reason: "unknown branch" }), "BranchError", "branch error on k#b1: unknown branch"],
  ])("%o has _tag %s and message %j", (error, tag, message) => {
    expect(error._tag).toBe(tag)
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toBe(message)
    expect(isTierCacheError(error)).toBe(true)
  })

  it("truncates a long key in the InvalidKey message", () => {
    const key = "k".repeat(500)
    const err = new InvalidKey({ key, reason: "too long" })
    expect(err.message).toBe(`invalid key ${JSON.stringify(key).slice(0, 80)}: too long`)
    expect(err.message.length).toBe("invalid key ".length + 80 + ": too long".length)
    expect(err.key).toBe(key) // the field keeps the whole key
  })

  it("isTierCacheError rejects plain errors, look-alikes with other tags, and non-objects", () => {
    expect(isTierCacheError(new Error("boom"))).toBe(false)
    expect(isTierCacheError({ _tag: "NoSuchError" })).toBe(false)
    expect(isTierCacheError({ _tag: 1 })).toBe(false)
    expect(isTierCacheError(null)).toBe(false)
    expect(isTierCacheError(undefined)).toBe(false)
    expect(isTierCacheError("InvalidKey")).toBe(false)
    // the tag is what counts (errors crossing a realm or a structured clone keep only their fields)
    expect(isTierCacheError({ _tag: "CacheClosed", what: "x" })).toBe(true)
  })
})
