import type { Session } from '@tessera/core'
import { type NodeResponse, nodeResponseGate } from '@tessera/core/adapter'

// The session's second home, for once the response's gate is gone (released as soon as
// the session's headers are on the response: a handler that goes on after res.json(),
// or a logger that runs after the response, still reads req.session). Not enumerable:
// Express spreads res.locals into a template's options.
const SESSION = Symbol('tessera.session')

/**
 * Keeps `session` on Express's `res.locals` (a dictionary object Express makes for each
 * response: a property costs nothing there, unlike on `req` or `res`), where `req.session`
 * finds it after the response's gate is gone.
 *
 * @example
 * ```ts
 * keepSession(res.locals, scope.session)
 * ```
 */
export function keepSession(locals: object | undefined, session: Session): void {
  if (typeof locals === 'object' && locals !== null) {
    Object.defineProperty(locals, SESSION, { value: session, configurable: true })
  }
}

function sessionIn(locals: object | undefined): Session | undefined {
  return typeof locals === 'object' && locals !== null
    ? (locals as { [SESSION]?: Session })[SESSION]
    : undefined
}

/**
 * Defines `req.session` once, on Express's request prototype (`express.request`), as an
 * accessor that finds the request's session through its response's gate, rather than
 * adding a `session` property to every request: once Express has swapped a request's
 * prototype, V8 pays µs for each property added to it. Assigning `req.session` (as
 * express-session or a test might) gives that request a plain property of its own;
 * a request no Tessera middleware saw reads `undefined`. Once the response's gate is
 * released and gone, the session comes from `res.locals` (see {@link keepSession}).
 *
 * @example
 * ```ts
 * defineSessionProperty(express.request)
 * ```
 */
export function defineSessionProperty(prototype: object): void {
  if (Object.hasOwn(prototype, 'session')) return
  Object.defineProperty(prototype, 'session', {
    configurable: true,
    enumerable: false,
    get(this: { res?: NodeResponse & { locals?: object } }): Session | undefined {
      const res = this.res
      if (res === undefined) return undefined
      return nodeResponseGate(res)?.scope.session ?? sessionIn(res.locals)
    },
    set(this: object, value: unknown) {
      Object.defineProperty(this, 'session', {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      })
    },
  })
}
