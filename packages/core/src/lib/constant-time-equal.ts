/**
 * Compares two strings in time that depends only on their lengths, so an attacker
 * cannot learn how many leading characters of a secret hash they guessed right.
 *
 * Each character is read through `String.prototype.charCodeAt.call` rather than
 * `a.charCodeAt(i)`: the method is then a constant that V8's optimizing compiler inlines
 * as a plain character load. Written `a.charCodeAt(i)`, the method is looked up on each
 * string through the site's inline cache, and in the Hono and Express servers measured
 * that lookup stayed a call into V8's property-load builtin for every character of both
 * strings: about 10,000 instructions per request on the session read path (Fastify's
 * server happened not to pay it; bench/README.md, "What changed").
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) {
    diff |= String.prototype.charCodeAt.call(a, i) ^ String.prototype.charCodeAt.call(b, i)
  }
  return diff === 0
}
