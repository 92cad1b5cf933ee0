export { type CsrfMiddlewareOptions, csrf } from './csrf-middleware.js'
export { type SessionEnv, type SessionMiddlewareOptions, session } from './session-middleware.js'
