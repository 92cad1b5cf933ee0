export { type CsrfMiddlewareOptions, csrf } from './csrf-middleware.js'
export { requireUser } from './require-user.js'
export { type SessionMiddlewareOptions, session } from './session-middleware.js'
export { storeErrors } from './store-errors.js'
