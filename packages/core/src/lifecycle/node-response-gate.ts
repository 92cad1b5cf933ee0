import type { HeaderWriter } from '../http/write-session-headers.js'
import { writeSessionHeaders } from '../http/write-session-headers.js'
import type { FinishedRequest, RequestScope } from './request-scope.js'
import { writeResponse } from './write-response.js'

/**
 * The part of Node's `http.NodeResponse` the gate uses, typed here so the core needs
 * no `node:` import: Express's `res`, or any connect-style framework's.
 */
export interface NodeResponse {
  statusCode: number
  readonly headersSent: boolean
  getHeader(name: string): number | string | readonly string[] | undefined
  setHeader(name: string, value: number | string | readonly string[]): unknown
  appendHeader(name: string, value: string | readonly string[]): unknown
  removeHeader(name: string): void
  getHeaderNames(): string[]
  writeHead(...args: never[]): unknown
  write(...args: never[]): unknown
  end(...args: never[]): unknown
  flushHeaders(): void
  destroy(error?: Error): unknown
}

type Writer = (...args: unknown[]) => unknown
const METHODS = ['writeHead', 'write', 'end', 'flushHeaders'] as const
type Method = (typeof METHODS)[number]

/** One response's gate: the request's scope, the real methods, and the calls held while saving. */
export interface NodeResponseGate {
  readonly scope: RequestScope
  readonly next: (error?: unknown) => void
  readonly original: Readonly<Record<Method, Writer>>
  /** `'saving'`: `scope.finish` is under way and the response's calls are queued. */
  phase: 'open' | 'saving'
  readonly queue: Array<[Method, unknown[]]>
  /**
   * The error the framework's error path took the request with, once the adapter saw
   * it (`undefined` until then): the response the gate holds next is that error's
   * answer, so `scope.finish` gets the error and nothing is saved (a `StoreError`
   * still becomes the `503`).
   */
  thrown: unknown
}

// Each response's gate, beside it rather than on it: Express swaps the prototype of
// every response, and V8 then pays several µs for each property added to the object.
// An entry goes as soon as its gate is released (the response's calls go through from
// then on): a WeakMap entry left for the garbage collector costs more than the whole
// gate (measured with `npm run bench:instructions`: about 120,000 instructions per
// Express request, a quarter of bare Express). Only a response its handler never writes
// keeps its entry until the response itself is collected.
const gates = new WeakMap<object, NodeResponseGate>()
// Objects whose writeHead/write/end/flushHeaders were replaced by gated ones.
const hosts = new WeakSet<object>()

/**
 * The gate {@link gateNodeResponse} put on this response while it still holds the
 * response's first write, if any: an error handler ends the request through its `scope`.
 * Once the gate is released (the session's headers applied, or the answer replaced) the
 * response has none any more: its headers are on their way and its calls go through.
 *
 * @example
 * ```ts
 * const gate = nodeResponseGate(res)
 * if (gate) await sendNodeResponse(res, gate.scope.finish({ error }) as Response)
 * ```
 */
export function nodeResponseGate(res: NodeResponse): NodeResponseGate | undefined {
  return gates.get(res)
}

/**
 * Sends a core-built `Response` (its status, headers and body) on a Node response.
 *
 * @example
 * ```ts
 * await sendNodeResponse(res, unauthenticatedResponse())
 * ```
 */
export async function sendNodeResponse(res: NodeResponse, response: Response): Promise<void> {
  const target = {
    status: (code: number) => {
      res.statusCode = code
    },
    header: (name: string, value: string | string[]) => res.setHeader(name, value),
  }
  res.end(...([await writeResponse(response, target)] as never[]))
}

/**
 * Holds a Node response until the request's session is saved (`scope.finish`), for
 * connect-style frameworks such as Express. Express has no "after the handler"
 * hook and `writeHead` is synchronous while saving is not, so — as express-session does
 * with `res.end` — every path that sends headers (`writeHead`, `write`, `end`,
 * `flushHeaders`) is queued on its first call, `scope.finish` runs, its headers are
 * added while they can still change, and the calls are replayed in order. When nothing
 * needs the store (most requests only read), nothing is held. A replacement (the `503`)
 * is sent instead; an error that is not Tessera's goes to Express's `next(err)`. Once
 * the adapter records an error on the gate (`thrown`), the response it holds is that
 * error's answer and is sent without saving, whatever its status.
 *
 * The gated methods go on the prototype just below the one that defines `writeHead`
 * (Node's `ServerResponse.prototype`): under Express that is Express's own response
 * prototype, shared by every app of that Express copy, replaced once for the process. A
 * response no gate was put on goes straight through to Node's methods. Without such a
 * prototype (a plain `node:http` response), they go on the response itself.
 */
