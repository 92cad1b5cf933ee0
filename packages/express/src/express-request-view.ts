import { Readable } from 'node:stream'
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
    return () => new NodeBodySource(req)
  }
}

/**
 * The unparsed body of a Node request, read as a Web stream only when asked: `body` is a
 * getter, so a declared oversize Content-Length is refused with the stream untouched. A
 * class, not an object literal with a getter: V8 allocates a literal's getter pair in
 * the old generation, where it keeps the request alive until a full collection
 * (bench/README, "The demo's garbage collection").
 */
class NodeBodySource implements BodySource {
  readonly headers: Headers
  readonly #req: Request

  constructor(req: Request) {
    this.#req = req
    this.headers = headersFromRecord(req.headers)
  }

  get body(): ReadableStream<Uint8Array> {
    return Readable.toWeb(this.#req) as ReadableStream<Uint8Array>
  }
}
