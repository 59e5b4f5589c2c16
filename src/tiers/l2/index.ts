/** L2, the compressed in-memory tier. */
export { L2Store, DEFAULT_COMPRESS_THRESHOLD, DEFAULT_PROTECTED_RATIO } from "./l2-store.js"
export type { L2StoreOptions, L2Counters } from "./l2-store.js"
export { lz4Compressor, createLz4Compressor, pakoCompressor, zlibCompressor, createPakoCompressor, createPakoOneShotCompressor, createZlibCompressor, DEFAULT_DEFLATE_LEVEL } from "./compressors.js"
export { CorruptBlock } from "./corrupt-block.js"
