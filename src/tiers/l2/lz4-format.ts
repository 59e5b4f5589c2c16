/**
 * The block layout shared by the LZ4 encoder and decoder.
 *
 *   varint(uncompressed length)  then  an LZ4 block (the sequence format of the LZ4 spec)
 *
 * The length header is LEB128 (7 bits a byte, low bits first: 2 bytes for a 4 KiB value). It lets
 * the decoder allocate the output exactly once, and check at the end that the sequences produced
 * exactly that many bytes. The block after it is plain LZ4 (token, literals, 2-byte little-endian
 * offset, match length extension bytes), with the spec's end-of-block rules kept by the encoder.
 */

/** Shortest match LZ4 encodes (a match length nibble of 0 means 4 bytes). */
export const MIN_MATCH = 4
/** The last bytes of a block are always literals (LZ4 spec: at least 5). */
export const LAST_LITERALS = 5
/** A match must start at least this many bytes before the end of the input (LZ4 spec). */
export const MF_LIMIT = 12
/** Largest match offset a 2-byte field holds. */
export const MAX_OFFSET = 65535
/** Largest uncompressed length the header may declare (a Uint8Array of it must be allocatable). */
export const MAX_BLOCK_BYTES = 0x7fffffff
/** Longest header: 31 bits in 7-bit groups. */
export const MAX_HEADER_BYTES = 5

/**
 * Upper bound on the uncompressed size `n` compressed bytes can describe: each byte of a block
 * stands for at most 255 output bytes (a length extension byte), plus the 4 + 15 bytes a token can
 * add by itself. The decoder rejects a header above this before allocating, so a corrupt header
 * cannot ask for gigabytes.
 */
export function maxDecodedBytes(blockBytes: number): number {
  return blockBytes * 255 + 19
}

/** Largest encoding of `n` bytes (all literals, plus their length extension bytes and a header). */
export function maxEncodedBytes(n: number): number {
  return MAX_HEADER_BYTES + 1 + n + Math.ceil(n / 255) + 1
}
