/** A `Set-Cookie` value as the arguments of Next.js's `cookies().set(name, value, options)`. */
export interface CookieToSet {
  name: string
  value: string
  options: {
    path?: string
    domain?: string
    maxAge?: number
    expires?: Date
    httpOnly?: boolean
    secure?: boolean
    sameSite?: 'lax' | 'strict' | 'none'
    partitioned?: boolean
  }
}

/**
 * Splits a `Set-Cookie` value that Tessera serialized (so well-formed) into what
 * `cookies().set()` takes: a Server Action cannot append raw `Set-Cookie` lines, and
 * Next.js serializes the cookie again from these parts.
 */
export function setCookieOptions(header: string): CookieToSet {
  const [pair = '', ...attributes] = header.split(';')
  const eq = pair.indexOf('=')
  const options: CookieToSet['options'] = {}
  for (const attribute of attributes) {
    const [rawKey = '', ...rest] = attribute.split('=')
    const key = rawKey.trim().toLowerCase()
    const value = rest.join('=').trim()
    if (key === 'path') options.path = value
    else if (key === 'domain') options.domain = value
    else if (key === 'max-age') options.maxAge = Number(value)
    else if (key === 'expires') options.expires = new Date(value)
    else if (key === 'httponly') options.httpOnly = true
    else if (key === 'secure') options.secure = true
    else if (key === 'partitioned') options.partitioned = true
    else if (key === 'samesite') options.sameSite = value.toLowerCase() as 'lax' | 'strict' | 'none'
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), options }
}