export function gateNodeResponse(
  res: NodeResponse,
  scope: RequestScope,
  next: (error?: unknown) => void,
): void {
  const host = hostOf(res)
  if (host === res) install(res)
  else prepareNodeResponseGate(host)
  const below = Object.getPrototypeOf(host) as Record<Method, Writer>
  // Named reads: the methods Node (or whatever wrapped Node's) answers with right now.
  const original = {
    writeHead: below.writeHead,
    write: below.write,
    end: below.end,
    flushHeaders: below.flushHeaders,
  }
  gates.set(res, { scope, next, original, phase: 'open', queue: [], thrown: undefined })
}

/**
 * Lets the response's calls through from now on, without saving: for an error handler
 * that answers through the gate's `scope` itself (a store that failed cannot save). The
 * gate goes with it.
 *
 * @example
 * ```ts
 * const gate = nodeResponseGate(res)
 * if (gate) {
 *   const answer = gate.scope.finish({ error })
 *   releaseNodeResponseGate(res)
 *   await sendNodeResponse(res, answer as Response)
 * }
 * ```
 */
export function releaseNodeResponseGate(res: NodeResponse): void {
  const gate = gates.get(res)
  if (gate !== undefined) release(res, gate)
}

/**
 * Lets the response's calls through from now on, and forgets the gate: a held call
 * replays through `gate.original`, a later one finds no gate and goes to the method
 * below the gated one. A handler may still end a response whose client left; its gate
 * stays until then, and its session is saved as usual.
 */
function release(res: NodeResponse, gate: NodeResponseGate): void {
  if (gates.get(res) === gate) gates.delete(res)
}

/**
 * Puts the gated methods on `prototype` now, before any request: Express's own response
 * prototype (`express.response`), which {@link gateNodeResponse} would otherwise find and
 * change on the first gated request. A middleware registered before the session's that
 * wraps `res.end` takes the method it finds at that moment; done at startup, the very
 * first request's wrapper already takes the gated one. A prototype that defines one of
 * the four methods itself is left alone (responses are then gated one by one).
 *
 * @example
 * ```ts
 * import express from 'express'
 * prepareNodeResponseGate(express.response)
 * ```
 */
export function prepareNodeResponseGate(prototype: object): void {
  if (hosts.has(prototype) || METHODS.some((m) => Object.hasOwn(prototype, m))) return
  install(prototype)
  hosts.add(prototype)
}

/**
 * Where the gated methods go for `res`: the last object of its prototype chain before
 * the one that defines `writeHead` (Node's), when that object is a prototype that
 * defines none of the four methods itself (or already carries the gated ones); else `res`.
 */
function hostOf(res: NodeResponse): object {
  let host: object = res
  let next = Object.getPrototypeOf(res) as object | null
  while (next !== null) {
    if (hosts.has(next)) return next
    if (Object.hasOwn(next, 'writeHead')) break
    host = next
    next = Object.getPrototypeOf(next) as object | null
  }
  if (next === null || host === res) return res
  return METHODS.some((m) => Object.hasOwn(host, m)) ? res : host
}

function install(host: object): void {
  const methods = host as Record<Method, Writer>
  methods.writeHead = gated(host, 'writeHead')
  methods.write = gated(host, 'write')
  methods.end = gated(host, 'end')
  methods.flushHeaders = gated(host, 'flushHeaders')
}

/** The gated `method` for responses whose chain passes `host`. */
function gated(host: object, method: Method): Writer {
  return function (this: NodeResponse, ...args: unknown[]): unknown {
    const gate = gates.get(this)
    // No gate: none was put on this response, or it was released (and forgotten).
    if (gate === undefined) {
      return (Object.getPrototypeOf(host) as Record<Method, Writer>)[method].apply(this, args)
    }
    if (method === 'writeHead') setHeadersNow(this, args)
    const out = hold(this, gate, method, args)
    // true: a piping stream must not wait for a 'drain' that a held response never emits.
    return method === 'write' ? (out ?? true) : method === 'flushHeaders' ? undefined : this
  }
}

