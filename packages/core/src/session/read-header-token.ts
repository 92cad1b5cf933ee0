import type { ResolvedSessionOptions } from './resolve-session-options.js'
import type { SessionRequest } from './session-state.js'

/**
 * The header token a request carries (django-session-token), not yet verified: the
 * configured header (`X-Session-Token`), else `Authorization: Bearer` when enabled.
 * Never the URL: credentials in query strings are not accepted.
 */
export function readHeaderToken(
  request: SessionRequest,
  options: Pick<ResolvedSessionOptions, 'tokenHeader' | 'bearer'>,
): string | undefined {
  const header = request.header
  if (!header) return undefined
  const token = header(options.tokenHeader)
  if (token) return token.trim()
  if (options.bearer) {
    const auth = header('authorization')
    // RFC 6750 §2.1: the scheme is case-insensitive, one space before the token.
    const m = auth ? /^Bearer +([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(auth) : null
    if (m) return m[1]
  }
  return undefined
}
