/** A source of cryptographically secure random bytes; injectable so tests are repeatable. */
export type RandomSource = (size: number) => Uint8Array

/** The platform CSPRNG (`crypto.getRandomValues`). */
export const secureRandom: RandomSource = (size) => crypto.getRandomValues(new Uint8Array(size))
