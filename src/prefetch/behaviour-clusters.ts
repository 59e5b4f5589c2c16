/**
 * Online clustering of unlabelled agents by behaviour (a bounded, single-pass "leader" clustering).
 *
 * Each cluster keeps a centroid: the running mean of its members' normalised signatures. A newly
 * described agent joins the most similar centroid (cosine) when the similarity reaches
 * `minSimilarity`; otherwise it founds a new cluster, unless `maxClusters` exist already, in which
 * case it joins the nearest anyway. The centroid's running mean weighs at most `memory` members,
 * so a cluster follows slow drift in what its agents do instead of freezing on its first members.
 *
 * The engine gives every cluster its own shared model (a kind), so an agent that is clustered
 * learns from, and warm-starts with, the agents that behave like it.
 */
import { SIGNATURE_DIMS } from "./behaviour-signature.js"

export interface ClusterAssignment {
  /** Index of the cluster joined (or founded). */
  readonly cluster: number
  /** Cosine similarity to the cluster's centroid before joining (1 for a founder). */
  readonly similarity: number
  readonly founded: boolean
}

export class BehaviourClusters {
  private readonly centroids: Float64Array[] = []
  private readonly members: number[] = []

  constructor(
    readonly maxClusters: number,
    readonly minSimilarity: number,
    private readonly memory = 256,
  ) {}

  get size(): number {
    return this.centroids.length
  }

  /** Members assigned to cluster `i` so far. */
  membersOf(i: number): number {
    return this.members[i]
  }

  /** Bytes held by the centroids. */
  get byteSize(): number {
    return this.centroids.length * SIGNATURE_DIMS * 8
  }

  /** Assigns a normalised signature (see BehaviourSignature.normaliseInto) and updates the centroid. */
  assign(signature: Float64Array): ClusterAssignment {
    let best = -1
    let bestSim = -1
    for (let c = 0; c < this.centroids.length; c++) {
      const sim = cosine(this.centroids[c], signature)
      if (sim > bestSim) {
        bestSim = sim
        best = c
      }
    }
    if (best < 0 || (bestSim < this.minSimilarity && this.centroids.length < this.maxClusters)) {
      this.centroids.push(Float64Array.from(signature))
      this.members.push(1)
      return { cluster: this.centroids.length - 1, similarity: 1, founded: true }
    }
    const centroid = this.centroids[best]
    const n = Math.min(++this.members[best], this.memory)
    for (let i = 0; i < SIGNATURE_DIMS; i++) centroid[i] += (signature[i] - centroid[i]) / n
    return { cluster: best, similarity: bestSim, founded: false }
  }
}

/** Cosine similarity; the centroid is a mean of unit vectors, so it is re-normalised here. */
function cosine(centroid: Float64Array, unit: Float64Array): number {
  let dot = 0
  let norm = 0
  for (let i = 0; i < SIGNATURE_DIMS; i++) {
    dot += centroid[i] * unit[i]
    norm += centroid[i] * centroid[i]
  }
  return norm === 0 ? 0 : dot / Math.sqrt(norm)
}
