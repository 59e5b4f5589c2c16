/** Values: key validation, the stored form (serialize / deserialize) and deep freezing. */
export { checkKey, validateKey, DEFAULT_MAX_KEY_LENGTH } from "./key.js"
export { serializeValue, deserializeValue, TAG_JSON, TAG_BYTES, TAG_PACKED, DEFAULT_MAX_ENTRY_BYTES } from "./serialize.js"
export { deepFreeze } from "./freeze.js"
