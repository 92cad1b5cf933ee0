/**
 * The path of Node's request target (`request.url`) as Fastify's router reads it before
 * decoding: an absolute-form target (`http://host/path`) loses its scheme and authority,
 * and the query goes. What the router does next (decoding `%` escapes, its slash and case
 * options) the core's `loginRequired` reads loosely itself. Never throws.
 */
export function routedPath(url: string): string {
  let path = url
  if (path.charCodeAt(0) !== 0x2f) {
    const scheme = path.indexOf('://')
    if (scheme !== -1 && /^https?$/i.test(path.slice(0, scheme))) {
      const slash = path.indexOf('/', scheme + 3)
      path = slash === -1 ? '/' : path.slice(slash)
    }
  }
  const query = path.indexOf('?')
  return query === -1 ? path : path.slice(0, query)
}
