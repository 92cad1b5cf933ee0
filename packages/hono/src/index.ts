export { type SessionEnv, type SessionMiddlewareOptions, session } from './session-middleware.js'
