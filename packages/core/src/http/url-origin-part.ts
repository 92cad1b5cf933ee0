/**
 * The scheme and authority of an absolute `http:` or `https:` URL as written
 * (`https://app.example.com:8443` of `https://app.example.com:8443/cart?x=1`), without
 * the WHATWG parser. `undefined` for any other URL (another scheme, or not in lower case,
 * or anything before it), when nothing is written between `//` and the end of the
 * authority, and when the authority holds a control character or a space. The authority
 * ends where a parser would end it for these schemes: at the first `/`, `?`, `#` or `\`
 * (which they read as `/`). Nothing is decoded or normalised: callers either check the
 * part as written (`Host` as Django checks it) or hand it to the parser, whose host for
 * these schemes depends on this part alone.
 * @internal
 */
export function urlOriginPart(url: string): string | undefined {
  const start = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : -1
  if (start === -1) return undefined
  let end = start
  while (end < url.length) {
    const c = url.charCodeAt(end)
    if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5c) break
    // The parser removes tabs and newlines anywhere and strips controls and spaces at
    // the ends, so with one of those the part would not read as it does in the URL.
    if (c <= 0x20) return undefined
    end++
  }
  // An empty authority is not read as one: the parser skips any slashes after the
  // scheme (`http:///host` and `http://\host` name `host`).
  return end === start ? undefined : url.slice(0, end)
}
