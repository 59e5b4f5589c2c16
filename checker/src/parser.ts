/**
 * Parsing TLA+ source with tree-sitter-tlaplus (wasm grammar, web-tree-sitter runtime).
 *
 * The compiler works directly on the concrete syntax tree; this module loads the grammar once,
 * parses a file, and turns any ERROR or MISSING node into a {@link CheckerError} with its location.
 */
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { Language, Parser, type Node, type Tree } from "web-tree-sitter"
import { CheckerError } from "./errors.js"

export type { Node } from "web-tree-sitter"

let parserPromise: Promise<Parser> | undefined

async function loadParser(): Promise<Parser> {
  const require = createRequire(import.meta.url)
  // The package's main points at native bindings; the wasm grammar sits at the package root.
  const pkgDir = dirname(require.resolve("@tlaplus/tree-sitter-tlaplus/package.json"))
  await Parser.init()
  const lang = await Language.load(join(pkgDir, "tree-sitter-tlaplus.wasm"))
  const parser = new Parser()
  parser.setLanguage(lang)
  return parser
}

/** The shared parser (loaded on first use). */
export function getParser(): Promise<Parser> {
  parserPromise ??= loadParser()
  return parserPromise
}

/** A parsed source file. */
export interface ParsedFile {
  readonly file: string
  readonly tree: Tree
  readonly root: Node
}

/** Parses TLA+ source; throws a `parse` CheckerError at the first syntax error. */
export async function parseTla(file: string, text: string): Promise<ParsedFile> {
  const parser = await getParser()
  const tree = parser.parse(text)
  if (!tree) throw new CheckerError("parse", "the parser returned no tree", { file, line: 1, column: 1 })
  const root = tree.rootNode
  if (root.hasError) {
    const bad = firstError(root) ?? root
    const what = bad.isMissing ? `missing ${bad.type}` : `unexpected ${JSON.stringify(bad.text.slice(0, 40))}`
    throw new CheckerError("parse", `syntax error: ${what}`, {
      file,
      line: bad.startPosition.row + 1,
      column: bad.startPosition.column + 1
    })
  }
  return { file, tree, root }
}

function firstError(n: Node): Node | undefined {
  if (n.type === "ERROR" || n.isMissing) return n
  for (const c of n.children) {
    if (c && (c.hasError || c.isMissing || c.type === "ERROR")) {
      const e = firstError(c)
      if (e) return e
    }
  }
  return undefined
}

const COMMENT_TYPES = new Set(["comment", "block_comment", "block_comment_text", "extramodular_text"])

/** Named children of a node, without comments. */
export function namedKids(n: Node): Node[] {
  const out: Node[] = []
  for (const c of n.namedChildren) if (c && !COMMENT_TYPES.has(c.type)) out.push(c)
  return out
}
