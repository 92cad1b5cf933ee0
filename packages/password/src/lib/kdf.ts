import { pbkdf2, scrypt } from 'node:crypto'

/** scrypt cost parameters as Django stores them: N (work factor), r (block size), p (parallelism). */
export interface ScryptParams {
  N: number
  r: number
  p: number
}

/**
 * The two key-derivation functions the hasher computes, each resolving to `keyLength`
 * bytes. {@link nodeKeyDerivation} is the default; see `PasswordHasherOptions.derive`.
 */
export interface KeyDerivation {
  /** scrypt; must refuse (reject) when it would allocate more than `params.maxmem` bytes. */
  scrypt(
    password: Uint8Array,
    salt: Uint8Array,
    keyLength: number,
    params: ScryptParams & { maxmem: number },
  ): Promise<Uint8Array>
  /** PBKDF2-HMAC with `digest`. */
  pbkdf2(
    password: Uint8Array,
    salt: Uint8Array,
    iterations: number,
    keyLength: number,
    digest: 'sha256' | 'sha1',
  ): Promise<Uint8Array>
}

/**
 * The bytes OpenSSL's scrypt allocates for these parameters: the `V` array of
 * 128·r·(N+2) bytes plus the `B` buffer of 128·r·p bytes (EVP_PBE_scrypt). Node refuses
 * to run when this exceeds `maxmem`, so it is also the smallest `maxmem` that works.
 */
export function scryptMemory({ N, r, p }: ScryptParams): number {
  return 128 * r * (N + p + 2)
}

/**
 * scrypt's running time is proportional to N·r·p: p independent ROMix passes, each of
 * 2·N BlockMix rounds over 2·r Salsa20/8 blocks (RFC 7914 §§4–6).
 */
export function scryptWork({ N, r, p }: ScryptParams): number {
  return N * r * p
}

/**
 * How many PBKDF2 iterations cost as much as one unit of scrypt work (N·r·p = 1), so a
 * PBKDF2 hash can be compared with the current scrypt setting. Measured with Node 20 and
 * OpenSSL 3 against N=2^14, r=8, p=5: 1.11 PBKDF2-HMAC-SHA256 iterations per unit on
 * the README's reference machine, 1.40 on another 2-core AMD EPYC (SHA-1 within 5% of
 * SHA-256 there). 1.25 sits between, so the default setting counts as 819,200
 * iterations (Django 5.1 writes 870,000). Approximate by nature: the ratio moves with
 * the CPU (SHA extensions, cache size).
 */
export const PBKDF2_ITERATIONS_PER_SCRYPT_WORK = 1.25

/** `node:crypto` on the libuv thread pool, so the event loop keeps serving requests. */
export const nodeKeyDerivation: KeyDerivation = {
  scrypt: (password, salt, keyLength, params) =>
    new Promise((resolve, reject) => {
      scrypt(password, salt, keyLength, params, (error, key) =>
        error ? reject(error) : resolve(key),
      )
    }),
  pbkdf2: (password, salt, iterations, keyLength, digest) =>
    new Promise((resolve, reject) => {
      pbkdf2(password, salt, iterations, keyLength, digest, (error, key) =>
        error ? reject(error) : resolve(key),
      )
    }),
}
