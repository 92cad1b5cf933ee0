import {
  type KeyDerivation,
  nodeKeyDerivation,
  PBKDF2_ITERATIONS_PER_SCRYPT_WORK,
  type ScryptParams,
} from '../src/lib/kdf.js'

/** One call to the key-derivation function, with the parameters that set its cost. */
export type Derivation =
  | { kdf: 'scrypt'; N: number; r: number; p: number }
  | { kdf: 'pbkdf2'; iterations: number; digest: 'sha256' | 'sha1' }

/**
 * The real node:crypto KDF, recording every call: the `derive` option is how a test sees
 * the work `verify` does without timing it.
 */
export function countingDerive() {
  const calls: Derivation[] = []
  const derive: KeyDerivation = {
    scrypt: (password, salt, keyLength, params) => {
      calls.push({ kdf: 'scrypt', N: params.N, r: params.r, p: params.p })
      return nodeKeyDerivation.scrypt(password, salt, keyLength, params)
    },
    pbkdf2: (password, salt, iterations, keyLength, digest) => {
      calls.push({ kdf: 'pbkdf2', iterations, digest })
      return nodeKeyDerivation.pbkdf2(password, salt, iterations, keyLength, digest)
    },
  }
  /** The calls since the last `take()`, emptied. */
  const take = () => calls.splice(0)
  return { derive, take }
}

/** The cost of some derivations in scrypt work units (N·r·p), PBKDF2 by the hasher's exchange rate. */
export function cost(calls: readonly Derivation[]): number {
  let total = 0
  for (const call of calls) {
    total +=
      call.kdf === 'scrypt'
        ? call.N * call.r * call.p
        : call.iterations / PBKDF2_ITERATIONS_PER_SCRYPT_WORK
  }
  return total
}

export const work = ({ N, r, p }: ScryptParams) => N * r * p
