export { type JwksPluginOptions, jwks } from './jwks.js'
export { requireUser } from './require-user.js'
export { type SharedSessionRoutesOptions, sharedSessionRoutes } from './shared-session-routes.js'
export { type TesseraSessionOptions, tesseraSession } from './tessera-session.js'
