export { type CsrfMiddlewareOptions, csrf } from './csrf-middleware.js'
export { jwks } from './jwks.js'
export { requireUser, type UserEnv } from './require-user.js'
export { type SessionEnv, type SessionMiddlewareOptions, session } from './session-middleware.js'
