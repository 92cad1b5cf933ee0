import type { Outcome } from './ratios.js'

/**
 * Merges the outcomes of several rounds (`BENCH_ROUNDS`) into one outcome per target and
 * path, in the order each (target, path) was first seen:
 *
 * - a failure in any round wins (the first one seen): a failure still fails the run;
 * - otherwise the round whose measurement has the median `requestsPerSecond` is kept
 *   whole (its p50 and p99 with it); for an even count, the lower of the two middle ones;
 * - a (target, path) that was only ever skipped stays skipped (the first skip seen); rounds
 *   that skipped it do not count towards the median of the rounds that measured it.
 *
 * With one round it returns the outcomes as they are.
 *
 * @example
 * // `measurement` is any Measurement; only requestsPerSecond differs between rounds.
 * const at = (requestsPerSecond: number): Outcome => ({
 *   target: targetById('node-http'),
 *   measurement: { ...measurement, requestsPerSecond },
 * })
 * medianOutcomes([at(900), at(1200), at(1000)]) // [at(1000)]: the median round
 * medianOutcomes([at(900), at(1200)]) // [at(900)]: the lower middle of an even count
 */
export function medianOutcomes(outcomes: readonly Outcome[]): Outcome[] {
  // A Map keeps its keys in insertion order: the first-seen order of target and path.
  const groups = new Map<string, Outcome[]>()
  for (const outcome of outcomes) {
    const key = `${outcome.target.id}\u0000${outcome.phase ?? 'read'}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [outcome])
    else group.push(outcome)
  }
  return [...groups.values()].map(median)
}

/** The merged outcome of one target and path; `group` is never empty. */
function median(group: readonly Outcome[]): Outcome {
  const failure = group.find((o) => 'failure' in o)
  if (failure !== undefined) return failure
  const measured = group
    .filter((o) => 'measurement' in o)
    .sort((a, b) => a.measurement.requestsPerSecond - b.measurement.requestsPerSecond)
  // The lower middle for an even count (index 1 of 4, index 0 of 2): of two equally
  // central rounds, report the slower one rather than a flattering ratio.
  return measured[Math.floor((measured.length - 1) / 2)] ?? (group[0] as Outcome)
}
