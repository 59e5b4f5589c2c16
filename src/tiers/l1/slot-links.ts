/**
 * The pointer surgery of the queues L1 and its shadows keep over slot indices (lru-cache style:
 * `next` / `prev` typed arrays, no node objects). Each queue is a circular list whose head is a
 * sentinel slot numbered by the queue id, so `next[q]` is the queue's LRU end and `prev[q]` its MRU
 * end, and no operation needs an emptiness branch. The callers keep their own per-slot queue byte.
 */

/** Takes `slot` out of its queue (its own links are left stale: the caller relinks it at once). */
export function unlinkSlot(next: Int32Array, prev: Int32Array, slot: number): void {
  const p = prev[slot]
  const n = next[slot]
  next[p] = n
  prev[n] = p
}

/** Inserts an unlinked `slot` at the MRU end of queue `q`. */
export function linkSlotLast(next: Int32Array, prev: Int32Array, q: number, slot: number): void {
  const tail = prev[q]
  next[tail] = slot
  prev[slot] = tail
  next[slot] = q
  prev[q] = slot
}

/** Inserts an unlinked `slot` at the LRU end of queue `q`. */
export function linkSlotFirst(next: Int32Array, prev: Int32Array, q: number, slot: number): void {
  const head = next[q]
  prev[head] = slot
  next[slot] = head
  prev[slot] = q
  next[q] = slot
}
