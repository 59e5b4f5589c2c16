/**
 * Every failure tiercache reports is one of these tagged classes.
 *
 * They are `Data.TaggedError`s: in the Effect API they appear in the error channel and can be
 * matched with `Effect.catchTag`; in the Promise facade they are thrown (they extend `Error`),
 * so `err._tag` and `instanceof` both work. Each carries a human-readable `message`.
 */
import { Data } from "effect"

/** A key was empty, too long, not a string, or not allowed for the calling agent. */
export class InvalidKey extends Data.TaggedError("InvalidKey")<{
  readonly key: unknown
  readonly reason: string
}> {
  override get message(): string {
    return `invalid key ${JSON.stringify(String(this.key)).slice(0, 80)}: ${this.reason}`
  }
}

/** An agent view tried to read or write another agent's private key. */
export class AccessDenied extends Data.TaggedError("AccessDenied")<{
  readonly key: string
  readonly agentId: string
  readonly owner: string
}> {
  override get message(): string {
    return `agent ${this.agentId} may not access ${this.key}: it is private to agent ${this.owner}`
  }
}

/** A value's serialized size exceeds `maxEntryBytes` (or a tier's whole budget). */
export class ValueTooLarge extends Data.TaggedError("ValueTooLarge")<{
  readonly key: string
  readonly bytes: number
  readonly limit: number
}> {
  override get message(): string {
    return `value for ${this.key} is ${this.bytes} bytes serialized; the limit is ${this.limit}`
  }
}

/** A value cannot be serialized: a function, symbol, cycle, BigInt, non-finite number, ... */
export class SerializationError extends Data.TaggedError("SerializationError")<{
  readonly key: string
  readonly path: string
  readonly reason: string
}> {
  override get message(): string {
    return `cannot store ${this.key}: ${this.reason} at ${this.path || "(root)"}`
  }
}

/** The disk tier failed (I/O error, full disk, unreadable index). Nothing acknowledged is lost. */
export class StorageError extends Data.TaggedError("StorageError")<{
  readonly op: string
  readonly path: string
  readonly cause: unknown
}> {
  override get message(): string {
    const c = this.cause instanceof Error ? this.cause.message : String(this.cause)
    return `storage ${this.op} failed on ${this.path}: ${c}`
  }
}

/** The user's `load` function threw or rejected. */
export class LoaderError extends Data.TaggedError("LoaderError")<{
  readonly key: string
  readonly cause: unknown
}> {
  override get message(): string {
    const c = this.cause instanceof Error ? this.cause.message : String(this.cause)
    return `loader failed for ${this.key}: ${c}`
  }
}

/** The cache (or agent view) was used after `close()` / `end()`. */
export class CacheClosed extends Data.TaggedError("CacheClosed")<{
  readonly what: string
}> {
  override get message(): string {
    return `${this.what} is closed`
  }
}

/** Options passed to `createTierCache` (or a layer) are invalid. */
export class InvalidOptions extends Data.TaggedError("InvalidOptions")<{
  readonly option: string
  readonly reason: string
}> {
  override get message(): string {
    return `invalid option ${this.option}: ${this.reason}`
  }
}

/** Branch API misuse: unknown branch, collapse of a non-superposed key, too many branches, ... */
export class BranchError extends Data.TaggedError("BranchError")<{
  readonly key: string
  readonly branch?: string
  readonly reason: string
}> {
  override get message(): string {
    return `branch error on ${this.key}${this.branch === undefined ? "" : `#${this.branch}`}: ${this.reason}`
  }
}

/** Union of every error the cache can report. */
export type TierCacheError =
  | InvalidKey
  | AccessDenied
  | ValueTooLarge
  | SerializationError
  | StorageError
  | LoaderError
  | CacheClosed
  | InvalidOptions
  | BranchError
