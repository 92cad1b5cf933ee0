export { type JwksPluginOptions, jwks } from './jwks.js'
export { requireUser } from './require-user.js'
export { type TesseraSessionOptions, tesseraSession } from './tessera-session.js'
