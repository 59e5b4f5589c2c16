/**
 * Evaluates a constant-level TLA+ expression on its own: the building block of the evaluator's
 * unit tests and handy for checking what tla-check makes of an expression.
 */
import { Compiler } from "./compiler.js"
import { CheckerError } from "./errors.js"
import { emptyEnv, loadModuleText } from "./model.js"
import { Layout, Scope } from "./scope.js"
import type { Value } from "./values.js"

/** Options for {@link evaluateConstant}. */
export interface EvaluateOptions {
  /** Extra definitions placed before the expression, one TLA+ unit per line. */
  readonly definitions?: string
  /** Constant values (e.g. model values via `ModelValue.of`). */
  readonly constants?: Record<string, Value>
  /** Receives warnings (default: stderr). */
  readonly onWarning?: (message: string) => void
}

/**
 * Evaluates `expr` in a module that EXTENDS Naturals, Integers, FiniteSets, Sequences and TLC.
 * Errors are CheckerError / EvalError with locations in the synthetic module `Expr.tla`.
 */
export async function evaluateConstant(expr: string, options: EvaluateOptions = {}): Promise<Value> {
  const constants = Object.keys(options.constants ?? {})
  const text = [
    "---- MODULE Expr ----",
    "EXTENDS Naturals, Integers, FiniteSets, Sequences, TLC",
    constants.length ? `CONSTANTS ${constants.join(", ")}` : "",
    options.definitions ?? "",
    `EvalMe == ${expr}`,
    "===="
  ].join("\n")
  const env = emptyEnv()
  await loadModuleText("Expr.tla", text, env)
  for (const [k, v] of Object.entries(options.constants ?? {})) env.constValues.set(k, v)
  const def = env.defs.get("EvalMe")
  if (!def) throw new CheckerError("semantic", "internal: EvalMe not defined")
  const compiler = new Compiler(env)
  if (options.onWarning) compiler.onWarning = options.onWarning
  const layout = new Layout()
  const ex = compiler.expr(def.body, new Scope("Expr.tla", "state", layout))
  return ex({ cur: [], nxt: [], assigned: 0 }, new Array(layout.size))
}
