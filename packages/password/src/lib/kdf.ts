import { pbkdf2, scrypt } from 'node:crypto'

/** scrypt cost parameters as Django stores them: N (work factor), r (block size), p (parallelism). */
export interface ScryptParams {
  N: number
  r: number
  p: number
}

/**
 * The bytes OpenSSL's scrypt allocates for these parameters: the `V` array of
 * 128·r·(N+2) bytes plus the `B` buffer of 128·r·p bytes (EVP_PBE_scrypt). Node refuses
 * to run when this exceeds `maxmem`, so it is also the smallest `maxmem` that works.
 */
export function scryptMemory({ N, r, p }: ScryptParams): number {
  return 128 * r * (N + p + 2)
}

/** `crypto.scrypt` on the libuv thread pool, so the event loop keeps serving requests. */
export function deriveScrypt(
  password: Buffer,
  salt: Buffer,
  params: ScryptParams,
  maxmem: number,
  keyLength: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, { ...params, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

/** `crypto.pbkdf2` on the libuv thread pool. */
export function derivePbkdf2(
  password: Buffer,
  salt: Buffer,
  iterations: number,
  keyLength: number,
  digest: 'sha256' | 'sha1',
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(password, salt, iterations, keyLength, digest, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}
