/**
 * Loads a spec and its cfg into a compiled model: module and EXTENDS resolution, constants from
 * the cfg, Init/Next (directly or from `SPECIFICATION Spec` with `Spec == Init /\ [][Next]_vars`),
 * invariants, and ASSUME checks.
 */
import { existsSync, readFileSync } from "node:fs"
import { basename, dirname, join, resolve } from "node:path"
import { ActionCompiler } from "./actions.js"
import { parseCfg, type ModelConfig } from "./cfg.js"
import { Compiler, STD_MODULES, type ModuleEnv, type OpDef } from "./compiler.js"
import { CheckerError, EvalError } from "./errors.js"
import { namedKids, parseTla, type Node, type ParsedFile } from "./parser.js"
import { Layout, Scope, type Act, type Ctx, type Expr, type Frame } from "./scope.js"
import { formatValue, type Value } from "./values.js"

/** A compiled invariant. */
export interface Invariant {
  readonly name: string
  /** Evaluates the invariant on a state; true when it holds. */
  readonly check: (state: Value[]) => boolean
}

/** A compiled action with the frame size it needs. */
export interface CompiledAction {
  readonly act: Act
  readonly layout: Layout
}

/** A spec and cfg ready to explore. */
export interface LoadedModel {
  readonly specFile: string
  readonly cfgFile: string | undefined
  readonly moduleName: string
  readonly vars: string[]
  readonly init: CompiledAction
  readonly next: CompiledAction
  readonly invariants: Invariant[]
  readonly checkDeadlock: boolean
  /** Keeps parse trees alive while compiled code may still report node locations. */
  readonly trees: ParsedFile[]
}

interface Assumption {
  readonly node: Node
  readonly file: string
}

/** The default cfg next to a spec: `Spec.tla` → `Spec.cfg`. */
export function defaultCfgPath(specPath: string): string {
  return specPath.replace(/\.tla$/, "") + ".cfg"
}

/** Parses, resolves and compiles `specPath` with `cfgPath` (or the cfg next to it). */
export async function loadModel(specPath: string, cfgPath?: string): Promise<LoadedModel> {
  const specFile = resolve(specPath)
  if (!existsSync(specFile)) throw new CheckerError("usage", `spec file not found: ${specPath}`)
  const cfgFile = cfgPath ? resolve(cfgPath) : existsSync(defaultCfgPath(specFile)) ? defaultCfgPath(specFile) : undefined
  if (cfgPath && !existsSync(cfgFile!)) throw new CheckerError("usage", `config file not found: ${cfgPath}`)
  const cfg: ModelConfig = cfgFile
    ? parseCfg(cfgFile, readFileSync(cfgFile, "utf8"))
    : { file: "(none)", constants: [], invariants: [], lines: new Map(), checkDeadlock: true, init: "Init", next: "Next" }

  const env = emptyEnv()
  const trees: ParsedFile[] = []
  const assumptions: Assumption[] = []
  const loading = new Set<string>()
  const moduleName = await loadModule(specFile, env, trees, assumptions, loading)

  for (const c of cfg.constants) {
    const loc = { file: cfg.file, line: c.line, column: 1 }
    if (c.kind === "value") {
      if (!env.declaredConstants.has(c.name) && !env.defs.has(c.name)) {
        throw new CheckerError("config", `${c.name} is neither a constant nor a definition of the spec`, loc)
      }
      env.constValues.set(c.name, c.value)
    } else {
      const def = env.defs.get(c.def)
      if (!def) throw new CheckerError("config", `${c.name} <- ${c.def}: no definition named ${c.def}`, loc)
      if (!env.declaredConstants.has(c.name) && !env.defs.has(c.name)) {
        throw new CheckerError("config", `${c.name} is neither a constant nor a definition of the spec`, loc)
      }
      env.constSubst.set(c.name, def)
    }
  }

  // Like TLC, every declared constant needs a value or a substitution, used or not.
  for (const name of env.declaredConstants) {
    if (!env.constValues.has(name) && !env.constSubst.has(name)) {
      throw new CheckerError("config", `constant ${name} is not assigned a value by the configuration`, {
        file: cfg.file,
        line: 1,
        column: 1
      })
    }
  }

  const compiler = new Compiler(env)
  const actions = new ActionCompiler(compiler)

  checkAssumptions(compiler, assumptions)

  const { initNode, nextNode, file } = resolveInitNext(cfg, env, specFile)
  const initLayout = new Layout()
  const init = actions.act(initNode, new Scope(file.init, "init", initLayout))
  const nextLayout = new Layout()
  const next = actions.act(nextNode, new Scope(file.next, "state", nextLayout))

  const invariants: Invariant[] = cfg.invariants.map((name) => {
    const def = env.constSubst.get(name) ?? env.defs.get(name)
    const at = { file: cfg.file, line: cfg.lines.get(name) ?? 1, column: 1 }
    if (!def) throw new CheckerError("config", `invariant ${name} is not defined in the spec`, at)
    if (def.params.length) throw new CheckerError("config", `invariant ${name} must not take arguments`, at)
    const entry = compiler.ensureCompiled(def, "state")
    const ctx: Ctx = { cur: [], nxt: [], assigned: 0 }
    const check = (state: Value[]) => {
      ctx.cur = state
      const v = entry.expr!(ctx, new Array(entry.layout.size))
      if (typeof v !== "boolean") throw new EvalError(`invariant ${name} evaluated to ${formatValue(v)}, not a boolean`, locOf(def.body, def.file))
      return v
    }
    return { name, check }
  })

  return {
    specFile,
    cfgFile,
    moduleName,
    vars: env.vars,
    init: { act: init, layout: initLayout },
    next: { act: next, layout: nextLayout },
    invariants,
    checkDeadlock: cfg.checkDeadlock,
    trees
  }
}

