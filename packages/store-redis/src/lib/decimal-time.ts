/**
 * `Number(text)` for the times a session's hash holds (`seen`, `idle`, `abs`: decimal
 * milliseconds as `String(number)` wrote them), read without V8's general conversion
 * where the text is 1 to 15 decimal digits. Millisecond times are past 2^32, beyond the
 * array indexes V8 keeps parsed on a string, so `Number` called into the runtime's full
 * decimal parser for each of them, on every session read (`bench:attribute`: about 2k
 * instructions per request for three of them). Fifteen digits stay below 2^53, so the
 * sum below is exact. Anything else (a fraction, an exponent, a sign, spaces, `null`)
 * goes to `Number`: the answer is `Number(text)`'s whatever `text` is.
 */
export function decimalTime(text: string | null): number {
  if (text === null || text.length === 0 || text.length > 15) return Number(text)
  let value = 0
  for (let i = 0; i < text.length; i++) {
    const digit = String.prototype.charCodeAt.call(text, i) - 0x30
    if (digit < 0 || digit > 9) return Number(text)
    value = value * 10 + digit
  }
  return value
}
