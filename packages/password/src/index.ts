export type { PasswordHasher } from '@tessera/core'
export { createPasswordHasher, type PasswordHasherOptions } from './create-password-hasher.js'
export type { KeyDerivation, ScryptParams } from './lib/kdf.js'
