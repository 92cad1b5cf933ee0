import type { Session } from '@tessera/core'
import { type NodeResponse, nodeResponseGate } from '@tessera/core/adapter'

/**
 * Defines `req.session` once, on Express's request prototype (`express.request`), as an
 * accessor that finds the request's session through its response's gate, rather than
 * adding a `session` property to every request: once Express has swapped a request's
 * prototype, V8 pays µs for each property added to it. Assigning `req.session` (as
 * express-session or a test might) gives that request a plain property of its own;
 * a request no Tessera middleware saw reads `undefined`.
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
    get(this: { res?: NodeResponse }): Session | undefined {
      return this.res === undefined ? undefined : nodeResponseGate(this.res)?.scope.session
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
