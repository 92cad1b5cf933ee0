import { randomInt } from 'node:crypto'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/**
 * The length Django's `BasePasswordHasher.salt()` uses: the fewest characters of a
 * 62-letter alphabet holding 128 bits (`salt_entropy`), since 22·log2(62) ≈ 131.
 */
export const SALT_LENGTH = 22

/**
 * A fresh salt in Django's format (`get_random_string` over `[a-zA-Z0-9]`), so the
 * hashes fit Django's 128-character `password` column and Django's `must_update`
 * sees enough entropy. `randomInt` draws from the CSPRNG without modulo bias.
 */
export function djangoSalt(): string {
  let salt = ''
  for (let i = 0; i < SALT_LENGTH; i++) salt += ALPHABET[randomInt(ALPHABET.length)]
  return salt
}

/** Whether a stored salt carries fewer than 128 bits, by Django's own measure (`must_update_salt`). */
export function isWeakSalt(salt: string): boolean {
  return salt.length * Math.log2(ALPHABET.length) < 128
}
