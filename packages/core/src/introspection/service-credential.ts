import { ConfigError } from '../errors.js'
import { constantTimeEqual } from '../lib/constant-time-equal.js'
import { sha256 } from '../lib/sha256.js'

/** Shortest service credential accepted: it is a password for machines, never typed. */
export const MIN_SERVICE_CREDENTIAL_LENGTH = 32

const BEARER = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i

/**
 * Checks an `Authorization: Bearer <credential>` header against the service credentials
 * a protected endpoint accepts (several, so a credential can be rotated without a
 * flag day, or one given to each calling service). Both sides are hashed with SHA-256
 * before a constant-time comparison, so neither the content nor the length of a
 * credential leaks through timing, and every credential is compared whatever matched
 * first. Untrusted input never throws: anything malformed is `false`.
 *
 * @example
 * ```ts
 * const check = serviceCredentialChecker([process.env.INTROSPECTION_SECRET!])
 * if (!(await check(request.headers.get('authorization')))) return new Response(null, { status: 401 })
 * ```
 */
export function serviceCredentialChecker(
  credentials: readonly string[],
): (authorization: string | null | undefined) => Promise<boolean> {
  if (!Array.isArray(credentials) || credentials.length === 0) {
    throw new ConfigError('service credentials must be a non-empty array of strings')
  }
  for (const c of credentials) {
    if (
      typeof c !== 'string' ||
      c.length < MIN_SERVICE_CREDENTIAL_LENGTH ||
      !/^[\x21-\x7e]+$/.test(c)
    ) {
      throw new ConfigError(
        `every service credential must be at least ${MIN_SERVICE_CREDENTIAL_LENGTH} printable ASCII characters without spaces`,
      )
    }
  }
  const hashes = Promise.all(credentials.map((c) => sha256(c)))
  return async function checkServiceCredential(authorization) {
    const given = typeof authorization === 'string' ? BEARER.exec(authorization)?.[1] : undefined
    // Hash something even without a credential, so a missing header costs the same.
    const hash = await sha256(given ?? '')
    let ok = false
    for (const expected of await hashes) ok = constantTimeEqual(hash, expected) || ok
    return ok && given !== undefined
  }
}
