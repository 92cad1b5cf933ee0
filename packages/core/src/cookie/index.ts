export type { CookieAttributes } from './cookie-attributes.js'
export { deleteCookie } from './delete-cookie.js'
export { getCookie } from './get-cookie.js'
export {
  MAX_COOKIE_HEADER_LENGTH,
  MAX_COOKIE_PAIRS,
  parseCookieHeader,
} from './parse-cookie-header.js'
export { MAX_COOKIE_SIZE, serializeCookie } from './serialize-cookie.js'
