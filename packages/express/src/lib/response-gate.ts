import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'
import {
  type Session,
  type SessionManager,
  StoreError,
  shouldCommit,
  storeUnavailableResponse,
  writeSessionHeaders,
} from '@tessera/core'
import { NodeHeaderWriter } from './node-header-writer.js'
import { sendWebResponse } from './send-web-response.js'

/** What the middlewares of one request share through its response. */
export interface GateState {
  readonly session: Session
  /** Whether the request reached the app over HTTPS, as `session()` decided. */
  readonly secure: boolean
  /** Run after the commit, just before the headers go out (the `csrftoken` cookie). */
  readonly beforeHeaders: Array<() => void>
  /** Set by `storeErrors()`: the handler failed on the store, so there is nothing to save. */
  skipCommit: boolean
}

// On the response itself, not in a WeakMap: an ephemeron per request costs the GC more.
const GATE = Symbol('tessera.gate')

type Writer = (...args: unknown[]) => unknown
type Method = 'writeHead' | 'write' | 'end' | 'flushHeaders'

/** One response's gate: the shared state plus what holding needs. */
interface Gate extends GateState {
  readonly manager: SessionManager
  /** The methods `gateResponse` replaced, called once the session is saved. */
  readonly original: Readonly<Record<Method, Writer>>
  phase: 'open' | 'saving' | 'released'
  /** Calls held while saving, replayed in order. */
  readonly queue: Array<[Method, unknown[]]>
}

type GatedResponse = ServerResponse & { [GATE]?: Gate }

/** The gate `session()` put on this response, if any. */
export function gateOf(res: ServerResponse): GateState | undefined {
  return (res as GatedResponse)[GATE]
}

/**
 * Holds the response until the session is saved. Express has no "after the handler"
 * hook, and `writeHead` is synchronous while saving is not, so — as express-session
 * does with `res.end` — every path that sends headers (`writeHead`, `write`, `end`,
 * `flushHeaders`; `res.json`, `res.send`, `res.redirect` all end in them) is queued on
 * its first call. The commit then runs, its `Set-Cookie`, `Vary` and `Cache-Control`
 * are added while headers can still change, and the queued calls are replayed in order.
 * When saving needs no store call (`commitNow`: most requests only read), nothing is
 * held: the headers are added and the call goes straight through. A
 * {@link StoreError} while saving replaces the whole response with the 503 JSON.
 *
 * The replacement methods are shared by every response (no closures per request); each
 * finds its state under a symbol on the response.
 */
export function gateResponse(res: ServerResponse, manager: SessionManager, state: GateState): void {
  const gated = res as GatedResponse
  const gate: Gate = {
    session: state.session,
    secure: state.secure,
    beforeHeaders: state.beforeHeaders,
    skipCommit: state.skipCommit,
    manager,
    original: {
      writeHead: res.writeHead as unknown as Writer,
      write: res.write as unknown as Writer,
      end: res.end as unknown as Writer,
      flushHeaders: res.flushHeaders as unknown as Writer,
    },
    phase: 'open',
    queue: [],
  }
  gated[GATE] = gate
  res.writeHead = gatedWriteHead as unknown as ServerResponse['writeHead']
  res.write = gatedWrite as unknown as ServerResponse['write']
  res.end = gatedEnd as unknown as ServerResponse['end']
  res.flushHeaders = gatedFlushHeaders
}

function gatedWriteHead(this: GatedResponse, ...args: unknown[]): unknown {
  const gate = this[GATE] as Gate
  if (gate.phase === 'released') return gate.original.writeHead.apply(this, args)
  // Headers passed to writeHead would overwrite the session's on replay; set them now.
  const last = args[args.length - 1]
  if (args.length > 1 && typeof last === 'object' && last !== null && !Array.isArray(last)) {
    args.pop()
    for (const [name, value] of Object.entries(last as OutgoingHttpHeaders)) {
      if (value !== undefined) this.setHeader(name, value)
    }
  }
  hold(this, gate, 'writeHead', args)
  return this
}

function gatedWrite(this: GatedResponse, ...args: unknown[]): unknown {
  const gate = this[GATE] as Gate
  if (gate.phase === 'released') return gate.original.write.apply(this, args)
  // true: a piping stream must not wait for a 'drain' that a held response never emits.
  return hold(this, gate, 'write', args) ?? true
}

function gatedEnd(this: GatedResponse, ...args: unknown[]): unknown {
  const gate = this[GATE] as Gate
  if (gate.phase === 'released') return gate.original.end.apply(this, args)
  hold(this, gate, 'end', args)
  return this
}

function gatedFlushHeaders(this: GatedResponse, ...args: unknown[]): void {
  const gate = this[GATE] as Gate
  if (gate.phase === 'released') gate.original.flushHeaders.apply(this, args)
  else hold(this, gate, 'flushHeaders', args)
}

/**
 * Runs `method` now when the session needs no saving (returning what it returned), or
 * queues it and starts the save; `undefined` when queued.
 */
function hold(res: GatedResponse, gate: Gate, method: Method, args: unknown[]): unknown {
  if (gate.phase === 'open') {
    // writeHead(status, …) has not set statusCode yet.
    const status = method === 'writeHead' && typeof args[0] === 'number' ? args[0] : res.statusCode
    if (!shouldCommit(status)) {
      gate.phase = 'released'
      return gate.original[method].apply(res, args)
    }
  }
  if (gate.phase === 'open' && !gate.skipCommit) {
    // Most requests only read a loaded session: nothing to save, so nothing to wait for.
    const ready = gate.manager.commitNow(gate.session)
    if (ready) {
      writeSessionHeaders(new NodeHeaderWriter(res), { commit: ready })
      for (const hook of gate.beforeHeaders) hook()
      gate.phase = 'released'
      return gate.original[method].apply(res, args)
    }
  }
  gate.queue.push([method, args])
  if (gate.phase !== 'open') return undefined
  gate.phase = 'saving'
  void release(res, gate)
  return undefined
}

async function release(res: GatedResponse, gate: Gate): Promise<void> {
  let replacement: Response | undefined
  try {
    if (!gate.skipCommit) {
      writeSessionHeaders(new NodeHeaderWriter(res), {
        commit: await gate.manager.commit(gate.session),
      })
    }
    for (const hook of gate.beforeHeaders) hook()
  } catch (e) {
    replacement =
      e instanceof StoreError
        ? storeUnavailableResponse(e)
        : // Not the handler's answer, and nothing left to hand the error to: a plain 500.
          Response.json({ detail: 'Internal Server Error' }, { status: 500 })
  }
  gate.phase = 'released'
  try {
    if (replacement) {
      gate.queue.length = 0
      for (const name of res.getHeaderNames()) res.removeHeader(name)
      await sendWebResponse(res, replacement, (body) => gate.original.end.call(res, body))
      return
    }
    for (const [method, args] of gate.queue.splice(0)) gate.original[method].apply(res, args)
  } catch (e) {
    // Never an unhandled rejection: a response that cannot be finished is cut off.
    res.destroy(e instanceof Error ? e : undefined)
  }
}
