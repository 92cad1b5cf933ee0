export { requireUser, type UserEnv } from './require-user.js'
export { type SessionEnv, type SessionMiddlewareOptions, session } from './session-middleware.js'
export { storeErrorHandler } from './store-error-handler.js'
