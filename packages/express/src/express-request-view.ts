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
 */
export class ExpressRequestView implements RequestView {
  readonly method: string
  readonly url: string
  readonly ip: string | undefined
  /** The body-parser already read the body: the CSRF field comes from `req.body`. */
  readonly #parsed: boolean

  constructor(
    private readonly req: Request,
    ip: string | undefined,
  ) {
    const encrypted = (req.socket as Partial<TLSSocket>).encrypted === true
    this.method = req.method
    this.url = `${encrypted ? 'https' : 'http'}://${req.headers.host ?? ''}${req.originalUrl}`
    this.ip = ip
    this.#parsed = (req as ParsedRequest)._body === true || req.readableEnded
  }

  /** Read only when a route rule needs it (JWKS, shared sessions, `loginRequired`). */
  get path(): string {
    return this.req.baseUrl + this.req.path
  }

  /** Own and bound: the lifecycle hands it on unbound (to the session, for its token). */
  readonly header = (name: string): string | undefined => recordHeader(this.req.headers, name)

  headers(): Headers {
    return headersFromRecord(this.req.headers)
  }

  get parsedBody(): (() => unknown) | undefined {
    return this.#parsed ? () => this.req.body : undefined
  }

  get body(): (() => BodySource) | undefined {
    if (this.#parsed) return undefined
    const req = this.req
    // The request itself is the body: the core reads it through its events, once it has
    // refused a declared oversize Content-Length with the stream untouched.
    return () => ({ headers: headersFromRecord(req.headers), body: req })
  }
}
