export { requireUser } from './require-user.js'
export { type SessionMiddlewareOptions, session } from './session-middleware.js'
export { storeErrorHandler } from './store-error-handler.js'
