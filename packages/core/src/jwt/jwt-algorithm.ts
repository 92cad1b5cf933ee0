/**
 * The JWS algorithms a session JWT may be signed with: a shared secret (`HS256`) or an
 * asymmetric key — Ed25519 (`EdDSA`), P-256 (`ES256`), RSA ≥ 2048 bits (`RS256`,
 * `PS256`). Every key of a {@link JwtKeySet} is bound to exactly one of them, and a
 * token is verified only with the algorithm of the key its `kid` names, so `none` and
 * HS/asymmetric confusion (RFC 8725 §2.1, §3.1) cannot happen.
 *
 * @example
 * ```ts
 * const alg: JwtAlgorithm = 'EdDSA'
 * ```
 */
export type JwtAlgorithm = 'HS256' | 'EdDSA' | 'ES256' | 'RS256' | 'PS256'

/**
 * Every {@link JwtAlgorithm}, in the order error messages list them.
 *
 * @example
 * ```ts
 * if (!JWT_ALGORITHMS.includes(process.env.JWT_ALG as JwtAlgorithm)) throw new Error('bad JWT_ALG')
 * ```
 */
export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['EdDSA', 'ES256', 'RS256', 'PS256', 'HS256']

/**
 * Whether `value` is one of the {@link JWT_ALGORITHMS} (exact, case-sensitive).
 *
 * @example
 * ```ts
 * isJwtAlgorithm('none') // false
 * ```
 */
export function isJwtAlgorithm(value: unknown): value is JwtAlgorithm {
  return typeof value === 'string' && (JWT_ALGORITHMS as readonly string[]).includes(value)
}
