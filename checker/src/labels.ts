/**
 * Names of the actions that produce trace steps: the outermost action definition taken from Next,
 * with its arguments (`FillStart(k2)`), recorded when a state is first reached.
 */
import type { Ctx } from "./scope.js"
import { formatValue, type Value } from "./values.js"

/** An action name with the values of its parameters. */
export interface ActionLabel {
  readonly name: string
  readonly args: Value[]
}

/** The action currently being taken in `ctx`, if it is a named definition. */
export function labelOf(ctx: Ctx): ActionLabel | undefined {
  if (ctx.actName === undefined) return undefined
  const args: Value[] = []
  for (let i = 0; i < (ctx.actArity ?? 0); i++) args.push(ctx.actFrame![i]!)
  return { name: ctx.actName, args }
}

/** `Name(arg, ...)`, or `Next` when the step was not taken through a named action. */
export function formatLabel(l: ActionLabel | undefined): string {
  if (!l) return "Next"
  return l.args.length ? `${l.name}(${l.args.map(formatValue).join(", ")})` : l.name
}
