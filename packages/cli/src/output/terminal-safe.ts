// C0 and C1 controls, DEL, and the Unicode bidirectional overrides and isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/**
 * `text` with every control character (ESC, CR, BEL, …) and bidi override written as a
 * visible `\uXXXX` escape. User agents, user ids and IPs in session records come from
 * HTTP requests, so an attacker chooses them: printed raw, `\x1b]…` sequences could
 * rewrite the operator's terminal (retitle it, hide lines, fake output) and a CR or
 * bidi override could make one row look like another.
 *
 * @example
 * ```ts
 * terminalSafe('curl/8\x1b[2J') // 'curl/8\\u001b[2J'
 * ```
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
