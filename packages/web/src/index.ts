export { requireUser } from './require-user.js'
export {
  type SessionContext,
  type SessionHandler,
  type WithSessionOptions,
  withSession,
} from './with-session.js'
