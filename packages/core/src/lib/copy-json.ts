/**
 * A deep copy of a JSON value — plain objects, arrays, strings, finite numbers, booleans
 * and `null`, as `JSON.parse` builds them — equal to `JSON.parse(JSON.stringify(value))`
 * without the text in between (several times faster for a session record). A
 * `"__proto__"` key stays an own data property, as `JSON.parse` keeps it. Values that
 * are not JSON (a `Date`, `undefined`, `NaN`) are not normalised: pass only JSON.
 *
 * @example
 * ```ts
 * const stored = JSON.parse(JSON.stringify(record)) // once, when it is written
 * return copyJson(stored) // on every read
 * ```
 */
export function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(copyJson) as T
  const out: Record<string, unknown> = {}
  const source = value as Record<string, unknown>
  for (const key of Object.keys(source)) {
    const copied = copyJson(source[key])
    if (key === '__proto__') {
      Object.defineProperty(out, key, {
        value: copied,
        enumerable: true,
        writable: true,
        configurable: true,
      })
    } else out[key] = copied
  }
  return out as T
}
