/** What the paired slices of one goal gave: each pair's ratio, and their median. */
export interface PairedRatios {
  /** `target / baseline` req/s of each pair of adjacent slices, in the order measured. */
  pairs: number[]
  /** The median pair ratio; for an even count, the lower of the two middle ones. */
  median: number
}

/**
 * The ratios of paired slices: slice `i` of the target against slice `i` of the baseline,
 * which ran right next to it (a few seconds apart), so a slow minute of a shared machine
 * lands on both sides of a pair instead of on one target of a long run. The median of the
 * pairs is reported; for an even count the lower middle (never the flattering one).
 * Throws when the two lists differ in length or are empty (a bug in the caller).
 *
 * @example
 * ```ts
 * pairedRatios([900, 1000, 1100], [1000, 1000, 1000]) // { pairs: [0.9, 1, 1.1], median: 1 }
 * ```
 */
export function pairedRatios(target: readonly number[], baseline: readonly number[]): PairedRatios {
  if (target.length !== baseline.length || target.length === 0) {
    throw new Error(`pairedRatios: ${target.length} target and ${baseline.length} baseline slices`)
  }
  const pairs = target.map((rate, i) => rate / (baseline[i] as number))
  const sorted = [...pairs].sort((a, b) => a - b)
  return { pairs, median: sorted[Math.floor((sorted.length - 1) / 2)] as number }
}
