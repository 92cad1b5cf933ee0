import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose'

/** Why a token was not trusted; `unavailable` is ours (JWKS unreachable), the rest the token's. */
export type VerifyFailure = 'invalid' | 'expired' | 'unavailable'

/** A verification's outcome: the claims, or why there are none. Never throws. */
export type VerifyResult = { ok: true; claims: JWTPayload } | { ok: false; reason: VerifyFailure }

/** What a {@link createTokenVerifier} checks. */
export interface TokenVerifierOptions {
  /** The public keys: a JWKS URL (fetched and cached by jose), or a key resolver for tests. */
  keys: URL | JWTVerifyGetKey
  issuer: string
  audience: string
  typ: string
  algorithms: string[]
  /** The current time, injectable so tests move past `exp` without sleeping. */
  now?: () => Date
  /**
   * Milliseconds a fetched JWKS is trusted before it is fetched again (jose's
   * `cacheMaxAge`): a key the app stops publishing is still trusted here for at most this
   * long, plus the 2 s fetch timeout. Only used when `keys` is a URL.
   * @default 60000
   */
  jwksMaxAge?: number
}

/** Default of {@link TokenVerifierOptions.jwksMaxAge}: one minute, not jose's ten. */
export const DEFAULT_JWKS_MAX_AGE_MS = 60_000
// jose refetches at most this often when a token names a kid it has not seen
// (a key just added by a rotation); capped by the max age.
const JWKS_COOLDOWN_MS = 30_000
const JWKS_TIMEOUT_MS = 2000

// A session JWT is well under the 4096-byte cookie limit; anything far larger is not
// one of ours and is refused before any parsing or key lookup.
const MAX_TOKEN = 8192
// Seconds an `iat` may lie in the future: clock skew between the app and this service.
const IAT_SKEW = 30

/**
 * Builds the one check this service trusts a session JWT by: signature against the
 * demo's JWKS (the `kid` picks the key and a token without one is refused, as the app
 * refuses it; the JWKS is refetched every `jwksMaxAge`, so a key the app stopped
 * publishing is refused within that bound; keys come only from the JWKS URL, never from the
 * token's `jwk`/`jku`/`x5u`/`x5c` headers, which jose ignores), an algorithm allow-list
 * (RFC 8725 §3.1), then `iss`, `aud`, `typ`, `iat` not in the future (30 s of skew),
 * and `exp` with no tolerance: an expired
 * token is never trusted here, however alive the session behind it (only the app itself
 * can know that).
 *
 * @example
 * ```ts
 * const verify = createTokenVerifier({
 *   keys: new URL('http://127.0.0.1:3000/.well-known/jwks.json'),
 *   issuer: 'tessera-demo', audience: 'tessera-federated', typ: 'tessera-session+jwt',
 *   algorithms: ['EdDSA', 'ES256'],
 * })
 * const result = await verify(token)
 * if (result.ok) console.log(result.claims.sub)
 * ```
 */
export function createTokenVerifier(
  options: TokenVerifierOptions,
): (token: string) => Promise<VerifyResult> {
  const maxAge = options.jwksMaxAge ?? DEFAULT_JWKS_MAX_AGE_MS
  if (!Number.isInteger(maxAge) || maxAge < 1) {
    throw new Error(
      `jwksMaxAge must be a whole number of milliseconds of at least 1, got ${maxAge}`,
    )
  }
  const source =
    options.keys instanceof URL
      ? createRemoteJWKSet(options.keys, {
          timeoutDuration: JWKS_TIMEOUT_MS,
          // jose keeps a fetched JWKS for 10 minutes by default and uses any key in it
          // meanwhile: a key retired past its grace period stayed trusted that long.
          cacheMaxAge: maxAge,
          cooldownDuration: Math.min(JWKS_COOLDOWN_MS, maxAge),
        })
      : options.keys
  // The app verifies by kid only; with a single key in the JWKS jose would pick it for a
  // token without one. Refuse such a token here too, before any key lookup or fetch.
  const keys: JWTVerifyGetKey = (header, token) => {
    if (typeof header.kid !== 'string' || header.kid === '') throw new errors.JWKSNoMatchingKey()
    return source(header, token)
  }
  return async function verifyToken(token) {
    if (token.length === 0 || token.length > MAX_TOKEN) return { ok: false, reason: 'invalid' }
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        typ: options.typ,
        algorithms: options.algorithms,
        requiredClaims: ['exp', 'iat'],
        ...(options.now ? { currentDate: options.now() } : {}),
      })
      // jose checks iat only against maxTokenAge; a token "issued" in the future was
      // not issued by a sane signer (SECURITY.md), beyond a little clock skew.
      const now = (options.now?.() ?? new Date()).getTime() / 1000
      if ((payload.iat as number) > now + IAT_SKEW) return { ok: false, reason: 'invalid' }
      return { ok: true, claims: payload }
    } catch (error) {
      return { ok: false, reason: classify(error) }
    }
  }
}

function classify(error: unknown): VerifyFailure {
  if (error instanceof errors.JWTExpired) return 'expired'
  if (
    error instanceof errors.JWTClaimValidationFailed ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys ||
    error instanceof errors.JWKInvalid
  ) {
    return 'invalid'
  }
  // Anything else is the key source failing (JWKS down, timed out, not JSON): not the
  // token's fault, so the caller answers 503 instead of telling the user to log in again.
  return 'unavailable'
}
