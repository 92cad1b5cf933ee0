export { requireUser } from './require-user.js'
export { type SharedSessionHandlerOptions, sharedSessionHandler } from './shared-session-handler.js'
export { withJwks } from './with-jwks.js'
export {
  type SessionContext,
  type SessionHandler,
  type WithSessionOptions,
  withSession,
} from './with-session.js'
export { type UserContext, type WithUserOptions, withUser } from './with-user.js'
