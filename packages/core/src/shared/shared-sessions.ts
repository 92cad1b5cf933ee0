import { safeRedirectPath } from '../auth/safe-redirect.js'
import { deleteCookie, getCookie, serializeCookie } from '../cookie/index.js'
import { base64url } from '../lib/base64url.js'
import { constantTimeEqual } from '../lib/constant-time-equal.js'
import { sha256WebCrypto } from '../lib/sha256.js'
import type { Session } from '../session/session.js'
import type { TransferRejection } from '../session/session-events.js'
import { operationsOf } from '../session/session-operations.js'
import { issueTransferCode } from './issue-transfer-code.js'
import { scriptEmbedder } from './lib/script-embedder.js'
import { redeemTransferCode } from './redeem-transfer-code.js'
import { renderSharedSessionLoader } from './render-shared-session-loader.js'
import {
  type ResolvedSharedSessionOptions,
  resolveSharedSessionOptions,
  type SharedSessionOptions,
} from './shared-session-options.js'
import { TransferCipher, type TransferPayload } from './transfer-cipher.js'

/** What the endpoints need to know about a request besides the Web `Request`. */
export interface SharedRequestInfo {
  /**
   * Whether the request reached the app over HTTPS (as the adapter trusts it): decides
   * the scheme of this site's origin behind a TLS-terminating proxy.
   * @default the scheme of `request.url`
   */
  secure?: boolean
}

/** Cookie that binds a redirect transfer to the browser that started it. */
const NONCE_COOKIE = 'shared_session_nonce'
/**
 * The same over HTTPS. Any cookie without this prefix can be planted by a sibling
 * subdomain (`Domain=`) or by a network attacker answering a plain-HTTP request for the
 * host (cookie tossing): a planted nonce whose hash the attacker bound their own payload
 * to would log the victim in as the attacker. Browsers accept a `__Host-` cookie only
 * from this very host over HTTPS, with `Secure`, `Path=/` and no `Domain`.
 */
const HOST_NONCE_COOKIE = `__Host-${NONCE_COOKIE}`
/** Cookie that stops a second first-visit hop when the home site had nothing to share. */
const TRIED_COOKIE = 'shared_session_tried'
/** Query parameter that ends the hop for a browser that keeps no cookies (see `#accept`). */
const LOOP_PARAM = 'shared_session'
const PAYLOAD = /^[A-Za-z0-9_-]{1,2048}$/
const BINDING = /^[A-Za-z0-9_-]{43}$/

/**
 * One session across sites on different domains (django-shared-session), in
 * every browser. All sites share one session store; a site hands the session to another
 * as a one-time transfer code, sealed with AES-256-GCM in the URL:
 *
 * - **Script path** (django-shared-session's): pages of a logged-in site include
 *   `<script async src="https://other/shared-session/<payload>.js">` for every other site
 *   ({@link loaderUrls}, {@link loaderHtml}, or `GET <path>/loader.json` for a SPA). The
 *   other site redeems the code and sets its own cookie, `SameSite=None; Secure` — the
 *   only kind a browser stores from a cross-site script response, and only where
 *   third-party cookies are allowed (Chrome's default). Because anyone logged in on A can
 *   mint a payload for their own session, B redeems one only for a `<script>` load
 *   (`Sec-Fetch-Dest: script`, `Sec-Fetch-Site` cross-site or same-site) whose `Referer`
 *   is a page of the source site — never for a link, a navigation or another site's
 *   page — and never replaces a session of another user that B can see.
 * - **Redirect path** (every browser): on a first visit, a site without a session hops
 *   top-level to the home site and back ({@link connectRedirect}, or a link to
 *   `<path>/connect?from=<site>&next=<path>`); the code comes back bound to a nonce
 *   cookie set first-party before the hop and sets a first-party `SameSite=Lax` cookie.
 *
 * Every check on arrival: authentic (GCM), for this very site, from a configured site
 * with a key of that pair, minted at most `timeout` seconds ago and not in the future,
 * for this endpoint, from the same browser, and never redeemed before (consumed in the
 * store by compare-and-set, so one redeemer wins across instances). Logging out on any
 * site flushes the one shared session, so every site is logged out.
 *
 * @example
 * ```ts
 * const shared = new SharedSessions({
 *   sites: ['https://www.example.com', 'https://www.example.org'],
 *   key: process.env.TRANSFER_KEY!,
 * })
 * // in a route for GET /shared-session/* (the adapters have one):
 * const response = await shared.handle(request, session)
 * ```
 */
export class SharedSessions {
  readonly #o: ResolvedSharedSessionOptions
  readonly #cipher: TransferCipher

