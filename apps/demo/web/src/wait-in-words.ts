/**
 * A wait in seconds as a person says it, for "Try again in …": under a minute in
 * seconds ("30 seconds", "1 second"), under two hours in minutes ("1 minute",
 * "15 minutes"), longer in hours. Always rounded up, so the user is never told a time
 * at which the server would still refuse them.
 *
 * @example
 * ```ts
 * waitInWords(897) // '15 minutes'
 * waitInWords(60)  // '1 minute'
 * waitInWords(30)  // '30 seconds'
 * ```
 */
export function waitInWords(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds))
  if (s < 60) return plural(s, 'second')
  if (s < 2 * 3600) return plural(Math.ceil(s / 60), 'minute')
  return plural(Math.ceil(s / 3600), 'hour')
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`
}
