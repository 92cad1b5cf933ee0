/**
 * Whether a response's session changes are saved: not when the handler threw (no
 * status), and not on a 5xx — Django's `SessionMiddleware` saves only when
 * `status_code < 500`, so a request that failed half-way leaves the store as it was and
 * sets no session cookie. Every adapter asks this one rule before committing.
 *
 * @example
 * ```ts
 * if (shouldCommit(response.status)) writeSessionHeaders(response.headers, { commit: await manager.commit(session) })
 * ```
 */
export function shouldCommit(status: number | undefined): boolean {
  return status !== undefined && status < 500
}
