import fc from 'fast-check'

// What can reach a server in a header value: bytes other than NUL, CR and LF.
const headerChar = fc
  .integer({ min: 1, max: 255 })
  .filter((c) => c !== 10 && c !== 13)
  .map((c) => String.fromCharCode(c))
const headerText = fc.string({ unit: headerChar, maxLength: 300 })
const credentialish = fc
  .tuple(fc.string({ unit: fc.constantFrom(...'AB_-.=;" \t'), maxLength: 80 }), headerText)
  .map(([a, b]) => a + b)

/**
 * A fast-check arbitrary of hostile `Cookie` header values: random header bytes,
 * near-credentials under the session cookie's name, several cookies (prefixed,
 * space-padded, duplicated names), and a live session cookie `live` (a `name=value`
 * pair) with junk before or after it. Every value is one a real HTTP server could
 * receive (no NUL, CR or LF).
 *
 * @example
 * ```ts
 * await fc.assert(fc.asyncProperty(hostileCookieHeader(live), async (cookie) => {
 *   expect((await app.request('/', { headers: { cookie } })).status).toBeLessThan(500)
 * }))
 * ```
 */
export function hostileCookieHeader(live: string): fc.Arbitrary<string> {
  return fc.oneof(
    headerText,
    credentialish.map((v) => `sessionid=${v}`),
    fc
      .array(
        fc.tuple(
          fc.constantFrom('sessionid', '__Host-sessionid', 'csrftoken', ' sessionid', 'x'),
          credentialish,
        ),
        { maxLength: 6 },
      )
      .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('; ')),
    headerText.map((junk) => `${live}${junk}`),
    headerText.map((junk) => `${junk}; ${live}`),
  )
}
