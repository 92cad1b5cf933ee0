import type { FastifyRequest } from 'fastify'

/**
 * Whether the request reached the application over HTTPS. Fastify's own
 * `request.protocol` already says so for a TLS socket, and for `X-Forwarded-Proto` when
 * the server was created with Fastify's `trustProxy`. The plugin's `trustProxy` adds the
 * header for apps that did not configure Fastify's: otherwise any client could claim
 * HTTPS and, with it, change which cookies the app sets.
 */
export function isSecure(request: FastifyRequest, trustProxy: boolean): boolean {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-proto']
    const value = Array.isArray(forwarded) ? forwarded[0] : forwarded
    // Several proxies append to the header; the first value is what the client used.
    if (value) return value.split(',')[0]?.trim().toLowerCase() === 'https'
  }
  return request.protocol === 'https'
}

/** The request's absolute URL, its origin being what the CSRF Origin check compares to. */
export function requestUrl(request: FastifyRequest, secure: boolean): string {
  return `${secure ? 'https' : 'http'}://${request.host}${request.url}`
}

/** One request header as a string (the first of repeated ones), for `SessionManager.open`. */
export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}
