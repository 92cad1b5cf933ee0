import type { BodySource } from '../http/read-bounded-body.js'

/**
 * A framework's request as the lifecycle reads it: Web-standard values an adapter
 * builds cheaply per request. Everything here is the client's untrusted input.
 *
 * @example
 * ```ts
 * const view: RequestView = {
 *   method: request.method,
 *   url: request.url,
 *   header: (name) => request.headers.get(name),
 *   headers: () => request.headers,
 *   body: () => request.clone(),
 * }
 * ```
 */
export interface RequestView {
  /** The method on the wire (method-override headers are never read). */
  readonly method: string
  /**
   * The absolute URL as the server received it: the scheme of the connection itself
   * (`https:` only over TLS to this process, or as the framework's own proxy setting
   * decided) and the `Host` header as host. Checked against `allowedHosts`.
   */
  readonly url: string
  /**
   * The `Host` header `url` was built from, as received, when the adapter built `url`
   * itself (Node's `req.url` is only a path): `allowedHosts` checks this value whole.
   * Without it the check reads the host of `url`, which a Web runtime has parsed: a
   * `/`, `?`, `#` or `\` inside a `Host` would end that host early, and what follows
   * it would read as part of the path.
   */
  readonly host?: string | undefined
  /**
   * The path the framework routes on, when it has it at hand; parsed from `url`
   * otherwise. An adapter that builds `url` itself passes it, so that no `Host` header
   * can move the path that `loginRequired` and the JWKS route read.
   */
  readonly path?: string | undefined
  /** One request header (the first of repeated ones), `null`/`undefined` when absent. */
  header(name: string): string | null | undefined
  /** All request headers as Web `Headers`; called only for a CSRF check or a shared-session hop. */
  headers(): Headers
  /** The address of the connection's peer, when known. */
  readonly ip?: string | null | undefined
  /**
   * The body no one has read yet, for the CSRF form token: read at most `bodyLimit`
   * bytes (pass a clone when the handler must read it again).
   */
  body?(): BodySource
  /** A body the framework already parsed (Express's `req.body`, Fastify's `request.body`). */
  parsedBody?(): unknown
  /** `false`: the route opted out of the CSRF check (Fastify's `config: { csrf: false }`). */
  readonly csrf?: boolean
  /** `true`: the route opted out of the login-required group (Fastify's `config: { allowAnonymous: true }`). */
  readonly allowAnonymous?: boolean
}
