/**
 * Exact LRU with a fixed entry count, as the traces README computes its LRU column: a Map kept in
 * recency order (delete + set moves a key to the end; the first key is the LRU). Used only as a
 * check that the replay harness and capacities match ANCHORS.md.
 */
export function lruHits(keys: readonly string[], capacity: number): number {
  const order = new Map<string, true>()
  let hits = 0
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]
    if (order.delete(k)) hits++
    else if (order.size >= capacity) order.delete(order.keys().next().value as string)
    order.set(k, true)
  }
  return hits
}
