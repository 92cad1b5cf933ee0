/**
 * Freezes a JSON value — plain objects and arrays, as `JSON.parse` builds them — and
 * everything inside it, then returns it. Once frozen, the value can be handed to any
 * number of readers: an assignment to it throws in strict code (every ES module) and
 * changes nothing.
 *
 * @example
 * ```ts
 * const held = freezeJson(JSON.parse(JSON.stringify(record))) // once, when it is written
 * return held // to every reader that promised not to change it
 * ```
 */
export function freezeJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value
  for (const inner of Object.values(value)) freezeJson(inner)
  return Object.freeze(value)
}
