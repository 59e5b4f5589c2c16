/**
 * The evaluator against hand-computed results. Each expression is evaluated on its own (in a module
 * that EXTENDS Naturals, Integers, FiniteSets, Sequences, TLC) and printed the way TLC prints
 * values, so expectations read like TLA+.
 */
import { describe, expect, it } from "vitest"
import { CheckerError, EvalError } from "../src/errors.js"
import { evaluateConstant } from "../src/evaluate.js"
import { formatValue, ModelValue, valueEquals } from "../src/values.js"

const show = async (expr: string, definitions?: string) => formatValue(await evaluateConstant(expr, { definitions }))
const truth = async (expr: string) => expect(await evaluateConstant(expr)).toBe(true)

describe("integers", () => {
  it("\\div floors and % stays in 0..b-1, also for negative numbers", async () => {
    expect(await show("<<7 \\div 2, (-7) \\div 2, (-1) \\div 2, 7 % 3, (-7) % 3, (-1) % 2, 0 % 5>>")).toBe("<<3, -4, -1, 1, 2, 1, 0>>")
    // \div binds tighter than unary minus (precedence 13 vs 12), % looser (10).
    expect(await show("<<-7 \\div 2, -7 % 3>>")).toBe("<<-3, 2>>")
    await truth("\\A x \\in -9..9 : (x \\div 4) * 4 + (x % 4) = x")
  })
  it("arithmetic, comparison, ranges", async () => {
    expect(await show("<<2 + 3 * 4, (2 + 3) * 4, 2 ^ 10, -(3 - 5), 3 - 5>>")).toBe("<<14, 20, 1024, 2, -2>>")
    expect(await show("3..6")).toBe("{3, 4, 5, 6}")
    expect(await show("5..4")).toBe("{}")
    await truth("1 < 2 /\\ 2 <= 2 /\\ 3 > 2 /\\ 3 >= 3 /\\ ~(1 > 2)")
  })
  it("division by zero and a non-positive modulus are errors with a location", async () => {
    await expect(evaluateConstant("1 \\div 0")).rejects.toBeInstanceOf(EvalError)
    await expect(evaluateConstant("1 % 0")).rejects.toThrow(/modulus must be positive/)
  })
})

describe("sets", () => {
  it("literals are sets: order and duplicates do not matter", async () => {
    expect(await show("{3, 1, 2, 1}")).toBe("{1, 2, 3}")
    await truth("{1, 2} = {2, 1, 1}")
  })
  it("union, intersection, difference, subset, membership", async () => {
    expect(await show("{1, 2} \\cup {2, 3}")).toBe("{1, 2, 3}")
    expect(await show("{1, 2} \\union {5}")).toBe("{1, 2, 5}")
    expect(await show("{1, 2, 3} \\cap {2, 3, 4}")).toBe("{2, 3}")
    expect(await show("{1, 2, 3} \\intersect 2..9")).toBe("{2, 3}")
    expect(await show("{1, 2, 3} \\ {2}")).toBe("{1, 3}")
    await truth("{1, 2} \\subseteq {1, 2, 3} /\\ ~({1, 4} \\subseteq {1, 2, 3})")
    await truth("2 \\in {1, 2} /\\ 3 \\notin {1, 2} /\\ 4 \\in Nat /\\ -4 \\in Int /\\ -4 \\notin Nat")
  })
  it("SUBSET, UNION, Cardinality", async () => {
    expect(await show("SUBSET {1, 2}")).toBe("{{}, {1}, {2}, {1, 2}}")
    expect(await show("UNION {{1, 2}, {2, 3}, {}}")).toBe("{1, 2, 3}")
    expect(await show("Cardinality(SUBSET (1..4))")).toBe("16")
    await truth("{1, 3} \\in SUBSET (1..3) /\\ ~({1, 4} \\in SUBSET (1..3))")
  })
  it("comprehension {e : x \\in S} and filter {x \\in S : p}", async () => {
    expect(await show("{x * x : x \\in -2..2}")).toBe("{0, 1, 4}")
    expect(await show("{x + y : x \\in 1..2, y \\in {10, 20}}")).toBe("{11, 12, 21, 22}")
    expect(await show("{x \\in 1..10 : x % 3 = 0}")).toBe("{3, 6, 9}")
    expect(await show("{<<a, b>> \\in (1..2) \\X (1..2) : a < b}")).toBe("{<<1, 2>>}")
  })
})

