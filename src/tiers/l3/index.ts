/** L3, the verified disk tier. */
export { openL3, DEFAULT_COMPACT_RATIO, DEFAULT_L3_COMPRESS_THRESHOLD, DEFAULT_MIN_COMPACT_BYTES, DEFAULT_SYNC_READ_MAX_BYTES } from "./open.js"
export type { OpenL3Options } from "./open.js"
export { L3Store, LOG_FILE, COMPACT_FILE } from "./l3-store.js"
export type { L3Counters, L3Stats } from "./l3-store.js"
export { nodeFileSystem, isNotFound } from "./fs.js"
export type { L3FileSystem, L3FileHandle } from "./fs.js"
export { hashBytes, blobPath, BLOBS_DIR, QUARANTINE_DIR } from "./blob.js"
export { blake3Backend, blake3Ready } from "./blake3.js"