  constructor(options: SharedSessionOptions) {
    this.#o = resolveSharedSessionOptions(options)
    this.#cipher = new TransferCipher(this.#o)
  }

  /** The URL path prefix of the endpoints, e.g. `/shared-session`. */
  get path(): string {
    return this.#o.path
  }

  /** The configured sites (origins). */
  get sites(): readonly string[] {
    return this.#o.sites
  }

  /**
   * The script URLs for every other site, each with a fresh one-time code for the
   * request's session; `[]` when the session is empty, in `'redirect'` mode, or when the
   * request is not for a configured site. Each call writes one code per site to the store.
   * Add each as `<script async src="…" referrerpolicy="origin">`: the other site redeems
   * the code only for a `<script>` whose `Referer` shows this site.
   */
  async loaderUrls(
    request: Request,
    session: Session,
    info: SharedRequestInfo = {},
  ): Promise<string[]> {
    const self = this.#self(request, info)
    if (!self || this.#o.mode === 'redirect') return []
    const binding = await userAgentBinding(request)
    const urls: string[] = []
    for (const site of this.#o.sites) {
      if (site === self) continue
      const payload = await this.#mint(session, self, site, 'script', binding)
      if (payload === null) return []
      urls.push(`${site}${this.#o.path}/${payload}.js`)
    }
    return urls
  }

  /** {@link loaderUrls} rendered as `<script async>` tags (django-shared-session's template tag). */
  async loaderHtml(
    request: Request,
    session: Session,
    info: SharedRequestInfo = {},
  ): Promise<string> {
    return renderSharedSessionLoader(await this.loaderUrls(request, session, info))
  }

  /**
   * For page routes: the first-visit hop of `'redirect'`/`'auto'` mode. Answers a `303` to
   * the home site's authorize endpoint (with the nonce cookie set first-party) when this
   * is a browser's top-level page load (`Sec-Fetch-Dest: document`, `GET`) on a site with
   * no session, and no earlier hop came back empty; otherwise `null` (serve the page).
   */
  async connectRedirect(
    request: Request,
    session: Session,
    info: SharedRequestInfo = {},
  ): Promise<Response | null> {
    if (this.#o.mode === 'script' || request.method !== 'GET') return null
    // Browsers say what they load; bots and API clients mostly do not, and never hop.
    if (request.headers.get('sec-fetch-dest') !== 'document') return null
    const self = this.#self(request, info)
    if (!self) return null
    const cookie = request.headers.get('cookie')
    if (getCookie(cookie, TRIED_COOKIE) !== undefined) return null
    const url = new URL(request.url)
    if (url.searchParams.has(LOOP_PARAM)) return null
    if (url.pathname === this.#o.path || url.pathname.startsWith(`${this.#o.path}/`)) return null
    if (!(await session.isEmpty())) return null
    const home =
      this.#o.home !== undefined && this.#o.home !== self ? this.#o.home : this.#other(self)
    return this.#connect(request, self, home, url.pathname + url.search, info)
  }

  /**
   * Answers a `GET` under {@link path}; `null` for any other path or method. The
   * adapters mount it; `session` is the request's session from their middleware, which
   * saves it (and sends its cookie) after this returns.
   *
   * - `<path>/<payload>.js`: the script path — an empty `text/javascript` body.
   * - `<path>/loader.json`: `{ "scripts": [...] }`, {@link loaderUrls} for a SPA.
   * - `<path>/connect?from=<site>&next=<path>`: starts the redirect path here.
   * - `<path>/authorize?to=<site>&binding=…&next=…`: the home site's half of it.
   * - `<path>/accept/<payload>?next=…`: redeems a redirect payload, then `303` to `next`.
   */
  async handle(
    request: Request,
    session: Session,
    info: SharedRequestInfo = {},
  ): Promise<Response | null> {
    // GET only: a HEAD (or anything else) must not spend a code or start a hop.
    if (request.method !== 'GET') return null
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return null
    }
    const prefix = `${this.#o.path}/`
    if (!url.pathname.startsWith(prefix)) return null
    const rest = url.pathname.slice(prefix.length)
    const self = this.#self(request, info)
    if (!self) return null
    if (rest === 'loader.json') return this.#loaderJson(request, session, info)
    if (rest === 'connect') {
      const from = url.searchParams.get('from') ?? this.#o.home ?? this.#other(self)
      if (from === self || !this.#o.sites.includes(from)) return badRequest()
      return this.#connect(request, self, from, url.searchParams.get('next'), info)
    }
    if (rest === 'authorize') return this.#authorize(session, self, url)
    if (rest.startsWith('accept/'))
      return this.#accept(request, session, self, url, rest.slice(7), info)
    if (rest.endsWith('.js')) return this.#script(request, session, self, rest.slice(0, -3))
    return null
  }

  async #script(request: Request, session: Session, self: string, text: string): Promise<Response> {
    // Login CSRF: anyone logged in on A can mint a payload for their own session and put
    // its URL on any page, or in a link. Only a <script> on a page of the source site may
    // redeem it, so a navigation, a fetch or another site's page never does.
    const embedder = scriptEmbedder(request)
    if (embedder === null) return this.#rejected(session, 'context', scriptResponse(400))
    const payload = await this.#open(text, self, 'script', await userAgentBinding(request), session)
    if (typeof payload === 'string') return scriptResponse(400)
    if (embedder !== payload.source) return this.#rejected(session, 'context', scriptResponse(400))
    const outcome = await redeemTransferCode(session, payload.code, {
      destination: self,
      source: payload.source,
      alwaysReplace: this.#o.alwaysReplace,
      // A background script never changes who is logged in here; only the top-level
      // redirect path, which the user sees, may (with alwaysReplace).
      keepOtherUser: true,
      via: 'script',
      // A cookie set in answer to a cross-site <script> is stored only with these; a
      // partitioned one would live in A's partition only, useless on B itself.
      cookie: { sameSite: 'None', secure: true, partitioned: false },
    })
    if (outcome === 'used') return this.#rejected(session, 'used', scriptResponse(400))
    if (outcome === 'otherUser') return this.#rejected(session, 'user', scriptResponse(400))
    return scriptResponse(200)
  }

  async #loaderJson(
    request: Request,
    session: Session,
    info: SharedRequestInfo,
  ): Promise<Response> {
    const scripts = await this.loaderUrls(request, session, info)
    return new Response(JSON.stringify({ scripts }), {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        // Other sites may not even load it as a no-cors resource (XSSI).
        'cross-origin-resource-policy': 'same-origin',
      },
    })
  }

