import { ArgumentError } from '../errors.js'
import { readInternals, writeInternals } from '../session/internal-fields.js'
import type { Session } from '../session/session.js'
import { operationsOf } from '../session/session-operations.js'
import type { JsonValue } from '../store/session-record.js'

/**
 * Copies the configured `jwt.fields` of `user` into the session, so every session JWT
 * issued from now on carries them (django-session-jwt's `fields`). `login()` calls it with the
 * user object; call it yourself when one of those fields changes (the next response then
 * re-issues the token). Properties other than the configured fields are ignored, as are
 * `undefined` ones; values are copied as JSON (a `Date` becomes its ISO string). The
 * claims live in the session record (its `jwtClaims` field, not the session data:
 * `session.keys()` does not show them and `session.clear()` keeps them), so re-issuing a
 * token never needs a user lookup.
 *
 * Throws {@link CookieError} `COOKIE_TOO_LARGE`, naming each field and its size, when the
 * token would make the cookie exceed 4096 bytes — here, at the call site, rather than
 * when the response is sent. In the `opaque` format it does nothing.
 *
 * @example
 * ```ts
 * await users.updateEmail(user.id, email)
 * await setJwtClaims(c.var.session, { ...user, email })
 * ```
 */
export async function setJwtClaims(session: Session, user: object): Promise<void> {
  const ops = operationsOf(session)
  const codec = ops.jwt
  if (!codec) return
  const source = user as Record<string, unknown>
  const claims: Record<string, JsonValue> = {}
  for (const field of codec.fields) {
    const value = source[field]
    if (value === undefined) continue
    const text = JSON.stringify(value)
    if (text === undefined) throw new ArgumentError(`JWT field "${field}" is not JSON`)
    claims[field] = JSON.parse(text) as JsonValue
  }
  const current = (await readInternals(session)).jwtClaims
  if (current === undefined && Object.keys(claims).length === 0) return
  const userId = await session.getUserId()
  // A trial signature with a credential of the real length: the size check names the fields.
  const placeholder = `${'A'.repeat(22)}.${'A'.repeat(43)}`
  await codec.issue(placeholder, { jwtClaims: claims, userId }, ops.now())
  if (JSON.stringify(current) === JSON.stringify(claims)) return
  await writeInternals(session, { jwtClaims: claims })
}
