import { requestUser } from '../../auth/request-user.js'
import type { AuthUser, UserProvider } from '../../auth/user-provider.js'
import { type CsrfRequest, checkCsrf } from '../../csrf/check-csrf.js'
import { csrfFailureResponse } from '../../csrf/csrf-failure.js'
import type { ResolvedCsrfOptions } from '../../csrf/csrf-options.js'
import { pendingCsrfCookie } from '../../csrf/pending-csrf-cookie.js'
import { ConfigError, StoreError } from '../../errors.js'
import { bodyTooLargeResponse } from '../../http/body-too-large-response.js'
import { parsedFormField } from '../../http/parsed-form-field.js'
import { isFormContentType, readFormField } from '../../http/read-form-field.js'
import { storeUnavailableResponse } from '../../http/store-unavailable-response.js'
import { unauthenticatedResponse } from '../../http/unauthenticated-response.js'
import type { Session } from '../../session/session.js'
import type { CommitResult, SessionManager } from '../../session/session-manager.js'
import type { SharedSessions } from '../../shared/shared-sessions.js'
import type { FinishedRequest, RequestOutcome, RequestScope } from '../request-scope.js'
import type { RequestView } from '../request-view.js'
import type { LoginRequired } from './login-required.js'

/** The lifecycle's options, resolved once. */
export interface LifecycleConfig<U extends AuthUser> {
  readonly manager: SessionManager
  readonly trustProxy: boolean
  readonly csrf: ResolvedCsrfOptions | undefined
  readonly bodyLimit: number
  readonly shared: SharedSessions | undefined
  readonly sharedPrefix: string | undefined
  readonly users: UserProvider<U> | undefined
  readonly loginRequired: LoginRequired | undefined
}

// RFC 9110 §9.2.1 safe methods: never CSRF-checked, so their bodies are never read.
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/** The path of an absolute URL, without query or fragment. Never throws. */
export function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  if (start === -1) return '/'
  const end = url.slice(start).search(/[?#]/)
  return end === -1 ? url.slice(start) : url.slice(start, start + end)
}

/**
 * The {@link CsrfRequest} of a request view: `checkCsrf` reads each header through the
 * view's `header`, and `headers` is built once, only if asked for (by `exempt`, say).
 * The token of a form body, read before the check, is `token`.
 */
class ViewCsrfRequest implements CsrfRequest {
  readonly method: string
  token: string | undefined
  readonly #view: RequestView
  #headers: Headers | undefined

  constructor(
    view: RequestView,
    readonly url: string,
    readonly secure: boolean,
  ) {
    this.#view = view
    this.method = view.method
  }

  get headers(): Headers {
    this.#headers ??= this.#view.headers()
    return this.#headers
  }

  header(name: string): string | null | undefined {
    return this.#view.header(name)
  }

  // An own function, so that a caller may hold it detached.
  bodyToken = (): Promise<string | undefined> => Promise.resolve(this.token)
}

/**
 * One request's state. A class, not a closure per request: the methods live on the
 * prototype, so the hot path allocates this one object beside the session.
 */
export class LifecycleScope<U extends AuthUser> implements RequestScope<U> {
  formFields: Record<string, string> | undefined
  resolvedUser: U | undefined

  constructor(
    private readonly config: LifecycleConfig<U>,
    private readonly view: RequestView,
    readonly session: Session,
    readonly secure: boolean,
    readonly ip: string | undefined,
  ) {}

  admit(): Promise<Response | undefined> | undefined {
    const { config, view } = this
    const { method } = view
    const shared = config.sharedPrefix !== undefined && method === 'GET'
    const login = config.loginRequired !== undefined && view.allowAnonymous !== true
    const csrf = config.csrf !== undefined && view.csrf !== false && !SAFE_METHODS.has(method)
    if (!shared && !login) {
      return csrf ? this.#checkCsrf(config.csrf as ResolvedCsrfOptions) : undefined
    }
    return this.#admit(shared, login, csrf)
  }

  async #admit(shared: boolean, login: boolean, csrf: boolean): Promise<Response | undefined> {
    const { config, view } = this
    const path = view.path ?? pathOf(view.url)
    if (shared && path.startsWith(config.sharedPrefix as string)) {
      const request = new Request(this.#url(), { method: 'GET', headers: view.headers() })
      const hop = await config.shared?.handle(request, this.session, { secure: this.secure })
      if (hop) return hop
    }
    if (login && config.loginRequired?.requires(view.method, path)) {
      const user = await this.user()
      if (!user) return unauthenticatedResponse()
      this.resolvedUser = user
    }
    if (csrf) return this.#checkCsrf(config.csrf as ResolvedCsrfOptions)
    return undefined
  }

  async #checkCsrf(options: ResolvedCsrfOptions): Promise<Response | undefined> {
    const { view } = this
    const request = new ViewCsrfRequest(view, this.#url(), this.secure)
    // An exempt route's body is never read, so never refused for its size.
    if (options.exempt?.(request) === true) return undefined
    const type = view.header('content-type')
    if (view.parsedBody) {
      request.token = parsedFormField(type, view.parsedBody(), options.formField)
    } else if (view.body && isFormContentType(type)) {
      // Read (bounded) before the check: an oversize form is refused for its size alone.
      const form = await readFormField(view.body(), options.formField, this.config.bodyLimit)
      if (form.tooLarge) return bodyTooLargeResponse()
      request.token = form.value
      this.formFields = form.value === undefined ? {} : { [options.formField]: form.value }
    }
    const failure = await checkCsrf(request, this.session, options)
    return failure ? csrfFailureResponse(failure) : undefined
  }

  /** The request URL with the scheme `trustProxy` decided: the origin CSRF expects. */
  #url(): string {
    const { url } = this.view
    const direct = url.startsWith('https:')
    if (direct === this.secure) return url
    return this.secure ? `https:${url.slice(5)}` : `http:${url.slice(6)}`
  }

  user(): Promise<U | null> {
    const { users } = this.config
    if (users === undefined) {
      return Promise.reject(new ConfigError('user() needs the "users" option'))
    }
    return requestUser(this.session, users)
  }

  finish(outcome: RequestOutcome): FinishedRequest | Promise<FinishedRequest> {
    if (outcome.error !== undefined) {
      // Django's rule: a thrown handler saves nothing. A store failure answers 503.
      if (outcome.error instanceof StoreError) return storeUnavailableResponse(outcome.error)
      if (outcome.status === undefined) throw outcome.error
      return undefined
    }
    if ((outcome.status as number) >= 500) return undefined
    const { manager } = this.config
    // Most requests only read a loaded session: nothing to save, no store call to wait for.
    const ready = manager.commitNow(this.session)
    if (ready) return this.#owed(ready)
    return manager.commit(this.session).then(
      (result) => this.#owed(result),
      (e: unknown) => {
        if (e instanceof StoreError) return storeUnavailableResponse(e)
        throw e
      },
    )
  }

  #owed(commit: CommitResult): FinishedRequest {
    const { csrf } = this.config
    if (!csrf) return { commit }
    return { commit, csrfCookie: pendingCsrfCookie(this.session, this.secure, csrf) }
  }
}
