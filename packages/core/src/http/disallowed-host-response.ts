/**
 * The `400` JSON answer to a request whose `Host` is not in the allowed list (Django's
 * `DisallowedHost`, answered as a bad request): `{"detail": "Invalid Host header.",
 * "code": "DISALLOWED_HOST"}`. The host itself is not echoed: it is the client's
 * untrusted text. `no-store` and `nosniff`, like every Tessera error body.
 *
 * @example
 * ```ts
 * if (!hosts.allows(request.headers.get('host'))) return disallowedHostResponse()
 * ```
 */
export function disallowedHostResponse(): Response {
  return new Response(JSON.stringify({ detail: 'Invalid Host header.', code: 'DISALLOWED_HOST' }), {
    status: 400,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  })
}
