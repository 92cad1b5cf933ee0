import { ConfigError } from '../errors.js'
import type { Session } from '../session/session.js'
import type { ProxyView } from './proxy-view.js'

// Keyed by the request's session, so the view dies with the request.
const views = new WeakMap<Session, ProxyView>()

/**
 * Remembers what the session middleware decided about the request (its scheme and
 * client address, after `trustProxy`) so that the CSRF check and the shared-session
 * routes mounted after it read the same answer: `trustProxy` is given once.
 *
 * @example
 * ```ts
 * const session = manager.open({ ...request, secure: view.secure, ip: view.ip })
 * bindRequestView(session, view)
 * ```
 */
export function bindRequestView(session: Session, view: ProxyView): void {
  views.set(session, view)
}

/**
 * What the session middleware decided about the request of `session` (see
 * {@link bindRequestView}), for a middleware mounted after it — `consumer` names that
 * middleware in the errors. A `trustProxy` the consumer was given too (older apps set it
 * on each middleware) must agree with the session middleware's.
 *
 * @throws {@link ConfigError} `CONFIG_INVALID`: `"<consumer> needs <session> registered
 *   before it"` without a session middleware, `"<consumer>'s trustProxy must equal
 *   <session>'s (set it there only)"` when they disagree.
 * @example
 * ```ts
 * const { secure } = requestViewOf(c.var.session, { consumer: 'csrf()', session: 'session()' })
 * ```
 */
export function requestViewOf(
  session: Session | null | undefined,
  names: { consumer: string; session: string; trustProxy?: boolean | undefined },
): ProxyView {
  const view = session ? views.get(session) : undefined
  if (!view) throw new ConfigError(`${names.consumer} needs ${names.session} registered before it`)
  if (names.trustProxy !== undefined && names.trustProxy !== view.trustProxy) {
    throw new ConfigError(
      `${names.consumer}'s trustProxy must equal ${names.session}'s (set it there only)`,
    )
  }
  return view
}
