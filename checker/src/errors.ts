/**
 * Errors raised by tla-check. Every error that concerns the user's input carries a source location
 * (`file:line:column`, 1-based) so the message points at the construct that caused it.
 */

/** A position in a source file, 1-based line and column. */
export interface SourceLoc {
  readonly file: string
  readonly line: number
  readonly column: number
}

/** Which phase found the problem; decides the CLI exit code. */
export type CheckerErrorKind = "parse" | "semantic" | "eval" | "config" | "usage"

/** A problem in the spec, the cfg, or while evaluating the spec. */
export class CheckerError extends Error {
  constructor(
    readonly kind: CheckerErrorKind,
    readonly detail: string,
    readonly loc?: SourceLoc
  ) {
    super(loc ? `${loc.file}:${loc.line}:${loc.column}: ${detail}` : detail)
    this.name = "CheckerError"
  }
}

/** An error raised while evaluating; the compiler attaches a location when it is caught. */
export class EvalError extends Error {
  constructor(
    message: string,
    public loc?: SourceLoc
  ) {
    super(message)
    this.name = "EvalError"
  }
}

/** Formats a location for messages. */
export function formatLoc(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}:${loc.column}`
}
