import type { FastifyRequest } from 'fastify'

/** The request's absolute URL, its origin being what the CSRF Origin check compares to. */
export function requestUrl(request: FastifyRequest, secure: boolean): string {
  return `${secure ? 'https' : 'http'}://${request.host}${request.url}`
}

/** One request header as a string (the first of repeated ones), for `SessionManager.open`. */
export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}
