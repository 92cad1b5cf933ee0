import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'
import {
  type Session,
  type SessionManager,
  StoreError,
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

const gates = new WeakMap<ServerResponse, GateState>()

/** The gate `session()` put on this response, if any. */
export function gateOf(res: ServerResponse): GateState | undefined {
  return gates.get(res)
}

type Writer = (...args: unknown[]) => unknown

/**
 * Holds the response until the session is saved. Express has no "after the handler"
 * hook, and `writeHead` is synchronous while saving is not, so — as express-session
 * does with `res.end` — every path that sends headers (`writeHead`, `write`, `end`,
 * `flushHeaders`; `res.json`, `res.send`, `res.redirect` all end in them) is queued on
 * its first call. The commit then runs, its `Set-Cookie`, `Vary` and `Cache-Control`
 * are added while headers can still change, and the queued calls are replayed in order.
 * A {@link StoreError} while saving replaces the whole response with the 503 JSON.
 */
export function gateResponse(res: ServerResponse, manager: SessionManager, state: GateState): void {
  gates.set(res, state)
  const original = {
    writeHead: res.writeHead as unknown as Writer,
    write: res.write as unknown as Writer,
    end: res.end as unknown as Writer,
    flushHeaders: res.flushHeaders as unknown as Writer,
  }
  let phase: 'open' | 'saving' | 'released' = 'open'
  const queue: Array<() => void> = []

  const hold = (call: () => void): void => {
    if (phase === 'open' && !state.skipCommit) {
      // Most requests only read a loaded session: nothing to save, so nothing to wait for.
      const ready = manager.commitNow(state.session)
      if (ready) {
        writeSessionHeaders(new NodeHeaderWriter(res), { commit: ready })
        for (const hook of state.beforeHeaders) hook()
        phase = 'released'
        call()
        return
      }
    }
    queue.push(call)
    if (phase !== 'open') return
    phase = 'saving'
    void release()
  }

  const release = async (): Promise<void> => {
    let replacement: Response | undefined
    try {
      if (!state.skipCommit) {
        writeSessionHeaders(new NodeHeaderWriter(res), {
          commit: await manager.commit(state.session),
        })
      }
      for (const hook of state.beforeHeaders) hook()
    } catch (e) {
      replacement =
        e instanceof StoreError
          ? storeUnavailableResponse(e)
          : // Not the handler's answer, and nothing left to hand the error to: a plain 500.
            Response.json({ detail: 'Internal Server Error' }, { status: 500 })
    }
    phase = 'released'
    try {
      if (replacement) {
        queue.length = 0
        for (const name of res.getHeaderNames()) res.removeHeader(name)
        await sendWebResponse(res, replacement, (body) => original.end.call(res, body))
        return
      }
      for (const call of queue.splice(0)) call()
    } catch (e) {
      // Never an unhandled rejection: a response that cannot be finished is cut off.
      res.destroy(e instanceof Error ? e : undefined)
    }
  }

  Object.assign(res, {
    writeHead(this: ServerResponse, ...args: unknown[]) {
      if (phase === 'released') return original.writeHead.apply(res, args)
      // Headers passed to writeHead would overwrite the session's on replay; set them now.
      const last = args[args.length - 1]
      if (args.length > 1 && typeof last === 'object' && last !== null && !Array.isArray(last)) {
        args.pop()
        for (const [name, value] of Object.entries(last as OutgoingHttpHeaders)) {
          if (value !== undefined) res.setHeader(name, value)
        }
      }
      hold(() => original.writeHead.apply(res, args))
      return res
    },
    write(...args: unknown[]) {
      if (phase === 'released') return original.write.apply(res, args)
      hold(() => original.write.apply(res, args))
      // true: a piping stream must not wait for a 'drain' that a held response never emits.
      return true
    },
    end(...args: unknown[]) {
      if (phase === 'released') return original.end.apply(res, args)
      hold(() => original.end.apply(res, args))
      return res
    },
    flushHeaders(...args: unknown[]) {
      if (phase === 'released') return original.flushHeaders.apply(res, args)
      hold(() => original.flushHeaders.apply(res, args))
    },
  })
}
