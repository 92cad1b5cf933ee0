import fc from 'fast-check'

/** Django's CSRF_ALLOWED_CHARS = string.ascii_letters + string.digits (lowercase first). */
export const CSRF_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/**
 * One UTF-16 code unit for a token: a character of the alphabet, one that folds onto it
 * in its low seven bits (0x80 and 0x100 above it: é is 0xE9, `i` | 0x80), or any at all.
 */
export const tokenUnit = fc.oneof(
  fc.constantFrom(...CSRF_CHARS),
  fc.constantFrom(...CSRF_CHARS).map((c) => String.fromCharCode(c.charCodeAt(0) | 0x80)),
  fc.constantFrom(...CSRF_CHARS).map((c) => String.fromCharCode(c.charCodeAt(0) + 0x100)),
  fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
)