function locOf(n: Node, file: string) {
  return { file, line: n.startPosition.row + 1, column: n.startPosition.column + 1 }
}

/** An empty environment. */
export function emptyEnv(): ModuleEnv {
  return {
    defs: new Map(),
    vars: [],
    varIndex: new Map(),
    constValues: new Map(),
    constSubst: new Map(),
    declaredConstants: new Set(),
    stdModules: new Set()
  }
}

async function loadModule(
  file: string,
  env: ModuleEnv,
  trees: ParsedFile[],
  assumptions: Assumption[],
  loading: Set<string>,
  text?: string
): Promise<string> {
  if (loading.has(file)) return basename(file, ".tla")
  loading.add(file)
  const parsed = await parseTla(file, text ?? readFileSync(file, "utf8"))
  trees.push(parsed)
  const mod = namedKids(parsed.root).find((n) => n.type === "module")
  if (!mod) throw new CheckerError("parse", "no MODULE found", { file, line: 1, column: 1 })
  const name = mod.childForFieldName("name")?.text ?? basename(file, ".tla")
  for (const n of namedKids(mod)) {
    await loadUnit(n, file, env, trees, assumptions, loading)
  }
  return name
}

async function loadUnit(
  n: Node,
  file: string,
  env: ModuleEnv,
  trees: ParsedFile[],
  assumptions: Assumption[],
  loading: Set<string>
): Promise<void> {
  const err = (msg: string, at: Node = n): never => {
    throw new CheckerError("semantic", msg, locOf(at, file))
  }
  switch (n.type) {
    case "header_line":
    case "double_line":
    case "single_line":
    case "identifier":
    case "theorem":
    case "recursive_declaration":
      return
    case "extends":
      for (const m of namedKids(n)) {
        if (STD_MODULES.has(m.text)) env.stdModules.add(m.text)
        else {
          const path = join(dirname(file), `${m.text}.tla`)
          if (!existsSync(path)) err(`module ${m.text} is neither a standard module tla-check supports nor a file next to ${basename(file)}`, m)
          await loadModule(path, env, trees, assumptions, loading)
        }
      }
      return
    case "constant_declaration":
      for (const c of namedKids(n)) {
        if (c.type !== "identifier") err("constant operators (CONSTANT Op(_)) are not supported", c)
        env.declaredConstants.add(c.text)
      }
      return
    case "variable_declaration":
      for (const v of namedKids(n)) {
        env.varIndex.set(v.text, env.vars.length)
        env.vars.push(v.text)
      }
      return
    case "operator_definition": {
      const nameNode = n.childForFieldName("name")
      if (!nameNode) return err("unsupported operator definition form (infix/prefix operator definitions are not supported)")
      const params: string[] = []
      for (const p of n.childrenForFieldName("parameter")) {
        if (!p.isNamed) continue
        if (p.type !== "identifier") err("operator parameters that are operators (higher-order) are not supported", p)
        params.push(p.text)
      }
      addDef(env, { name: nameNode.text, params, body: n.childForFieldName("definition")!, file, compiled: {}, usesState: false }, n, file)
      return
    }
    case "function_definition": {
      const nameNode = n.childForFieldName("name")!
      const bounds = namedKids(n).filter((k) => k.type === "quantifier_bound")
      addDef(
        env,
        { name: nameNode.text, params: [], body: n.childForFieldName("definition")!, fnBounds: bounds, file, compiled: {}, usesState: false },
        n,
        file
      )
      return
    }
    case "local_definition":
      for (const k of namedKids(n)) await loadUnit(k, file, env, trees, assumptions, loading)
      return
    case "assumption":
      assumptions.push({ node: namedKids(n).at(-1)!, file })
      return
    default:
      err(`unsupported module-level construct: ${n.type} (INSTANCE and nested modules are not supported)`)
  }
}

