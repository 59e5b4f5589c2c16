/**
 * Agent-id templates: keys that embed the agent's own id (`agent-17:scratch.py`) are generalised to
 * `{agent}:scratch.py` before the models see them, so a transition learnt on one agent
 * ("after `{agent}:plan` comes `{agent}:scratch.py`") applies to every other agent, including one
 * that has no history yet. Predictions made on templates are instantiated back for the agent that
 * will use them.
 */

/** The placeholder that stands for "the owning agent's id" inside a templated key. */
export const AGENT_PLACEHOLDER = "{agent}"

/**
 * Ids shorter than this are never templated: replacing a 1–2 character id (say `"7"`) would rewrite
 * unrelated digits inside keys.
 */
const MIN_TEMPLATED_ID_LENGTH = 3

/** Characters that may delimit an embedded agent id. */
function isDelimiter(code: number): boolean {
  // : / . _ - @ # space, or end of string (NaN from charCodeAt)
  return Number.isNaN(code) || code === 58 || code === 47 || code === 46 || code === 95 || code === 45 || code === 64 || code === 35 || code === 32
}

/**
 * Replaces every delimited occurrence of `agentId` in `key` by `{agent}`; returns `key` itself
 * (no allocation) when the id does not occur. An occurrence counts only when it is bounded by a
 * delimiter (or the string ends) on both sides, so `agent-1` does not match inside `agent-17`.
 */
export function generaliseKey(key: string, agentId: string): string {
  if (agentId.length < MIN_TEMPLATED_ID_LENGTH) return key
  let at = key.indexOf(agentId)
  if (at < 0) return key
  let out = ""
  let from = 0
  while (at >= 0) {
    const end = at + agentId.length
    const bounded = (at === 0 || isDelimiter(key.charCodeAt(at - 1))) && isDelimiter(key.charCodeAt(end))
    if (bounded) {
      out += key.slice(from, at) + AGENT_PLACEHOLDER
      from = end
      at = key.indexOf(agentId, end)
    } else {
      at = key.indexOf(agentId, at + 1)
    }
  }
  return from === 0 ? key : out + key.slice(from)
}

/** True when `template` holds the agent placeholder (and so must be instantiated per agent). */
export function isAgentTemplate(template: string): boolean {
  return template.includes(AGENT_PLACEHOLDER)
}

/** The concrete key of `template` for `agentId` (the inverse of {@link generaliseKey}). */
export function instantiateKey(template: string, agentId: string): string {
  return template.includes(AGENT_PLACEHOLDER) ? template.replaceAll(AGENT_PLACEHOLDER, agentId) : template
}
