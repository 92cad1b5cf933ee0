const VALUES = new Int16Array(128).fill(-1)
for (const [i, ch] of [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
].entries()) {
  VALUES[ch.charCodeAt(0)] = i
}

/**
 * Decodes unpadded base64url (RFC 4648 §5) from untrusted input. Returns `null` for any
 * character outside the alphabet, a length no encoding produces, or non-zero trailing
 * bits (so every byte string has exactly one accepted spelling). Never throws.
 */
export function base64urlDecode(text: string): Uint8Array<ArrayBuffer> | null {
  if (typeof text !== 'string' || text.length % 4 === 1) return null
  const out = new Uint8Array(Math.floor((text.length * 3) / 4))
  let bits = 0
  let buffer = 0
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const value = code < 128 ? (VALUES[code] as number) : -1
    if (value < 0) return null
    buffer = (buffer << 6) | value
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[n++] = (buffer >>> bits) & 0xff
    }
  }
  // Leftover bits must be zero: "AB" and "AC" must not both decode to the same byte.
  if ((buffer & ((1 << bits) - 1)) !== 0) return null
  return out
}
