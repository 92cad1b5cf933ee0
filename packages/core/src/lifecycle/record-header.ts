/**
 * One header of a Node-style header record (`req.headers` in Node, Express and
 * Fastify): the first of repeated values, `undefined` when absent. For
 * `RequestView.header`.
 *
 * @example
 * ```ts
 * const header = (name: string) => recordHeader(req.headers, name)
 * ```
 */
export function recordHeader(
  record: Readonly<Record<string, string | readonly string[] | undefined>>,
  name: string,
): string | undefined {
  const value = record[name.toLowerCase()]
  return typeof value === 'string' ? value : value?.[0]
}
