export { renderSharedSessionLoader } from './render-shared-session-loader.js'
export type { SharedSessionMode, SharedSessionOptions } from './shared-session-options.js'
export { type SharedRequestInfo, SharedSessions } from './shared-sessions.js'
