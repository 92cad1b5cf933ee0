import { type SessionHeaders, writeSessionHeaders } from '@tessera/core/adapter'

/**
 * The session's headers on a response that `@hono/node-server` can still send from its
 * plain-object fast path, or `undefined` when `res` is not such a response.
 *
 * `@hono/node-server` replaces the global `Response` with a lightweight class that keeps
 * `[status, body, headers]` under a private symbol while the headers are a plain object
 * (what Hono's `c.json()`, `c.text()` and `c.html()` build), and writes them to Node
 * without building Web `Headers`. Reading `res.headers` turns them into `Headers` for
 * good, which costs that path (≈9–12 µs of server CPU per response on the bench's
 * machine, the largest single item of Tessera on Hono). So, for such a response only,
 * the headers are copied into a fresh plain object, the session's are written there, and
 * a new response of the same class is built from the same status, body and that object.
 * It is a whole response, not an edit of the old one's cache: whatever reads it after
 * the session middleware (`headers`, `clone()`, `body`) sees the session's headers, and
 * nothing shared with the handler (a headers object it reuses) is changed.
 *
 * `undefined` (the caller edits `res.headers`) when the response is of another class,
 * its headers are already `Headers`, a tuple list or hold a non-string value, or the
 * writes need one header twice (two `Set-Cookie`): a plain object holds one string per
 * name. A custom `statusText`, which the lightweight class keeps out of reach and
 * `@hono/node-server` never writes, is not carried over.
 */
export function withSessionHeaders(res: Response, owed: SessionHeaders): Response | undefined {
  const cached = lightweightParts(res)
  if (cached === undefined) return undefined
  const [status, body, headers] = cached
  const copy: Record<string, string> = {}
  if (headers === undefined) {
    if (body !== null) copy['content-type'] = DEFAULT_CONTENT_TYPE
  } else {
    for (const name in headers) {
      const value = headers[name]
      // `__proto__` would set the copy's prototype, not a header.
      if (typeof value !== 'string' || name === '__proto__') return undefined
      copy[name] = value
    }
  }
  const writer = new PlainHeaderWriter(copy)
  writeSessionHeaders(writer, owed)
  if (writer.unfit) return undefined
  if (!writer.written) return res
  const Lightweight = res.constructor as new (body: unknown, init: ResponseInit) => Response
  return new Lightweight(body, { status, headers: copy })
}

/** `@hono/node-server`'s default for a body without headers (its `defaultContentType`). */
const DEFAULT_CONTENT_TYPE = 'text/plain; charset=UTF-8'

/** The symbol `@hono/node-server` keeps its cache under, found on the first such response. */
let cacheSymbol: symbol | undefined

/** `[status, body, headers]` of a lightweight response whose headers are a plain object. */
function lightweightParts(
  res: Response,
): [number, unknown, Record<string, unknown> | undefined] | undefined {
  // A native `Response` (its class extends nothing) is never one: no symbol search.
  if (Object.getPrototypeOf(res.constructor) === Function.prototype) return undefined
  const symbol = cacheSymbol ?? findCacheSymbol(res)
  if (symbol === undefined) return undefined
  const cache = (res as unknown as Record<symbol, unknown>)[symbol]
  if (!Array.isArray(cache) || cache.length !== 3) return undefined
  const [status, body, headers] = cache as [unknown, unknown, unknown]
  if (typeof status !== 'number') return undefined
  if (headers === undefined) return [status, body, undefined]
  if (typeof headers !== 'object' || headers === null) return undefined
  const proto = Object.getPrototypeOf(headers)
  if (proto !== Object.prototype && proto !== null) return undefined
  return [status, body, headers as Record<string, unknown>]
}

function findCacheSymbol(res: Response): symbol | undefined {
  for (const symbol of Object.getOwnPropertySymbols(res)) {
    if (symbol.description === 'cache' && Array.isArray((res as never)[symbol])) {
      cacheSymbol = symbol
      return symbol
    }
  }
  return undefined
}

/** What the Fetch standard's header value normalization strips from both ends. */
const HTTP_WHITESPACE_ENDS = /^[\t\n\r ]+|[\t\n\r ]+$/g

/** The core's header operations over a plain object, names matched without case. */
class PlainHeaderWriter {
  /**
   * Set when a name is written that the object holds under two keys, or appended to
   * itself: one string per name cannot say that.
   */
  unfit = false
  /** Set by any write. */
  written = false
  constructor(private readonly headers: Record<string, string>) {}

  /** The value as Web `Headers` would give it: without leading or trailing whitespace. */
  get(name: string): string | undefined {
    const key = this.keyOf(name)
    return key === undefined ? undefined : this.headers[key]?.replace(HTTP_WHITESPACE_ENDS, '')
  }

  set(name: string, value: string): void {
    const key = this.keyOf(name)
    if (key !== undefined) delete this.headers[key]
    this.headers[name] = value
    this.written = true
  }

  append(name: string, value: string): void {
    if (this.keyOf(name) !== undefined) this.unfit = true
    else this.headers[name] = value
    this.written = true
  }

  /** The key holding `name`; two keys holding it (`Vary` and `vary`) make the object unfit. */
  private keyOf(name: string): string | undefined {
    const lower = name.toLowerCase()
    let found: string | undefined
    for (const key in this.headers) {
      if (key.length !== lower.length || key.toLowerCase() !== lower) continue
      if (found !== undefined) this.unfit = true
      found = key
    }
    return found
  }
}
