export { requireUser } from './require-user.js'
export { type TesseraSessionOptions, tesseraSession } from './tessera-session.js'