describe("quantifiers and CHOOSE", () => {
  it("\\A and \\E, including several bound variables and empty sets", async () => {
    await truth("\\A x \\in 1..5 : x > 0")
    await truth("~(\\A x \\in 1..5 : x > 1)")
    await truth("\\E x, y \\in 1..3 : x + y = 6")
    await truth("~(\\E x \\in {} : TRUE) /\\ (\\A x \\in {} : FALSE)")
  })
  it("CHOOSE picks the unique witness", async () => {
    expect(await show("CHOOSE x \\in 1..10 : x * x = 49")).toBe("7")
    expect(await show("CHOOSE m \\in {3, 9, 4} : \\A s \\in {3, 9, 4} : s <= m")).toBe("9")
  })
  it("CHOOSE warns when several strings or model values satisfy it (TLC may pick another)", async () => {
    const warnings: string[] = []
    const onWarning = (m: string) => warnings.push(m)
    expect(await evaluateConstant('CHOOSE x \\in {"b", "a"} : TRUE', { onWarning })).toBe("a")
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^Expr\.tla:5:11: CHOOSE has several witnesses/)
    await evaluateConstant('CHOOSE x \\in {"b", "a"} : x = "b"', { onWarning })
    await evaluateConstant("CHOOSE x \\in 1..5 : x > 2", { onWarning })
    expect(warnings).toHaveLength(1)
  })
  it("CHOOSE without a witness is an error", async () => {
    await expect(evaluateConstant("CHOOSE x \\in 1..3 : x > 5")).rejects.toThrow(/CHOOSE found no element/)
  })
})

describe("IF, CASE, LET", () => {
  it("IF/THEN/ELSE and CASE with OTHER", async () => {
    expect(await show("IF 1 < 2 THEN \"yes\" ELSE \"no\"")).toBe('"yes"')
    expect(await show("CASE 1 > 2 -> 1 [] 2 > 1 -> 2 [] OTHER -> 3")).toBe("2")
    expect(await show("CASE 1 > 2 -> 1 [] OTHER -> 3")).toBe("3")
    await expect(evaluateConstant("CASE 1 > 2 -> 1")).rejects.toThrow(/no CASE arm/)
  })
  it("LET with constants, operators with parameters, and shadowing", async () => {
    expect(await show("LET a == 2 b(x) == x * a IN b(5) + a")).toBe("12")
    expect(await show("LET sq(x) == x * x IN {sq(x) : x \\in 1..3}")).toBe("{1, 4, 9}")
    expect(await show("LET x == 1 IN LET x2 == x + 1 IN <<x, x2>>")).toBe("<<1, 2>>")
  })
  it("RECURSIVE operators", async () => {
    const defs = "RECURSIVE Fact(_)\nFact(n) == IF n = 0 THEN 1 ELSE n * Fact(n - 1)"
    expect(await show("Fact(6)", defs)).toBe("720")
  })
  it("a LET definition is evaluated only when used (a guard can protect it)", async () => {
    expect(await show("LET f == <<1>> v == f[2] IN IF 2 \\in DOMAIN f THEN v ELSE 0")).toBe("0")
  })
})

describe("functions and records", () => {
  it("constructors, application, DOMAIN", async () => {
    expect(await show("[x \\in {\"a\", \"b\"} |-> 0]")).toBe('[a |-> 0, b |-> 0]')
    expect(await show("[x \\in 1..3 |-> x * 2][3]")).toBe("6")
    expect(await show("DOMAIN [x \\in {5, 7} |-> x]")).toBe("{5, 7}")
    expect(await show("[x \\in 5..6 |-> x]")).toBe("(5 :> 5 @@ 6 :> 6)")
  })
  it("a function over 1..n is the tuple of its values; a record is a function over strings", async () => {
    await truth("[i \\in 1..2 |-> 2 - i] = <<1, 0>>")
    await truth("[k \\in {\"enq\", \"drops\"} |-> 0] = [drops |-> 0, enq |-> 0]")
    await truth("[a |-> 1, b |-> 2] = [b |-> 2, a |-> 1]")
    await truth("[x \\in {} |-> 1] = <<>>")
  })
  it("EXCEPT with @, several clauses, nested paths, records", async () => {
    expect(await show("[<<1, 2, 3>> EXCEPT ![2] = @ * 10]")).toBe("<<1, 20, 3>>")
    expect(await show("[[a |-> 1, b |-> 2] EXCEPT !.a = @ + 1, !.b = 0]")).toBe("[a |-> 2, b |-> 0]")
    expect(await show("[[i \\in 1..2 |-> [j \\in 1..2 |-> 0]] EXCEPT ![2][1] = 7]")).toBe("<<<<0, 0>>, <<7, 0>>>>")
    expect(await show("[<<[f |-> 1], [f |-> 2]>> EXCEPT ![1].f = @ + 5]")).toBe("<<[f |-> 6], [f |-> 2]>>")
    expect(await show("[[a |-> 1, b |-> 2] EXCEPT !.a = 5, !.a = @ + 1]")).toBe("[a |-> 6, b |-> 2]")
  })
  it("EXCEPT on a key outside the domain leaves the function unchanged", async () => {
    expect(await show("[<<1, 2>> EXCEPT ![5] = 0]")).toBe("<<1, 2>>")
  })
  it("[S -> T] and record sets, enumerated and as membership tests", async () => {
    expect(await show("Cardinality([1..3 -> {0, 1}])")).toBe("8")
    expect(await show("[{\"x\"} -> 1..2]")).toBe("{[x |-> 1], [x |-> 2]}")
    expect(await show("[a : {1, 2}, b : {TRUE}]")).toBe("{[a |-> 1, b |-> TRUE], [a |-> 2, b |-> TRUE]}")
    await truth("<<0, 1, 1>> \\in [1..3 -> {0, 1}] /\\ ~(<<0, 2>> \\in [1..2 -> {0, 1}])")
    await truth("[b |-> TRUE, a |-> 1] \\in [a : 1..5, b : BOOLEAN] /\\ ~([a |-> 1] \\in [a : 1..5, b : BOOLEAN])")
  })
  it("applying a function outside its domain is an error naming the value", async () => {
    await expect(evaluateConstant("<<1, 2>>[3]")).rejects.toThrow(/3 is not in the domain/)
    await expect(evaluateConstant("[a |-> 1].b")).rejects.toThrow(/no field b/)
  })
  it(":> and @@ from TLC", async () => {
    expect(await show("(1 :> \"a\") @@ (2 :> \"b\") @@ (1 :> \"c\")")).toBe('<<"a", "b">>')
  })
})

