import type { TLSSocket } from 'node:tls'
import {
  type BodySource,
  headersFromRecord,
  type RequestView,
  recordHeader,
} from '@tessera/core/adapter'
import type { Request } from 'express-serve-static-core'

/** A request a body parser already consumed (body-parser's own flag). */
type ParsedRequest = Request & { _body?: boolean }

/**
 * An Express request as the core's request lifecycle reads it. A class, so a request
 * costs this object and one closure (`header`) rather than a literal with five.
 *
 * It reads what it needs of `req` once, here: Express swaps each request's prototype,
 * after which V8 answers a property read on it by a lookup that misses its caches (about
 * 2,000 instructions each, bench/README.md "What changed"). `req.headers` is Node's
 * record, the same object for the request's life: header reads go to it directly.
 */
export class ExpressRequestView implements RequestView {
  readonly method: string
  readonly url: string
  /** The `Host` header `url` is built from: `allowedHosts` checks it whole. */
  readonly host: string
  readonly ip: string | undefined
  /** Own and bound: the lifecycle hands it on unbound (to the session, for its token). */
  readonly header: (name: string) => string | undefined
  /** The body-parser already read the body: the CSRF field comes from `req.body`. */
  readonly #parsed: boolean
  readonly #headers: Request['headers']

  /**
   * @param socket `req.socket`, which the caller has read already.
   * @param ip The client address to record on new sessions.
   */
  constructor(
    private readonly req: Request,
    socket: Request['socket'],
    ip: string | undefined,
  ) {
    const headers = req.headers
    const encrypted = (socket as Partial<TLSSocket>).encrypted === true
    this.#headers = headers
    this.header = (name) => recordHeader(headers, name)
    this.method = req.method
    this.host = headers.host ?? ''
    this.url = `${encrypted ? 'https' : 'http'}://${this.host}${req.originalUrl}`
    this.ip = ip
    this.#parsed = (req as ParsedRequest)._body === true || req.readableEnded
  }

  /** Read only when a route rule needs it (JWKS, shared sessions, `loginRequired`). */
  get path(): string {
    return this.req.baseUrl + this.req.path
  }

  headers(): Headers {
    return headersFromRecord(this.#headers)
  }

  get parsedBody(): (() => unknown) | undefined {
    return this.#parsed ? () => this.req.body : undefined
  }

  get body(): (() => BodySource) | undefined {
    if (this.#parsed) return undefined
    const req = this.req
    // The request itself is the body: the core reads it through its events, once it has
    // refused a declared oversize Content-Length with the stream untouched.
    const headers = this.#headers
    return () => ({ headers: headersFromRecord(headers), body: req })
  }
}
