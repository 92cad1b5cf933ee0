import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'

/**
 * Whether a Node request reached the app over HTTPS: the core's `isSecureRequest` rule
 * for a request that is not a Web `Request`. `X-Forwarded-Proto` counts only with
 * `trustProxy`; otherwise any client could claim HTTPS and change which cookies the app
 * sets. Express's own `trust proxy` setting is not consulted, so one option decides.
 */
export function isSecureRequest(req: IncomingMessage, trustProxy: boolean): boolean {
  if (trustProxy) {
    const header = req.headers['x-forwarded-proto']
    const forwarded = Array.isArray(header) ? header[0] : header
    // Several proxies append to the header; the first value is what the client used.
    if (forwarded) return forwarded.split(',')[0]?.trim().toLowerCase() === 'https'
  }
  return (req.socket as Partial<TLSSocket>).encrypted === true
}