describe("sequences", () => {
  it("Append, Head, Tail, Len, \\o, SubSeq (including empty ranges)", async () => {
    expect(await show("Append(<<1, 2>>, 3)")).toBe("<<1, 2, 3>>")
    expect(await show("<<Head(<<4, 5>>), Len(<<4, 5, 6>>), Len(<<>>)>>")).toBe("<<4, 3, 0>>")
    expect(await show("Tail(<<4, 5, 6>>)")).toBe("<<5, 6>>")
    expect(await show("<<1>> \\o <<2, 3>> \\o <<>>")).toBe("<<1, 2, 3>>")
    expect(await show("SubSeq(<<1, 2, 3, 4>>, 2, 3)")).toBe("<<2, 3>>")
    expect(await show("SubSeq(<<1, 2, 3>>, 4, 3)")).toBe("<<>>")
  })
  it("Seq(S) membership", async () => {
    await truth("<<1, 2, 1>> \\in Seq({1, 2}) /\\ <<>> \\in Seq({}) /\\ ~(<<3>> \\in Seq({1, 2}))")
  })
  it("Head and Tail of the empty sequence are errors", async () => {
    await expect(evaluateConstant("Head(<<>>)")).rejects.toThrow(/Head of the empty sequence/)
    await expect(evaluateConstant("Tail(<<>>)")).rejects.toThrow(/Tail of the empty sequence/)
  })
})

describe("model values and equality across kinds", () => {
  it("a model value equals only itself; = with an integer is FALSE", async () => {
    const none = ModelValue.of("None")
    expect(await evaluateConstant("None = None", { constants: { None: none } })).toBe(true)
    expect(await evaluateConstant("None = 0", { constants: { None: none } })).toBe(false)
    expect(await evaluateConstant("{None, 1} = {1, None}", { constants: { None: none } })).toBe(true)
    expect(valueEquals(none, ModelValue.of("Other"))).toBe(false)
  })
  it("comparing an integer with a string is an error, as in TLC", async () => {
    await expect(evaluateConstant("1 = \"a\"")).rejects.toThrow(/cannot compare/)
  })
  it("type errors name the expected kind", async () => {
    await expect(evaluateConstant("1 + TRUE")).rejects.toThrow(/expected an integer/)
    await expect(evaluateConstant("1 \\in 2")).rejects.toThrow(/expected a set/)
  })
})

describe("unsupported constructs fail at compile time with line:column", () => {
  it("unbounded \\E", async () => {
    const err = await evaluateConstant("\\E x : x = 1").catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CheckerError)
    expect((err as CheckerError).message).toMatch(/^Expr\.tla:5:\d+: unbounded quantifiers/)
  })
  it("ENABLED and temporal operators", async () => {
    await expect(evaluateConstant("ENABLED TRUE")).rejects.toThrow(/Expr\.tla:5:\d+: unsupported operator/)
  })
  it("unknown identifiers", async () => {
    await expect(evaluateConstant("Foo + 1")).rejects.toThrow(/Expr\.tla:5:11: unknown identifier Foo/)
  })
})
