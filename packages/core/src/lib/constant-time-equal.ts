/**
 * Compares two strings in time that depends only on their lengths, so an attacker
 * cannot learn how many leading characters of a secret hash they guessed right.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