/**
 * Headers passed to `writeHead` would overwrite the session's on replay: set them now
 * and take them out of the call. Node takes them as an object, as a flat array
 * `[name, value, …]` or as `[name, value]` pairs. Each form replaces the headers it
 * names; an array keeps its own repeats (`Vary` twice is one `Vary` of both values), as
 * Node sends an array given to a response with no earlier header.
 */
function setHeadersNow(res: NodeResponse, args: unknown[]): void {
  const last = args[args.length - 1]
  if (args.length < 2 || typeof last !== 'object' || last === null) return
  if (!Array.isArray(last)) {
    args.pop()
    for (const [name, value] of Object.entries(
      last as Record<string, string | string[] | undefined>,
    )) {
      if (value !== undefined) res.setHeader(name, value as string)
    }
    return
  }
  const list = last as readonly unknown[]
  const pairs = Array.isArray(list[0])
  // An odd flat array stays in the call: Node rejects it (ERR_INVALID_ARG_VALUE).
  if (!pairs && list.length % 2 !== 0) return
  args.pop()
  const step = pairs ? 1 : 2
  for (let i = 0; i < list.length; i += step) {
    const name = headerAt(list, i, pairs, 0)
    if (name) res.removeHeader(name as string)
  }
  for (let i = 0; i < list.length; i += step) {
    const name = headerAt(list, i, pairs, 0)
    if (name) res.appendHeader(name as string, headerAt(list, i, pairs, 1) as string)
  }
}

/** The name (`part` 0) or value (1) of the `i`th header of a `writeHead` array. */
function headerAt(list: readonly unknown[], i: number, pairs: boolean, part: 0 | 1): unknown {
  return pairs ? (list[i] as readonly unknown[])[part] : list[i + part]
}

function hold(res: NodeResponse, gate: NodeResponseGate, method: Method, args: unknown[]): unknown {
  if (gate.phase === 'saving') {
    gate.queue.push([method, args])
    return undefined
  }
  // writeHead(status, …) has not set statusCode yet.
  const status = method === 'writeHead' && typeof args[0] === 'number' ? args[0] : res.statusCode
  const error = gate.thrown
  let done: ReturnType<RequestScope['finish']>
  try {
    // The answer to an error (Express's error path wrote it): nothing is saved.
    done =
      error === undefined ? gate.scope.finish({ status }) : gate.scope.finish({ error, status })
  } catch (e) {
    return fail(res, gate, e)
  }
  if (!(done instanceof Promise)) {
    if (done instanceof Response) return void replace(res, gate, done)
    apply(res, gate, done)
    return gate.original[method].apply(res, args)
  }
  gate.queue.push([method, args])
  gate.phase = 'saving'
  done.then(
    (result) => {
      if (result instanceof Response) return replace(res, gate, result)
      apply(res, gate, result)
      for (const [m, a] of gate.queue.splice(0)) gate.original[m].apply(res, a)
    },
    (e: unknown) => fail(res, gate, e),
  )
  return undefined
}

function apply(res: NodeResponse, gate: NodeResponseGate, done: FinishedRequest): void {
  release(res, gate)
  if (done === undefined || done instanceof Response) return
  writeSessionHeaders(new NodeHeaderWriter(res), done)
}

/** A Node response's headers as a {@link HeaderWriter}: one object, its methods shared. */
class NodeHeaderWriter implements HeaderWriter {
  constructor(private readonly res: NodeResponse) {}
  get(name: string): string | undefined {
    const value = this.res.getHeader(name)
    // A header set twice (appendHeader) is a list: one field value, as Fetch's `Headers` joins it.
    return typeof value === 'object' ? value.join(', ') : value?.toString()
  }
  set(name: string, value: string): void {
    this.res.setHeader(name, value)
  }
  append(name: string, value: string): void {
    this.res.appendHeader(name, value)
  }
}

/** Drops what the handler answered, so the lifecycle's answer or Express's error path can write. */
function drop(res: NodeResponse, gate: NodeResponseGate): void {
  release(res, gate)
  gate.queue.length = 0
  for (const name of res.getHeaderNames()) res.removeHeader(name)
}

function fail(res: NodeResponse, gate: NodeResponseGate, error: unknown): void {
  drop(res, gate)
  gate.next(error)
}

function replace(res: NodeResponse, gate: NodeResponseGate, response: Response): Promise<void> {
  drop(res, gate)
  // Never an unhandled rejection: a response that cannot be finished is cut off.
  return sendNodeResponse(res, response).catch((e: unknown) => {
    res.destroy(e instanceof Error ? e : undefined)
  })
}
