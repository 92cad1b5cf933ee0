/**
 * The two request counts of an instruction measurement from the environment variable
 * `name` (`"4000,16000"`): two whole numbers, the first smaller. Exits with a message
 * naming the variable otherwise.
 *
 * @example
 * ```ts
 * const [fewer, more] = requestCounts('BENCH_INSTRUCTION_COUNTS')
 * ```
 */
export function requestCounts(name: string, fallback = '4000,16000'): [number, number] {
  const counts = (process.env[name] ?? fallback).split(',').map(Number)
  const [fewer, more] = counts
  if (
    counts.length !== 2 ||
    fewer === undefined ||
    more === undefined ||
    !counts.every((n) => Number.isInteger(n) && n >= 0) ||
    fewer >= more
  ) {
    console.error(`${name} must be two whole numbers, the first smaller: "${fallback}"`)
    process.exit(2)
  }
  return [fewer, more]
}
