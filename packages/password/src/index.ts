export type { PasswordHasher } from '@tessera/core'
export { createPasswordHasher, type PasswordHasherOptions } from './create-password-hasher.js'
