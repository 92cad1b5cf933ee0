/**
 * The session cookie's name, in a file of its own so that `proxy.ts` can look for the
 * cookie without importing the session manager, its store or any driver.
 * @default 'sessionid'
 */
export const SESSION_COOKIE = process.env.SESSION_COOKIE_NAME || 'sessionid'
