/**
 * The secret of every Tessera target and peer server in the bench (not a real secret:
 * the bench's sessions live for one run on loopback).
 *
 * @example
 * ```ts
 * new SessionManager({ store, secret: benchSecret })
 * ```
 */
export const benchSecret = 'bench-secret-bench-secret-bench-secret!!'