function addDef(env: ModuleEnv, def: OpDef, n: Node, file: string): void {
  if (env.defs.has(def.name)) {
    throw new CheckerError("semantic", `${def.name} is defined twice`, locOf(n, file))
  }
  env.defs.set(def.name, def)
}

function checkAssumptions(compiler: Compiler, assumptions: Assumption[]): void {
  for (const a of assumptions) {
    const layout = new Layout()
    const ex: Expr = compiler.expr(a.node, new Scope(a.file, "state", layout))
    const v = ex({ cur: [], nxt: [], assigned: 0 }, new Array(layout.size) as Frame)
    if (v !== true) throw new CheckerError("semantic", `assumption is ${formatValue(v)}`, locOf(a.node, a.file))
  }
}

function resolveInitNext(cfg: ModelConfig, env: ModuleEnv, specFile: string) {
  const name = cfg.specification ?? cfg.init ?? "Init"
  const cfgLoc = { file: cfg.file, line: cfg.lines.get(name) ?? 1, column: 1 }
  if (cfg.specification) {
    const spec = env.defs.get(cfg.specification)
    if (!spec) throw new CheckerError("config", `SPECIFICATION ${cfg.specification} is not defined`, cfgLoc)
    const parts: Node[] = []
    const walk = (m: Node) => {
      while (m.type === "parentheses") m = namedKids(m)[0]
      if (m.type === "conj_list") for (const item of namedKids(m)) walk(namedKids(item).at(-1)!)
      else if (m.type === "bound_infix_op" && m.childForFieldName("symbol")!.type === "land") {
        walk(m.childForFieldName("lhs")!)
        walk(m.childForFieldName("rhs")!)
      } else parts.push(m)
    }
    walk(spec.body)
    let initNode: Node | undefined
    let nextNode: Node | undefined
    for (const p of parts) {
      if (p.type === "fairness") continue
      if (p.type === "bound_prefix_op" && p.childForFieldName("symbol")!.type === "always") {
        const step = p.childForFieldName("rhs")!
        if (step.type !== "step_expr_or_stutter") {
          throw new CheckerError("semantic", "expected [][Next]_vars in the specification", locOf(p, spec.file))
        }
        nextNode = namedKids(step)[0]
      } else if (!initNode) initNode = p
      else throw new CheckerError("semantic", "the specification must have the form Init /\\ [][Next]_vars", locOf(p, spec.file))
    }
    if (!initNode || !nextNode) {
      throw new CheckerError("semantic", "the specification must have the form Init /\\ [][Next]_vars", locOf(spec.body, spec.file))
    }
    // `[][Next]_vars` with Next a plain definition: use its body, so that traces name the
    // actions inside Next (Put(k1), Crash, ...) rather than Next itself.
    const unwrap = (n: Node, file: string): { node: Node; file: string } => {
      const def = n.type === "identifier_ref" ? env.defs.get(n.text) : undefined
      return def && def.params.length === 0 && !def.fnBounds && !env.constValues.has(n.text) ? { node: def.body, file: def.file } : { node: n, file }
    }
    const i = unwrap(initNode, spec.file)
    const x = unwrap(nextNode, spec.file)
    return { initNode: i.node, nextNode: x.node, file: { init: i.file, next: x.file } }
  }
  const initName = cfg.init ?? "Init"
  const nextName = cfg.next ?? "Next"
  const init = env.defs.get(initName)
  const next = env.defs.get(nextName)
  if (!init) throw new CheckerError("config", `INIT ${initName} is not defined in ${basename(specFile)}`, cfgLoc)
  if (!next) throw new CheckerError("config", `NEXT ${nextName} is not defined in ${basename(specFile)}`, cfgLoc)
  return { initNode: init.body, nextNode: next.body, file: { init: init.file, next: next.file } }
}

/**
 * Loads a module given as text into `env` (EXTENDS of non-standard modules resolve next to
 * `file`). Used by {@link evaluateConstant} and tests.
 */
export async function loadModuleText(file: string, text: string, env: ModuleEnv): Promise<void> {
  const assumptions: Assumption[] = []
  await loadModule(file, env, [], assumptions, new Set(), text)
}