  async #connect(
    request: Request,
    self: string,
    from: string,
    next: string | null,
    info: SharedRequestInfo,
  ): Promise<Response> {
    const nonce = base64url(this.#o.random(32))
    const target = new URL(`${from}${this.#o.path}/authorize`)
    target.searchParams.set('to', self)
    target.searchParams.set('binding', await sha256WebCrypto(`nonce:${nonce}`))
    target.searchParams.set('next', safeRedirectPath(next, '/'))
    const response = redirect(target.href)
    const cookie = this.#nonceCookie(this.#secure(request, info))
    response.headers.append(
      'set-cookie',
      serializeCookie(cookie.name, nonce, {
        ...cookie.attributes,
        maxAge: Math.ceil((this.#o.timeoutMs + this.#o.skewMs) / 1000),
      }),
    )
    return response
  }

  async #authorize(session: Session, self: string, url: URL): Promise<Response> {
    const to = url.searchParams.get('to') ?? ''
    const binding = url.searchParams.get('binding') ?? ''
    if (to === self || !this.#o.sites.includes(to) || !BINDING.test(binding)) return badRequest()
    const next = safeRedirectPath(url.searchParams.get('next'), '/')
    const payload = await this.#mint(session, self, to, 'redirect', binding)
    const back = new URL(`${to}${this.#o.path}/accept/${payload ?? 'none'}`)
    back.searchParams.set('next', next)
    return redirect(back.href)
  }

  async #accept(
    request: Request,
    session: Session,
    self: string,
    url: URL,
    text: string,
    info: SharedRequestInfo,
  ): Promise<Response> {
    const secure = this.#secure(request, info)
    const nonceCookie = this.#nonceCookie(secure)
    const nonce = getCookie(request.headers.get('cookie'), nonceCookie.name)
    const next = safeRedirectPath(url.searchParams.get('next'), '/')
    // No nonce back: this browser keeps no cookies for this site, so no marker would stop
    // the next page load from hopping again. The URL says so instead, to end the loop.
    const response = redirect(nonce === undefined ? withParam(next, LOOP_PARAM) : next)
    // The nonce is single use whatever happens next.
    response.headers.append('set-cookie', deleteCookie(nonceCookie.name, nonceCookie.attributes))
    const binding = nonce === undefined ? '' : await sha256WebCrypto(`nonce:${nonce}`)
    const payload =
      text === 'none' ? 'none' : await this.#open(text, self, 'redirect', binding, session)
    const outcome =
      typeof payload === 'string'
        ? 'none'
        : await redeemTransferCode(session, payload.code, {
            destination: self,
            source: payload.source,
            alwaysReplace: this.#o.alwaysReplace,
            via: 'redirect',
            cookie: { sameSite: 'Lax' },
          })
    if (outcome === 'used') this.#rejected(session, 'used', response)
    if (outcome === 'none' || outcome === 'used') {
      // Nothing came of the hop: do not hop again on every page of this visit.
      response.headers.append(
        'set-cookie',
        serializeCookie(TRIED_COOKIE, '1', { path: '/', httpOnly: true, sameSite: 'Lax', secure }),
      )
    }
    return response
  }

  /** Opens and checks a payload; a rejection reason (and event) when any check fails. */
  async #open(
    text: string,
    self: string,
    via: TransferPayload['via'],
    binding: string,
    session: Session,
  ): Promise<TransferPayload | TransferRejection> {
    const opened = PAYLOAD.test(text) ? await this.#cipher.open(text, self) : 'malformed'
    const reason = typeof opened === 'string' ? opened : this.#check(opened, via, binding)
    if (reason) {
      this.#rejected(session, reason, null)
      return reason
    }
    return opened as TransferPayload
  }

  #check(
    payload: TransferPayload,
    via: TransferPayload['via'],
    binding: string,
  ): TransferRejection | null {
    if (payload.via !== via) return 'mode'
    const now = this.#o.clock()
    if (payload.issuedAt > now + this.#o.skewMs) return 'future'
    if (now - payload.issuedAt > this.#o.timeoutMs) return 'expired'
    if (!constantTimeEqual(payload.binding, binding)) return 'binding'
    return null
  }

  async #mint(
    session: Session,
    self: string,
    destination: string,
    via: TransferPayload['via'],
    binding: string,
  ): Promise<string | null> {
    const code = await issueTransferCode(session, destination, this.#o.timeoutMs + this.#o.skewMs)
    if (code === null) return null
    return this.#cipher.seal({
      code,
      issuedAt: this.#o.clock(),
      source: self,
      destination,
      nonce: base64url(this.#o.random(16)),
      via,
      binding,
    })
  }

  #rejected<T>(session: Session, reason: TransferRejection, value: T): T {
    const ops = operationsOf(session)
    ops.emit({ type: 'transferRejected', at: ops.now(), reason })
    return value
  }

  #self(request: Request, info: SharedRequestInfo): string | undefined {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return undefined
    }
    const scheme = info.secure === undefined ? url.protocol : info.secure ? 'https:' : 'http:'
    const origin = `${scheme}//${url.host}`
    return this.#o.sites.includes(origin) ? origin : undefined
  }

  /** Name and attributes of the nonce cookie: `__Host-` over HTTPS (see {@link HOST_NONCE_COOKIE}). */
  #nonceCookie(secure: boolean): {
    name: string
    attributes: { path: string; httpOnly: true; sameSite: 'Lax'; secure: boolean }
  } {
    return secure
      ? {
          name: HOST_NONCE_COOKIE,
          attributes: { path: '/', httpOnly: true, sameSite: 'Lax', secure: true },
        }
      : {
          name: NONCE_COOKIE,
          attributes: { path: this.#o.path, httpOnly: true, sameSite: 'Lax', secure: false },
        }
  }

  #secure(request: Request, info: SharedRequestInfo): boolean {
    return info.secure ?? request.url.startsWith('https:')
  }

  #other(self: string): string {
    return this.#o.sites.find((site) => site !== self) as string
  }
}

/** `path` (a safe same-origin path) with `name=off` added to its query. */
function withParam(path: string, name: string): string {
  const url = new URL(path, 'http://path.invalid')
  url.searchParams.set(name, 'off')
  return url.pathname + url.search + url.hash
}

/** What ties a script-path payload to the browser that loaded the page: its User-Agent. */
function userAgentBinding(request: Request): Promise<string> {
  return sha256WebCrypto(`ua:${request.headers.get('user-agent') ?? ''}`)
}

/** The script path's answer: always an empty script, never anything a page could read. */
function scriptResponse(status: number): Response {
  return new Response('', { status, headers: transferHeaders('text/javascript; charset=utf-8') })
}

function redirect(location: string): Response {
  const headers = transferHeaders('text/plain; charset=utf-8')
  headers.set('location', location)
  return new Response('', { status: 303, headers })
}

function badRequest(): Response {
  return new Response('Bad request', {
    status: 400,
    headers: transferHeaders('text/plain; charset=utf-8'),
  })
}

function transferHeaders(type: string): Headers {
  return new Headers({
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // The URL carries a transfer payload: it must not leak to the next page as Referer.
    'referrer-policy': 'no-referrer',
  })
}
