/**
 * The packed stored form of a JSON-like value (tag `TAG_PACKED`): what every tier below L1 holds.
 *
 * Why not JSON text: an L2 hit must hand back a value, and `JSON.parse` alone takes ~10.7 µs on a
 * 4 KiB agent state (bench/l2l3), over the whole L2-hit budget (< 10 µs p95). Most of that time goes
 * into re-reading every property name of every object and building each string separately. The
 * packed form removes both:
 * - **shapes**: each distinct key list of the value's objects is written once (as the JSON text of
 *   the key array); an object is then its shape's index followed by its property values, and it is
 *   rebuilt by a constructor compiled for the shape (`shape-builders.ts`), which V8 runs like an
 *   object literal;
 * - **one string pool**: every string's text is stored back to back in one UTF-8 run, decoded with
 *   a single call; each string is then a `substring` of the pool (for 13+ characters V8 makes a
 *   slice that shares the pool's memory instead of copying).
 *
 * Layout (varints are unsigned LEB128):
 *
 *   byte 0         TAG_PACKED
 *   byte 1         flags: FLAG_ASCII_POOL when every pool byte is < 0x80 (decoded as Latin-1)
 *   varint         pool length in bytes
 *   varint         shape count S
 *   S × varint     each shape's signature length, in UTF-16 code units
 *   pool           the shapes' signatures, then every string value in the order the body meets
 *                  them (UTF-8)
 *   body           one token for the value (below); containers are followed by their elements
 *
 * Tokens (one byte, then its payload):
 *   T_NULL, T_FALSE, T_TRUE
 *   T_INT          zigzag varint, for integers in the int32 range
 *   T_FLOAT        8 bytes, IEEE 754 little-endian (any other finite number)
 *   T_STRING       varint length in UTF-16 code units; the text is the pool's next that many units
 *   T_JSON_STRING  as T_STRING, but the pool holds the string's JSON text: used for strings that
 *                  are not well-formed UTF-16 (a lone surrogate), which UTF-8 cannot carry
 *   T_ARRAY        varint length, then that many values
 *   T_OBJECT       varint shape index, then one value per key of the shape, in the shape's order
 *
 * The encoding is deterministic (same value → same bytes), so L3's content addressing still
 * stores identical values once. Semantics are JSON's: what `serializeValue` accepts reads back as
 * `JSON.parse(JSON.stringify(value))` would (key order kept, `-0` → `0`).
 */

/** Flags bit: the pool is pure ASCII, so a Latin-1 decode of it is exact (and the fastest). */
export const FLAG_ASCII_POOL = 1

export const T_NULL = 0
export const T_FALSE = 1
export const T_TRUE = 2
export const T_INT = 3
export const T_FLOAT = 4
export const T_STRING = 5
export const T_JSON_STRING = 6
export const T_ARRAY = 7
export const T_OBJECT = 8
