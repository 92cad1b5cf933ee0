import type { Session } from './session.js'
import { STATE } from './session-state.js'

/**
 * A value kept for the rest of one request beside its session, under a key the feature
 * owns (the user resolved for the request, say). The session is per request, so the
 * value dies with it; a field on the session's state, not a `WeakMap` entry, because an
 * ephemeron per request costs the garbage collector more than the lookup saves.
 *
 * @example
 * ```ts
 * const USER = Symbol('user')
 * const known = requestSlot<Resolved>(session, USER)
 * if (!known) setRequestSlot(session, USER, resolve())
 * ```
 */
export function requestSlot<T>(session: Session, key: symbol): T | undefined {
  return session[STATE].slots?.get(key) as T | undefined
}

/** Sets (or, with `undefined`, clears) the request's value under `key`; see {@link requestSlot}. */
export function setRequestSlot(session: Session, key: symbol, value: unknown): void {
  const state = session[STATE]
  if (value === undefined) {
    state.slots?.delete(key)
    return
  }
  state.slots ??= new Map()
  state.slots.set(key, value)
}
