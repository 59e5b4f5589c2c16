/**
 * The error a block decoder throws on bytes it did not write: a truncated block, a length header
 * that does not match the sequences, a match reaching before the start of the output, ...
 *
 * L2's compressed bytes never leave the process, so this signals a bug or memory corruption, not
 * bad input; the decoder still checks every length and offset so that such bytes can never make
 * it read or write out of bounds, allocate a huge buffer, or loop forever.
 */
import { Data } from "effect"

/** A compressed block is malformed; `offset` is where in the block the decoder gave up. */
export class CorruptBlock extends Data.TaggedError("CorruptBlock")<{
  readonly codec: string
  readonly offset: number
  readonly reason: string
}> {
  override get message(): string {
    return `corrupt ${this.codec} block at byte ${this.offset}: ${this.reason}`
  }
}
