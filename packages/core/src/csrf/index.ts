export { checkCsrf } from './check-csrf.js'
export { csrfCookie } from './csrf-cookie.js'
export { type CsrfFailure, type CsrfFailureCode, csrfFailureResponse } from './csrf-failure.js'
export {
  type CsrfCookieOptions,
  type CsrfOptions,
  type ResolvedCsrfOptions,
  resolveCsrfOptions,
} from './csrf-options.js'
export type { CsrfRequest } from './csrf-request.js'
export { CSRF_SESSION_KEY, getCsrfToken, rotateCsrfToken, takeCsrfCookie } from './csrf-session.js'
export {
  CSRF_SECRET_LENGTH,
  CSRF_TOKEN_LENGTH,
  createCsrfSecret,
  maskCsrfSecret,
  unmaskCsrfToken,
} from './csrf-token.js'
export { pendingCsrfCookie } from './pending-csrf-cookie.js'
